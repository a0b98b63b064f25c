import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { hostChildEnv } from '../process/child-env';
import { runProcess, type ProcessResult } from '../process/run-process';
import { redactSecrets } from '../security/redact';
import { streamGitRecords } from './git-records';
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
  /** Output cap for this call; reaching it is an error, never a silent cut. */
  maxOutputBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_MAX_OUTPUT = 8 * 1024 * 1024;

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
      maxOutputBytes: call.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
    });
    if (result.exitCode !== 0 && !call.allowFailure) this.fail(args, result);
    if (result.truncated) {
      // A cut-off listing would silently lose files; large outputs go through `records` instead.
      throw new TinyBackspaceError('git_failed', `git ${subcommandOf(args)} printed more than ${Math.round((call.maxOutputBytes ?? DEFAULT_MAX_OUTPUT) / 1024 / 1024)} MiB, more than Tiny Backspace reads in one piece.`, {
        remedy: 'Nothing was cut short: the run stopped instead. Ask for a smaller change, or report this with the repository size.',
      });
    }
    return result;
  }

  /**
   * Streams git's output record by record (NUL-separated for `-z` listings) without holding it or
   * capping it: for `ls-tree -r`, `ls-files`, `diff --numstat` on repositories of any size.
   */
  async records(args: readonly string[], onRecord: (record: string) => void, call: Omit<GitCallOptions, 'stdin' | 'allowFailure' | 'maxOutputBytes'> & { separator?: number } = {}): Promise<number> {
    const result = await streamGitRecords(args, onRecord, {
      env: { ...this.env, ...call.env },
      ...(call.cwd === undefined ? {} : { cwd: call.cwd }),
      ...(call.signal === undefined ? {} : { signal: call.signal }),
      ...(call.separator === undefined ? {} : { separator: call.separator }),
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    if (result.exitCode !== 0) this.fail(args, { ...result, stdout: '' });
    return result.records;
  }

  private fail(args: readonly string[], result: { exitCode: number; stdout: string; stderr: string; timedOut: boolean }): never {
    const detail = redactSecrets(result.stderr.trim() || result.stdout.trim(), this.secrets).slice(0, 2000);
    const what = subcommandOf(args);
    throw new TinyBackspaceError(
      result.timedOut ? 'command_timeout' : 'git_failed',
      result.timedOut ? `git ${what} timed out.` : `git ${what} failed (exit ${result.exitCode}): ${detail}`,
      { remedy: 'Check the repository URL, your network and your access rights, then run again.' },
    );
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
