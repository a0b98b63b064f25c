import { TinyBackspaceError } from '../errors/tiny-backspace-error';

/** Where GitHub lives for this host process: github.com, or one configured Enterprise server. */
export interface GitHubHosts {
  /** The Enterprise web URL without a trailing slash, e.g. `https://ghe.example.com`. */
  readonly enterpriseUrl?: string;
  /** The Enterprise REST base; defaults to `<enterpriseUrl>/api/v3`. */
  readonly enterpriseApiUrl?: string;
}

export interface GitHubServer {
  /** `https://github.com` or the Enterprise origin (plus any path prefix). */
  readonly webUrl: string;
  readonly apiUrl: string;
  readonly host: string;
  readonly isEnterprise: boolean;
}

export const GITHUB_DOT_COM: GitHubServer = {
  webUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
  host: 'github.com',
  isEnterprise: false,
};

export function isLoopbackHostname(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

function invalidUrl(label: string, value: string, setting: string): TinyBackspaceError {
  return new TinyBackspaceError('invalid_request', `The GitHub Enterprise ${label} "${value}" is not a URL.`, {
    remedy: `Set ${setting} to e.g. ${label === 'URL' ? 'https://ghe.example.com' : 'https://ghe.example.com/api/v3'}.`,
  });
}

/**
 * Parses one configured Enterprise URL (web or API): https, or http only on a loopback host (the test
 * stand-ins); no credentials, query or fragment. The token is sent to the API URL, so it gets the same
 * checks as the web URL.
 */
function checkedUrl(raw: string, label: string, setting: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalidUrl(label, raw, setting);
  }
  const secure = url.protocol === 'https:';
  const loopbackHttp = url.protocol === 'http:' && isLoopbackHostname(url.hostname);
  if ((!secure && !loopbackHttp) || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    const shown = url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : `${url.protocol}...`;
    throw new TinyBackspaceError('invalid_request', `The GitHub Enterprise ${label} "${shown}" must be https:// without credentials, query or fragment.`, {
      remedy: `Fix ${setting}: use an https:// URL; plain http:// is only accepted for a loopback host.`,
    });
  }
  return url;
}

const WEB_SETTING = 'TINY_BACKSPACE_GITHUB_URL (or tinyBackspace.github.enterpriseUrl)';
const API_SETTING = 'TINY_BACKSPACE_GITHUB_API_URL (or tinyBackspace.github.enterpriseApiUrl)';

/** Validates the configured Enterprise URLs; both must name the same kind of host (no token sent over plain http to a remote host). */
export function enterpriseServer(hosts: GitHubHosts): GitHubServer | undefined {
  if (hosts.enterpriseUrl === undefined || hosts.enterpriseUrl.trim() === '') return undefined;
  const url = checkedUrl(hosts.enterpriseUrl, 'URL', WEB_SETTING);
  const webUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  const rawApi = hosts.enterpriseApiUrl?.trim();
  let apiUrl = `${webUrl}/api/v3`;
  if (rawApi) {
    const api = checkedUrl(rawApi, 'API URL', API_SETTING);
    apiUrl = `${api.origin}${api.pathname.replace(/\/+$/, '')}`;
  }
  return { webUrl, apiUrl, host: url.host.toLowerCase(), isEnterprise: true };
}
