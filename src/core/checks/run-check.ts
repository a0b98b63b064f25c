import type { CheckResult, RunEventDraft, StepName } from '../../protocol/run-events';
import { isAbortLike } from '../errors/cancelled-error';
import { hasCode } from '../errors/tiny-backspace-error';
import { CappedText } from '../sandbox/capped-text';
import type { Sandbox } from '../sandbox/sandbox';
import type { CheckSpec } from './check-spec';
import { explainCheckFailure, type FailureEnvironment } from './explain-check-failure';
import { noTestsCollected } from './no-tests-collected';

export type CheckStatus = CheckResult['after'];

export interface CheckRun {
  readonly spec: CheckSpec;
  readonly status: CheckStatus;
  readonly durationMs: number;
  readonly exitCode?: number;
  /** Why it did not pass, for the checks event, the PR and the agent; undefined when it passed. */
  readonly detail?: string;
  /** The end of stdout and stderr, interleaved as they arrived. */
  readonly outputTail: string;
}

export interface RunCheckOptions {
  readonly sandbox: Sandbox;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly step: StepName;
  readonly environment: FailureEnvironment;
  readonly now: () => number;
  emit(event: RunEventDraft): void;
}

/** Output kept in memory per command, and how much of it an event or a detail carries. */
const KEPT_OUTPUT_BYTES = 256 * 1024;
export const EVENT_OUTPUT_CHARS = 8_000;
const DETAIL_OUTPUT_LINES = 20;

/** The end of long output, which is where test runners put their summary. */
export function tailOf(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `[… ${text.length - maxChars} earlier characters omitted]\n${text.slice(text.length - maxChars)}`;
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * Runs one check inside the sandbox and reports it as a `Tool: Bash` event. A non-zero exit is a result;
 * only cancellation and a lost sandbox end the run.
 */
export async function runCheck(spec: CheckSpec, options: RunCheckOptions): Promise<CheckRun> {
  const started = options.now();
  const combined = new CappedText(KEPT_OUTPUT_BYTES);
  let status: CheckStatus;
  let exitCode: number | undefined;
  let reason: string | undefined;
  try {
    const result = await options.sandbox.exec(spec.argv, {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      maxOutputBytes: KEPT_OUTPUT_BYTES,
      ...(spec.network ? { network: spec.network } : {}),
      onStdout: (chunk) => combined.push(chunk),
      onStderr: (chunk) => combined.push(chunk),
    });
    exitCode = result.exitCode;
    const nothingChecked = result.timedOut ? undefined : noTestsCollected(combined.text(), result.exitCode);
    if (result.timedOut) {
      status = 'timed_out';
      reason = `Timed out after ${seconds(options.timeoutMs)} and was stopped (commandTimeoutMs).`;
    } else if (spec.skipExitCodes?.includes(result.exitCode)) {
      status = 'skipped';
      reason = `Nothing to check: no tests were collected (exit code ${result.exitCode}).`;
    } else if (nothingChecked !== undefined) {
      status = 'skipped';
      reason = `Nothing to check: ${nothingChecked} (exit code ${result.exitCode}).`;
    } else if (result.exitCode === 0) status = 'passed';
    else if (result.exitCode === 127) {
      status = 'error';
      reason = `\`${spec.argv[0]}\` was not found in the sandbox.`;
    } else {
      status = 'failed';
      reason = `Exit code ${result.exitCode}.`;
    }
  } catch (error) {
    if (isAbortLike(error, options.signal) || hasCode(error, 'sandbox_expired')) throw error;
    status = 'error';
    reason = `Could not run: ${error instanceof Error ? error.message : String(error)}`;
  }
  const durationMs = options.now() - started;
  const output = combined.text();
  const outputTail = tailOf(output, EVENT_OUTPUT_CHARS);
  options.emit({
    kind: 'tool',
    type: 'tool',
    tool: 'Bash',
    step: options.step,
    command: spec.command,
    output: outputTail,
    ...(exitCode === undefined ? {} : { exit_code: exitCode }),
    message: `Tool: Bash ${spec.command}`,
  });
  if (status === 'passed') return { spec, status, durationMs, ...(exitCode === undefined ? {} : { exitCode }), outputTail };
  const explanation = status === 'skipped' ? undefined : explainCheckFailure(output, options.environment);
  const tail = lastLines(output, DETAIL_OUTPUT_LINES);
  const detail = [reason, explanation, tail ? `Last output:\n${tail}` : undefined].filter(Boolean).join('\n');
  return { spec, status, durationMs, ...(exitCode === undefined ? {} : { exitCode }), detail, outputTail };
}
