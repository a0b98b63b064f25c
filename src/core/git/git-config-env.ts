import { devNull } from 'node:os';

/**
 * Git configuration passed through GIT_CONFIG_COUNT/KEY/VALUE: it never shows in argv (`ps`) and
 * never lands in `.git/config`.
 */
export function gitConfigEnv(entries: ReadonlyArray<readonly [string, string]>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return env;
}

/** Settings every git process we start gets, whatever the user's global config says. */
export function hardeningConfig(allowPlainHttp: boolean): Array<readonly [string, string]> {
  return [
    ['protocol.allow', 'never'],
    ['protocol.https.allow', 'always'],
    ['protocol.http.allow', allowPlainHttp ? 'always' : 'never'],
    ['protocol.file.allow', 'always'],
    ['protocol.ssh.allow', 'never'],
    ['protocol.ext.allow', 'never'],
    // An empty helper list stops git from asking or storing credentials after a 401.
    ['credential.helper', ''],
    ['core.hooksPath', devNull],
    // The user's ~/.config/git/attributes and ignore files are read even without a global config.
    ['core.attributesFile', devNull],
    ['core.excludesFile', devNull],
    ['gc.auto', '0'],
    ['maintenance.auto', 'false'],
    ['core.askPass', ''],
    ['core.fsmonitor', 'false'],
    ['submodule.recurse', 'false'],
    ['fetch.recurseSubmodules', 'false'],
    ['filter.lfs.smudge', 'git-lfs smudge --skip -- %f'],
    ['filter.lfs.process', 'git-lfs filter-process --skip'],
    ['filter.lfs.required', 'false'],
    ['http.followRedirects', 'initial'],
    ['advice.detachedHead', 'false'],
    ['init.defaultBranch', 'main'],
    ['user.name', 'Tiny Backspace'],
    ['user.email', 'tiny-backspace@users.noreply.github.com'],
    ['commit.gpgSign', 'false'],
  ];
}

export function basicAuthHeader(token: string): string {
  return `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

/**
 * Git clears GIT_CONFIG_COUNT for the receiving side of a local push, so the destination repository's
 * own config (a husky `core.hooksPath`, its `.git/hooks`) would run the user's hooks. This receive-pack
 * command line turns hooks off there too; over https the server ignores it.
 */
export const RECEIVE_PACK_WITHOUT_HOOKS = `--receive-pack=git -c core.hooksPath=${devNull} receive-pack`;

/**
 * Environment that keeps the user's and the machine's git configuration out of our own git processes:
 * a global `url.<ssh>.insteadOf https://github.com/` would otherwise reroute every clone.
 */
export function hermeticGitEnv(): NodeJS.ProcessEnv {
  return { GIT_CONFIG_GLOBAL: devNull, GIT_CONFIG_NOSYSTEM: '1', GIT_ATTR_NOSYSTEM: '1' };
}
