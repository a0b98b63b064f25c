import { RUN_EVENT_SCHEMA_VERSION, type RunEvent } from '../../src/protocol/run-events';

/**
 * Builds one run's events in seq order the way a pipeline stamps them: each event gets the next seq and
 * a millisecond ISO timestamp (the ones a delta group can keep as numbers).
 */
export class RunEventScript {
  readonly events: RunEvent[] = [];
  private readonly start = Date.parse('2026-03-01T09:00:00.000Z');

  constructor(readonly requestId: string) {}

  private base(timestamp?: string): { version: typeof RUN_EVENT_SCHEMA_VERSION; seq: number; request_id: string; timestamp: string } {
    const seq = this.events.length + 1;
    return { version: RUN_EVENT_SCHEMA_VERSION, seq, request_id: this.requestId, timestamp: timestamp ?? new Date(this.start + seq * 7).toISOString() };
  }

  started(): this {
    this.events.push({ ...this.base(), type: 'info', kind: 'run_started', step: 'validate', progress: 0, message: 'Run started', repo: 'https://github.com/octo/widgets', prompt: 'Add a retry', dry_run: false });
    return this;
  }

  step(step: 'agent' | 'apply' = 'agent', progress = 40): this {
    this.events.push({ ...this.base(), type: 'info', kind: 'step_started', step, progress, message: `${step} started` });
    return this;
  }

  deltas(count: number, options: { provider?: string; progress?: number; text?: (index: number) => string; timestamp?: string } = {}): this {
    for (let index = 0; index < count; index += 1) {
      this.events.push({
        ...this.base(options.timestamp),
        type: 'ai_message',
        kind: 'ai_message',
        step: 'agent',
        progress: options.progress ?? 40,
        provider: options.provider ?? 'anthropic',
        message: options.text ? options.text(index) : `piece ${this.events.length} `,
      });
    }
    return this;
  }

  tool(path: string): this {
    this.events.push({ ...this.base(), type: 'tool', kind: 'tool', step: 'agent', progress: 40, tool: 'Read', filepath: path, message: `Tool: Read ${path}` });
    return this;
  }

  thinking(): this {
    this.events.push({ ...this.base(), type: 'thinking', kind: 'thinking', step: 'agent', progress: 40, topic: 'fallback', provider: 'openai', reason: 'rate limited', message: 'Falling back to openai' });
    return this;
  }

  completed(patch?: string): this {
    this.events.push({
      ...this.base(),
      type: 'success',
      kind: 'completed',
      step: 'pull_request',
      progress: 100,
      message: 'Pull request opened',
      changed_files: [{ path: 'src/fetch.ts', status: 'modified', additions: 3, deletions: 1 }],
      ...(patch !== undefined ? { patch } : {}),
      agent: 'anthropic',
      summary: 'Added a retry',
      duration_ms: 1234,
      dry_run: false,
      pr_url: 'https://github.com/octo/widgets/pull/7',
    });
    return this;
  }

  failed(patch?: string): this {
    this.events.push({
      ...this.base(),
      type: 'error',
      kind: 'failed',
      step: 'pull_request',
      progress: 90,
      message: 'The pull request head moved',
      error: { code: 'pr_head_moved', message: 'The head moved', remedy: 'Apply the patch by hand' },
      ...(patch !== undefined ? { patch } : {}),
      duration_ms: 99,
    });
    return this;
  }
}

/** A patch of about `bytes` bytes, with multi-byte characters so byte and character counts differ. */
export function bigPatch(bytes: number): string {
  const line = '+  retry(() => fetch(url), { attempts: 3 }) // réessai ✓\n';
  return `diff --git a/src/fetch.ts b/src/fetch.ts\n${line.repeat(Math.ceil(bytes / Buffer.byteLength(line)))}`;
}

export async function collect(events: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const seen: RunEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}
