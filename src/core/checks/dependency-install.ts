import type { EngineConfig } from '../config/engine-config';
import type { IsolationInfo } from '../sandbox/sandbox';
import { shellJoin } from '../sandbox/shell-quote';
import type { CheckSpec } from './check-spec';
import type { TopLevelManifests } from './detect-checks';

export interface InstallDecision {
  readonly install: boolean;
  /** Why, in words a check failure can repeat to the user. */
  readonly reason: string;
}

/**
 * `auto` installs only where that is both possible and contained: an E2B sandbox has network and runs
 * nothing on this machine. The bubblewrap sandbox has no network; the unisolated local sandbox would run
 * the packages' install scripts on the user's machine.
 */
export function decideInstall(policy: EngineConfig['installDependencies'], isolation: IsolationInfo): InstallDecision {
  if (policy === 'never') return { install: false, reason: 'dependency installs are turned off (installDependencies: never)' };
  if (policy === 'always') return { install: true, reason: 'installDependencies: always' };
  if (isolation.level === 'e2b') return { install: true, reason: 'the E2B sandbox has network access' };
  if (!isolation.network) return { install: false, reason: 'the isolated local sandbox has no network, so dependencies are not installed' };
  return { install: false, reason: 'the local sandbox is not isolated, so dependencies (and their install scripts) are not installed on this machine' };
}

function hasDependencies(packageJson: string | undefined): boolean {
  if (packageJson === undefined) return false;
  try {
    const parsed = JSON.parse(packageJson) as Record<string, unknown>;
    return ['dependencies', 'devDependencies', 'optionalDependencies'].some((field) => {
      const value = parsed[field];
      return value !== null && typeof value === 'object' && Object.keys(value).length > 0;
    });
  } catch {
    return false;
  }
}

function step(name: string, argv: readonly string[]): CheckSpec {
  return { name, argv, command: shellJoin(argv), source: 'detected' };
}

/** How this repository installs its dependencies, if it declares any. */
export function installCommandsFor(manifests: TopLevelManifests): CheckSpec[] {
  const commands: CheckSpec[] = [];
  if (hasDependencies(manifests.packageJson)) {
    const locked = manifests.names.has('package-lock.json') || manifests.names.has('npm-shrinkwrap.json');
    commands.push(step(locked ? 'npm ci' : 'npm install', ['npm', locked ? 'ci' : 'install', '--no-audit', '--no-fund']));
  }
  if (manifests.names.has('requirements.txt')) commands.push(step('pip install', ['python3', '-m', 'pip', 'install', '-r', 'requirements.txt']));
  return commands;
}
