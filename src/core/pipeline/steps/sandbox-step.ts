import { mkdir } from 'node:fs/promises';
import { effectiveSandboxMode, networkPolicyFrom, NO_ISOLATION_REMEDY } from '../../sandbox/isolation-policy';
import { createRunDirectory, sweepAbandonedRunDirectories } from '../../sandbox/run-directories';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';
import * as path from 'node:path';

/**
 * Step 2: a fresh temporary directory for this run and the sandbox that commands will run in. What
 * isolates the run is host policy: a request's `options.sandbox` may only ask for something stricter, and
 * nothing in a request can allow unisolated execution.
 */
export async function sandboxStep(context: RunContext, state: RunState): Promise<void> {
  await mkdir(context.deps.tempRoot, { recursive: true });
  await sweepAbandonedRunDirectories(context.deps.tempRoot, context.deps.logger);
  state.runDir = await createRunDirectory(context.deps.tempRoot);
  state.workDir = path.join(state.runDir, 'work');
  state.gitDir = path.join(state.runDir, 'git');
  await mkdir(state.workDir);
  const { config } = context.deps;
  const { mode, ignoredRequest } = effectiveSandboxMode(config.sandbox, context.options.sandbox);
  if (ignoredRequest) {
    context.emit({
      kind: 'step_progress',
      type: 'warning',
      step: 'sandbox',
      message: `The request asked for the ${context.options.sandbox} sandbox; this host is configured for ${mode}, and a request can only choose a stricter sandbox.`,
    });
  }
  const sandbox = await context.deps.createSandbox({
    mode,
    hostWorkdir: state.workDir,
    signal: context.signal,
    log: (message) => context.emit({ kind: 'step_progress', type: 'info', step: 'sandbox', message }),
    allowUnisolated: config.allowUnisolated === true,
    network: networkPolicyFrom(config),
  });
  state.sandbox = sandbox;
  const unisolated = sandbox.isolation.level === 'none' || sandbox.isolation.level === 'unisolated';
  context.emit({
    kind: 'thinking',
    type: unisolated ? 'warning' : 'thinking',
    topic: 'sandbox',
    step: 'sandbox',
    message: `Sandbox ${sandbox.id} (${sandbox.kind}): ${sandbox.isolation.summary}${sandbox.isolation.level === 'none' ? ` ${NO_ISOLATION_REMEDY}` : ''}`,
  });
}
