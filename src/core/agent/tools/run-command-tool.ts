import { abortReason, CancelledError } from '../../errors/cancelled-error';
import type { EngineConfig } from '../../config/engine-config';
import type { Sandbox } from '../../sandbox/sandbox';
import { normalizeRepoPath } from '../../workspace/path-guard';
import { resolveTuning } from '../agent-tuning';
import type { ToolCall } from '../model/model-client';
import { HeadTailOutput, ThrottledLines } from './command-output';
import { StagedCheckout, type CommandSideEffects } from './staged-checkout';
import type { ToolEnv } from './tool-env';
import type { ToolInput } from './tool-definitions';
import { failed, ok, type ToolOutcome } from './tool-outcome';
import { shortenText } from './tool-text';

/** What the model sees of one command: the start and, mostly, the end (where failures are reported). */
const MODEL_HEAD_CHARS = 4_000;
const MODEL_TAIL_CHARS = 12_000;
const LIVE_INTERVAL_MS = 400;
const LIVE_CHUNK_CHARS = 4_000;

export type CommandAvailability = { readonly offered: true; readonly isolation: string } | { readonly offered: false; readonly reason: string };

/** Commands run only where the sandbox isolates them; elsewhere the tool is not offered, and this says why. */
export function commandAvailability(sandbox: Sandbox): CommandAvailability {
  if (sandbox.isolation.level !== 'none') return { offered: true, isolation: sandbox.isolation.summary };
  return {
    offered: false,
    reason:
      'this machine has no isolated sandbox for this run (no E2B key is configured and bubblewrap is not available), and repository code never runs unisolated. To let the agent run tests and other commands, set E2B_API_KEY, or on Linux install bubblewrap (apt-get install bubblewrap).',
  };
}

/** The time limit per command: `agent.commandTimeoutMs` (env TINY_BACKSPACE_AGENT_COMMAND_TIMEOUT_MS), default 120 s. */
export function commandTimeoutMs(config: EngineConfig): number {
  return resolveTuning(config).commandTimeoutMs;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function listed(files: readonly string[]): string {
  return `${files.slice(0, 20).join(', ')}${files.length > 20 ? `, … (${files.length - 20} more)` : ''}`;
}

/** What the model hears about files the command changed behind the edit tools' back. */
function describeSideEffects(effects: CommandSideEffects): string {
  const parts: string[] = [];
  if (effects.restored.length > 0) parts.push(`The command changed ${effects.restored.length} tracked file(s) outside your change; they were put back to their committed content: ${listed(effects.restored)}.`);
  if (effects.leftChanged.length > 0) parts.push(`The command changed ${effects.leftChanged.length} tracked file(s) that are not part of your change: ${listed(effects.leftChanged)}.`);
  if (parts.length === 0) return '';
  return `\n${parts.join(' ')} The pull request holds only your edits; make such a change with the edit tools if it belongs there.`;
}

/** Waits for the baseline checks to be done with the checkout, or for a cancel. */
async function baselineDone(env: ToolEnv): Promise<void> {
  const pending = env.context.baselineSettled;
  if (!pending) return;
  const { signal } = env.context;
  if (signal.aborted) throw new CancelledError(abortReason(signal));
  let onAbort: (() => void) | undefined;
  try {
    await Promise.race([
      pending,
      new Promise<never>((_, reject) => {
        onAbort = () => reject(new CancelledError(abortReason(signal)));
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/**
 * `run_command`: `bash -lc COMMAND` in the sandbox checkout, with the staged change written in (see
 * StagedCheckout), a time limit, no credential in its environment, the sandbox's network policy (none
 * for the local sandbox), live output in the run's events, and output for the model capped at both ends
 * and scrubbed of known secrets. Cancelling the run kills the command and everything it started.
 */
export async function runCommand(env: ToolEnv, call: ToolCall, input: ToolInput<'run_command'>): Promise<ToolOutcome> {
  const { context } = env;
  const availability = commandAvailability(context.sandbox);
  if (!availability.offered) return failed(call, `run_command is not available: ${availability.reason}`);
  const limitMs = commandTimeoutMs(context.config);
  const timeoutMs = Math.min(limitMs, input.timeout_seconds === undefined ? limitMs : input.timeout_seconds * 1_000);
  const cwd = input.cwd === undefined || input.cwd.trim() === '' || input.cwd.trim() === '.' ? undefined : normalizeRepoPath(input.cwd.trim());
  const shown = shortenText(input.command, 200, 'line');

  if (!env.baselineDone) context.emit({ kind: 'step_progress', type: 'info', step: 'agent', message: `Waiting for the baseline checks to finish with the checkout before running: ${env.scrub(shown)}` });
  await baselineDone(env);
  context.emit({ kind: 'step_progress', type: 'info', step: 'agent', message: `Running in the sandbox (limit ${seconds(timeoutMs)}): ${env.scrub(shown)}` });

  const output = new HeadTailOutput(MODEL_HEAD_CHARS, MODEL_TAIL_CHARS);
  const live = new ThrottledLines((lines) => context.emit({ kind: 'step_progress', type: 'info', step: 'agent', message: `Bash output:\n${env.scrub(lines)}` }), LIVE_INTERVAL_MS, LIVE_CHUNK_CHARS);
  const onOutput = (chunk: string): void => {
    output.push(chunk);
    live.push(chunk);
  };
  const started = Date.now();
  let exitCode: number;
  let timedOut: boolean;
  let sideEffects: CommandSideEffects;
  let hidden: number;
  try {
    const run = await new StagedCheckout(context.sandbox, context.workspace, context.readBaseFile).around(context.signal, () =>
      context.sandbox.exec(['bash', '-lc', input.command], {
        ...(cwd === undefined ? {} : { cwd }),
        env: { NO_COLOR: '1', TERM: 'dumb' },
        timeoutMs,
        signal: context.signal,
        // Our own buffer keeps both ends; the sandbox's (head only) need not hold much.
        maxOutputBytes: 64 * 1024,
        onStdout: onOutput,
        onStderr: onOutput,
      }),
    );
    ({ exitCode, timedOut } = run.result);
    sideEffects = run.sideEffects;
    hidden = run.hiddenCredentialFiles;
  } catch (error) {
    live.dispose();
    if (context.signal.aborted) throw error instanceof CancelledError ? error : new CancelledError(abortReason(context.signal));
    const message = env.scrub(`the command could not be run in the sandbox: ${error instanceof Error ? error.message : String(error)}`);
    env.event({ tool: 'Bash', message: `Tool: Bash ${shown} failed to start`, command: input.command, output: message });
    return failed(call, message);
  }
  live.flush();
  const text = env.scrub(output.text());
  const status = timedOut
    ? `Timed out after ${seconds(timeoutMs)}: the command and everything it started were stopped. Run something shorter or narrower (one test file or package); the limit is the user's setting (agent.commandTimeoutMs).`
    : `Exit code ${exitCode} after ${seconds(Date.now() - started)}.`;
  const touched = describeSideEffects(sideEffects);
  const withheld = hidden === 0 ? '' : `\n(${hidden} credential file(s), such as .env files and keys, were not in the checkout while the command ran.)`;
  env.event({ tool: 'Bash', message: `Tool: Bash ${shown}`, command: input.command, output: text, ...(timedOut ? {} : { exit_code: exitCode }) });
  const body = text === '' ? '(no output)\n' : text.endsWith('\n') ? text : `${text}\n`;
  return ok(call, `$ ${env.scrub(input.command)}\n${body}${status}${output.truncated ? ' (Output was cut in the middle; the start and the end are shown.)' : ''}${touched}${withheld}`);
}
