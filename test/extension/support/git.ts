// git for test fixtures (in the extension host and in the UI test): async (the GitHub stand-in serves from
// the same process, so a synchronous git call would deadlock), argv arrays, no host or user git config.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

function fixtureGitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GIT_') && key !== 'SSH_ASKPASS') env[key] = value;
  }
  return {
    ...env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Extension Test',
    GIT_AUTHOR_EMAIL: 'extension-test@example.invalid',
    GIT_COMMITTER_NAME: 'Extension Test',
    GIT_COMMITTER_EMAIL: 'extension-test@example.invalid',
  };
}

export async function git(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', [...args], { cwd, env: fixtureGitEnv() });
  return stdout;
}
