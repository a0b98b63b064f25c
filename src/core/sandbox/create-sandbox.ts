import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { LocalSandbox } from './local-sandbox';
import type { Sandbox, SandboxCreateOptions, SandboxFactory } from './sandbox';

export interface SandboxFactoryOptions {
  readonly e2bApiKey?: () => Promise<string | undefined>;
}

/** `auto` means E2B when a key is set, else local. */
export function createSandboxFactory(_options: SandboxFactoryOptions = {}): SandboxFactory {
  return async (options: SandboxCreateOptions): Promise<Sandbox> => {
    if (options.mode === 'e2b') {
      throw new TinyBackspaceError('sandbox_failed', 'The E2B sandbox is not available in this build.', {
        remedy: 'Use the local sandbox (tinyBackspace.sandbox = local, or --sandbox local).',
      });
    }
    return new LocalSandbox(options.hostWorkdir);
  };
}
