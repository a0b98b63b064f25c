import type { CheckResult, StepName } from '../../protocol/run-events';
import type { ChangeValidator, CheckContext } from '../pipeline/pipeline-deps';
import type { CheckSpec } from './check-spec';
import { checkOverridesFor, type CheckOverrides } from './check-overrides';
import { decideInstall, installCommandsFor } from './dependency-install';
import { skipChecksWithoutIsolation } from './isolation-guard';
import { checksFromManifests, readTopLevelManifests, type TopLevelManifests } from './detect-checks';
import type { FailureEnvironment } from './explain-check-failure';
import { runCheck, type CheckRun } from './run-check';
import { CommandSyntaxError, splitCommandWords } from './split-command-words';

export interface ChangeValidatorOptions {
  readonly now?: () => number;
}

function toResult(run: CheckRun, before?: CheckResult['before']): CheckResult {
  return {
    name: run.spec.name,
    command: run.spec.command,
    ...(before === undefined ? {} : { before }),
    after: run.status,
    duration_ms: run.durationMs,
    ...(run.detail === undefined ? {} : { detail: run.detail }),
  };
}

function invalidResults(overrides: CheckOverrides | undefined, before?: CheckResult['before']): CheckResult[] {
  return (overrides?.invalid ?? []).map(({ command, reason }) => ({
    name: command.length > 60 ? `${command.slice(0, 59)}…` : command,
    command,
    ...(before === undefined ? {} : { before }),
    after: 'error',
    duration_ms: 0,
    detail: `Could not read this check from the settings (checks): ${reason}.`,
  }));
}

function specsFor(context: CheckContext, manifests: TopLevelManifests): { specs: readonly CheckSpec[]; overrides: CheckOverrides | undefined } {
  const overrides = checkOverridesFor(context.config, context.target);
  return { specs: overrides?.specs ?? checksFromManifests(manifests), overrides };
}

/**
 * A check that ran before the change and is no longer declared after it (its script removed, its
 * manifest deleted or broken). It is not run: what it checked is gone, and that is the finding.
 */
function missingResult(result: CheckResult): CheckResult {
  return {
    name: result.name,
    command: result.command,
    before: result.after,
    after: 'missing',
    duration_ms: 0,
    detail: `The change removed this check: \`${result.command}\` ran before the change, and the repository no longer declares it (a removed script or test target, or a manifest that no longer parses).`,
  };
}

/** The words of a baseline result's command, or undefined when it never was a runnable command (an unreadable setting). */
function specFromBaseline(result: CheckResult): CheckSpec | undefined {
  try {
    const argv = splitCommandWords(result.command);
    return argv.length === 0 ? undefined : { name: result.name, argv, command: result.command, source: 'detected' };
  } catch (error) {
    if (error instanceof CommandSyntaxError) return undefined;
    throw error;
  }
}

/**
 * The repository's own checks, run in the sandbox the context names: the pipeline gives the baseline its
 * own copy of the base tree (while the agent works) and each after-change round a fresh copy of the tree
 * that would be committed. Results are paired by command so the pipeline can tell checks that already
 * failed from regressions. The baseline reports each check's status in `after` (its state at that
 * time); `afterChange` moves it to `before`. A check that vanished from the repository is `missing`.
 */
export function createChangeValidator(options: ChangeValidatorOptions = {}): ChangeValidator {
  const now = options.now ?? Date.now;

  async function runAll(context: CheckContext, specs: readonly CheckSpec[], step: StepName, phase: string, environment: FailureEnvironment): Promise<CheckRun[]> {
    const runs: CheckRun[] = [];
    for (const spec of specs) {
      context.emit({ kind: 'step_progress', type: 'info', step, message: `Running check ${spec.name} (${phase})` });
      runs.push(
        await runCheck(spec, {
          sandbox: context.sandbox,
          timeoutMs: context.config.commandTimeoutMs,
          signal: context.signal,
          step,
          environment,
          now,
          emit: (event) => context.emit(event),
        }),
      );
    }
    return runs;
  }

  async function prepare(context: CheckContext, manifests: TopLevelManifests): Promise<FailureEnvironment> {
    const install = decideInstall(context.config.installDependencies, context.sandbox.isolation);
    const commands = install.install ? installCommandsFor(manifests) : [];
    let environment: FailureEnvironment = { isolation: context.sandbox.isolation, install };
    if (commands.length > 0) {
      const runs = await runAll(context, commands, 'analyze', 'installing dependencies', environment);
      if (runs.some((run) => run.status !== 'passed')) environment = { ...environment, installFailed: true };
    } else if (!install.install && installCommandsFor(manifests).length > 0) {
      context.emit({ kind: 'step_progress', type: 'info', step: 'analyze', message: `Not installing dependencies: ${install.reason}.` });
    }
    return environment;
  }

  return {
    async baseline(context) {
      if (skipChecksWithoutIsolation(context, 'analyze')) return [];
      const manifests = await readTopLevelManifests(context.sandbox, context.signal);
      const { specs, overrides } = specsFor(context, manifests);
      const invalid = invalidResults(overrides);
      if (specs.length === 0) {
        if (invalid.length === 0) context.emit({ kind: 'step_progress', type: 'info', step: 'analyze', message: overrides ? 'Checks are turned off for this repository in the settings.' : 'No checks found (package.json test/lint, pytest, go test, cargo test, make test).' });
        return invalid;
      }
      const environment = await prepare(context, manifests);
      const runs = await runAll(context, specs, 'analyze', 'before the change', environment);
      return [...runs.map((run) => toResult(run)), ...invalid];
    },

    async afterChange(context, baseline) {
      if (skipChecksWithoutIsolation(context, 'validate_changes')) return [];
      const manifests = await readTopLevelManifests(context.sandbox, context.signal);
      const { specs: current, overrides } = specsFor(context, manifests);
      const before = new Map(baseline.map((result) => [result.command, result]));
      const specs: CheckSpec[] = [];
      const vanished: CheckResult[] = [];
      for (const result of baseline) {
        const spec = current.find((candidate) => candidate.command === result.command);
        if (spec) specs.push(spec);
        else if (result.after === 'error' && !specFromBaseline(result)) continue;
        else vanished.push(missingResult(result));
      }
      for (const spec of current) if (!before.has(spec.command)) specs.push(spec);
      // A fresh tree: dependencies are installed here as they were for the baseline, nothing carried over.
      const environment = specs.length > 0 ? await prepare(context, manifests) : { isolation: context.sandbox.isolation, install: decideInstall(context.config.installDependencies, context.sandbox.isolation) };
      const runs = await runAll(context, specs, 'validate_changes', 'after the change', environment);
      const results = runs.map((run) => toResult(run, before.get(run.spec.command)?.after));
      const unreadable = invalidResults(overrides, 'error').filter((result) => !results.some((other) => other.command === result.command));
      return [...results, ...vanished, ...unreadable];
    },
  };
}
