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
 * `auto` installs only where that is both possible and contained: E2B limits egress to the package
 * registries while installing and runs nothing on this machine. The bubblewrap sandbox has no network (it
 * cannot limit a connection by domain); the opted-in unisolated sandbox would run the packages' install
 * scripts on the user's machine. Without isolation nothing runs, `always` or not.
 */
export function decideInstall(policy: EngineConfig['installDependencies'], isolation: IsolationInfo): InstallDecision {
  if (isolation.level === 'none') return { install: false, reason: 'this machine has no sandbox isolation, so no repository code runs (installs included)' };
  if (policy === 'never') return { install: false, reason: 'dependency installs are turned off (installDependencies: never)' };
  if (policy === 'always') return { install: true, reason: 'installDependencies: always' };
  if (isolation.level === 'unisolated') return { install: false, reason: 'the local sandbox is not isolated, so dependencies (and their install scripts) are not installed on this machine' };
  if (isolation.registryNetwork || isolation.network) return { install: true, reason: isolation.network ? 'the sandbox has network access' : 'the sandbox may reach the package registries while installing' };
  return { install: false, reason: 'the isolated local sandbox has no network, so dependencies are not installed' };
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
  return { name, argv, command: shellJoin(argv), source: 'detected', network: 'registries' };
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
