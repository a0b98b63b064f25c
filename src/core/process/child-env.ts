/**
 * Host processes (git) get an allow-listed environment: enough to find binaries, locale and proxies,
 * and nothing that could carry a token or key into a child or its hooks.
 */
const PASS_THROUGH = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT', 'USERPROFILE', 'APPDATA'];
const PROXY = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'GIT_SSL_CAINFO'];

export function hostChildEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of [...PASS_THROUGH, ...PROXY]) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
