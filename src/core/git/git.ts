import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { hostChildEnv } from '../process/child-env';
import { runProcess, type ProcessResult } from '../process/run-process';
import { redactSecrets } from '../security/redact';
import { basicAuthHeader, gitConfigEnv, hardeningConfig, hermeticGitEnv } from './git-config-env';

export interface GitOptions {
  /** Sent only to `authOrigin`, through the environment, never argv or a URL. */
  readonly token?: string;
  /** Origin the token belongs to, e.g. `https://github.com`. */
  readonly authOrigin?: string;
  readonly allowPlainHttp?: boolean;
  readonly baseEnv?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

export interface GitCallOptions {
  cwd?: string;
  signal?: AbortSignal;
  stdin?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Return the result on a non-zero exit instead of throwing. */
  allowFailure?: boolean;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** The git CLI with argv arrays only, hardened config, and the token kept to the environment. */
export class Git {
  private readonly env: NodeJS.ProcessEnv;
  private readonly secrets: string[];

  constructor(private readonly options: GitOptions = {}) {
    const config = hardeningConfig(options.allowPlainHttp ?? false);
    this.secrets = [];
    if (options.token && options.authOrigin) {
      const header = basicAuthHeader(options.token);
      config.push([`http.${options.authOrigin.replace(/\/+$/, '')}/.extraHeader`, header]);
      this.secrets.push(options.token, header.slice('Authorization: Basic '.length));
    }
    this.env = {
      ...hostChildEnv(options.baseEnv),
      ...gitConfigEnv(config),
      ...hermeticGitEnv(),
      GIT_TERMINAL_PROMPT: '0',
      GIT_LFS_SKIP_SMUDGE: '1',
      GIT_ASKPASS: '',
      SSH_ASKPASS: '',
    };
  }

  /** Strings that must be scrubbed from anything derived from this git's output. */
  get knownSecrets(): readonly string[] {
    return this.secrets;
  }

  async run(args: readonly string[], call: GitCallOptions = {}): Promise<ProcessResult> {
    const result = await runProcess(['git', ...args], {
      ...(call.cwd === undefined ? {} : { cwd: call.cwd }),
      env: { ...this.env, ...call.env },
      ...(call.stdin === undefined ? {} : { stdin: call.stdin }),
      ...(call.signal === undefined ? {} : { signal: call.signal }),
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    if (result.exitCode !== 0 && !call.allowFailure) {
      const detail = redactSecrets(result.stderr.trim() || result.stdout.trim(), this.secrets).slice(0, 2000);
      const what = subcommandOf(args);
      throw new TinyBackspaceError(
        result.timedOut ? 'command_timeout' : 'git_failed',
        result.timedOut ? `git ${what} timed out.` : `git ${what} failed (exit ${result.exitCode}): ${detail}`,
        { remedy: 'Check the repository URL, your network and your access rights, then run again.' },
      );
    }
    return result;
  }

  async output(args: readonly string[], call: GitCallOptions = {}): Promise<string> {
    return (await this.run(args, call)).stdout;
  }
}

/** The git subcommand in argv, skipping global options and their values (`--git-dir <dir>`, `-c k=v`). */
function subcommandOf(args: readonly string[]): string {
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--git-dir' || arg === '--work-tree' || arg === '-C' || arg === '-c') index += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return 'command';
}
