import type { EngineConfig } from '../config/engine-config';
import type { RepositoryTarget } from '../repo/repository-target';
import { shellJoin } from '../sandbox/shell-quote';
import type { CheckSpec } from './check-spec';
import { CommandSyntaxError, splitCommandWords } from './split-command-words';

export interface CheckOverrides {
  readonly specs: readonly CheckSpec[];
  /** Entries that could not be read, with the reason, reported as check errors rather than ignored. */
  readonly invalid: ReadonlyArray<{ readonly command: string; readonly reason: string }>;
}

/** Keys a user may write: `owner/repo` (any case) or `host/owner/repo` for GitHub; the path for a local repository. */
export function overrideKeys(target: RepositoryTarget): string[] {
  if (target.kind === 'local') return [target.path];
  return [`${target.owner}/${target.repo}`, `${target.server.host}/${target.owner}/${target.repo}`].map((key) => key.toLowerCase());
}

function label(command: string): string {
  return command.length > 60 ? `${command.slice(0, 59)}…` : command;
}

/**
 * The user's per-repository checks from `config.checks`, replacing detection when present (an empty list
 * turns checks off for that repository). Each entry is split into words and run as argv in the sandbox.
 */
export function checkOverridesFor(config: Pick<EngineConfig, 'checks'>, target: RepositoryTarget): CheckOverrides | undefined {
  const table = config.checks;
  if (!table) return undefined;
  const wanted = new Set(overrideKeys(target));
  const entry = Object.entries(table).find(([key]) => wanted.has(target.kind === 'local' ? key : key.trim().toLowerCase()));
  if (!entry) return undefined;
  const specs: CheckSpec[] = [];
  const invalid: Array<{ command: string; reason: string }> = [];
  for (const line of entry[1]) {
    try {
      const argv = splitCommandWords(line);
      if (argv.length === 0) continue;
      specs.push({ name: label(line.trim()), argv, command: shellJoin(argv), source: 'override' });
    } catch (error) {
      if (!(error instanceof CommandSyntaxError)) throw error;
      invalid.push({ command: line, reason: error.message });
    }
  }
  return { specs, invalid };
}
