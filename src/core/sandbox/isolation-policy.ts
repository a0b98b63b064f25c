import type { SandboxMode } from '../../protocol/run-request';
import type { EngineConfig } from '../config/engine-config';
import type { IsolationInfo, SandboxNetworkPolicy } from './sandbox';

/** How a user gets repository code to run: said in the stream, the CLI output and the PR body. */
export const NO_ISOLATION_REMEDY =
  'To run checks, get isolation: install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap), or set an E2B API key (E2B_API_KEY, or the key stored in VS Code). ' +
  'Or opt in to running repository code unisolated on this machine: --allow-unisolated (CLI), TINY_BACKSPACE_ALLOW_UNISOLATED=1 (CLI and server), or the machine setting tinyBackspace.allowUnisolated (VS Code).';

/** What is skipped when nothing isolates: one sentence, shared by the checks, the stream and the PR body. */
export function noIsolationNotice(isolation: IsolationInfo): string {
  return `Checks were skipped because this machine has no sandbox isolation${isolation.remedy ? ` (${isolation.remedy})` : ''}: repository code (checks, dependency installs, commands) did not run.`;
}

/** The PR body line for a run whose repository code never ran, or undefined when it ran somewhere isolated. */
export function pullRequestIsolationNote(isolation: IsolationInfo | undefined): string | undefined {
  return isolation?.level === 'none' ? `${noIsolationNotice(isolation)} ${NO_ISOLATION_REMEDY}` : undefined;
}

/**
 * Package registries a dependency install may reach by default: npm, Yarn's mirror, PyPI. Other hosts stay
 * unreachable unless the host configuration adds them (TINY_BACKSPACE_PACKAGE_REGISTRIES).
 */
export const DEFAULT_PACKAGE_REGISTRIES: readonly string[] = ['registry.npmjs.org', 'registry.yarnpkg.com', 'pypi.org', 'files.pythonhosted.org'];

export function networkPolicyFrom(config: EngineConfig): SandboxNetworkPolicy {
  return { registries: config.network?.registries ?? DEFAULT_PACKAGE_REGISTRIES, commands: config.network?.commands === true };
}

/**
 * The sandbox mode of one run. The host's configuration decides; a request (a client of the local server,
 * or any caller of the engine) may only ask for something stricter: `e2b` over `auto`/`local`, `auto` over
 * `local` (which picks E2B when a key is set). `local` from a request never replaces E2B.
 */
export function effectiveSandboxMode(hostMode: SandboxMode, requested: SandboxMode | undefined): { mode: SandboxMode; ignoredRequest: boolean } {
  if (requested === undefined || requested === hostMode) return { mode: hostMode, ignoredRequest: false };
  const strictness: Record<SandboxMode, number> = { local: 0, auto: 1, e2b: 2 };
  if (strictness[requested] > strictness[hostMode]) return { mode: requested, ignoredRequest: false };
  return { mode: hostMode, ignoredRequest: true };
}
