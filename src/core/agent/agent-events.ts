import type { RunEventOf } from '../../protocol/run-events';
import type { AgentContext } from './agent';
import { shortenText } from './tools/tool-text';

type ThinkingTopic = RunEventOf<'thinking'>['topic'];
export type ToolFields = Omit<RunEventOf<'tool'>, 'version' | 'seq' | 'request_id' | 'timestamp' | 'progress' | 'kind' | 'type' | 'step'>;

const EVENT_TEXT_LIMIT = 20_000;

/** A thinking event and the matching agent_thinking log line: the user and the logs tell the same story. */
export function think(context: AgentContext, topic: ThinkingTopic, message: string, extra: { provider?: string; reason?: string; progress?: number } = {}): void {
  context.emit({
    kind: 'thinking',
    type: 'thinking',
    step: 'agent',
    topic,
    message,
    ...(extra.provider !== undefined ? { provider: extra.provider } : {}),
    ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
    ...(extra.progress !== undefined ? { progress: extra.progress } : {}),
  });
  context.logger.thinking(message, { topic, ...(extra.provider ? { provider: extra.provider } : {}), ...(extra.reason ? { reason: extra.reason } : {}) });
}

/** The one builder of `Tool: …` events: long texts are shortened (command output keeps its end too). */
export function toolEvent(context: AgentContext, fields: ToolFields): void {
  const clipped: ToolFields = { ...fields };
  for (const key of ['old_str', 'new_str', 'output'] as const) {
    const value = clipped[key];
    if (value !== undefined) clipped[key] = shortenText(value, EVENT_TEXT_LIMIT, key === 'output' ? 'middle' : 'head');
  }
  context.emit({ kind: 'tool', type: 'tool', step: 'agent', ...clipped });
}
