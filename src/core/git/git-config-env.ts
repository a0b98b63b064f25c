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
    ['core.hooksPath', '/dev/null'],
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
