import { mkdir, mkdtemp } from 'node:fs/promises';
import * as path from 'node:path';
import type { RunContext } from '../run-context';
import type { RunState } from '../run-state';

/** Step 2: a fresh temporary directory for this run and the sandbox that commands will run in. */
export async function sandboxStep(context: RunContext, state: RunState): Promise<void> {
  await mkdir(context.deps.tempRoot, { recursive: true });
  state.runDir = await mkdtemp(path.join(context.deps.tempRoot, 'tiny-backspace-'));
  state.workDir = path.join(state.runDir, 'work');
  state.gitDir = path.join(state.runDir, 'git');
  await mkdir(state.workDir);
  const mode = context.options.sandbox ?? context.deps.config.sandbox;
  const sandbox = await context.deps.createSandbox({
    mode,
    hostWorkdir: state.workDir,
    signal: context.signal,
    log: (message) => context.emit({ kind: 'step_progress', type: 'info', step: 'sandbox', message }),
  });
  state.sandbox = sandbox;
  context.emit({
    kind: 'thinking',
    type: sandbox.isolation.level === 'none' ? 'warning' : 'thinking',
    topic: 'sandbox',
    step: 'sandbox',
    message: `Sandbox ${sandbox.id} (${sandbox.kind}): ${sandbox.isolation.summary}`,
  });
}
