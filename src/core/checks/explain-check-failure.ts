import type { IsolationInfo } from '../sandbox/sandbox';
import type { InstallDecision } from './dependency-install';

const NETWORK_SIGNS = [
  /\bENOTFOUND\b/,
  /\bEAI_AGAIN\b/,
  /\bENETUNREACH\b/,
  /getaddrinfo/i,
  /Could not resolve host/i,
  /Temporary failure in name resolution/i,
  /Network is unreachable/i,
  /Failed to establish a new connection/i,
  /dial tcp/i,
  /failed to (?:download|fetch|get)/i,
];

const MISSING_DEPENDENCY_SIGNS = [
  /Cannot find module/,
  /ERR_MODULE_NOT_FOUND/,
  /ModuleNotFoundError/,
  /No module named/,
  /command not found/,
  /: not found/,
  /missing go\.sum entry/,
  /no required module provides package/,
  /could not find `Cargo\.toml`|failed to load manifest/,
  /Could not find a declaration file/,
];

export interface FailureEnvironment {
  readonly isolation: IsolationInfo;
  readonly install: InstallDecision;
  /** True when an install ran and failed. */
  readonly installFailed?: boolean;
}

/**
 * A sentence that says why a check may have failed for reasons outside the change: no network in the
 * isolated sandbox, or dependencies that were never installed. Undefined when nothing points that way.
 */
export function explainCheckFailure(output: string, environment: FailureEnvironment): string | undefined {
  const { isolation, install } = environment;
  if (!isolation.network && NETWORK_SIGNS.some((sign) => sign.test(output))) {
    return `The check tried to reach the network, but checks get none in this sandbox (${isolation.level} isolation; only dependency installs may reach the package registries). Allow command network (TINY_BACKSPACE_COMMAND_NETWORK=1), or vendor what the check downloads.`;
  }
  if (MISSING_DEPENDENCY_SIGNS.some((sign) => sign.test(output))) {
    if (environment.installFailed) return 'Something the check needs is missing, and installing dependencies failed (see the install output above).';
    if (!install.install) return `Something the check needs is missing: ${install.reason}. Run with an E2B sandbox (which installs them), set installDependencies to "always", or vendor the dependencies.`;
  }
  return undefined;
}
