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

/** Validates the configured Enterprise URL: https, or http only on a loopback host (the test stand-ins). */
export function enterpriseServer(hosts: GitHubHosts): GitHubServer | undefined {
  if (hosts.enterpriseUrl === undefined || hosts.enterpriseUrl.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(hosts.enterpriseUrl.trim());
  } catch {
    throw new TinyBackspaceError('invalid_request', `The GitHub Enterprise URL "${hosts.enterpriseUrl}" is not a URL.`, {
      remedy: 'Set TINY_BACKSPACE_GITHUB_URL (or tinyBackspace.github.enterpriseUrl) to e.g. https://ghe.example.com.',
    });
  }
  const secure = url.protocol === 'https:';
  const loopbackHttp = url.protocol === 'http:' && isLoopbackHostname(url.hostname);
  if ((!secure && !loopbackHttp) || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new TinyBackspaceError('invalid_request', `The GitHub Enterprise URL "${url.origin}" must be https:// without credentials.`, {
      remedy: 'Use an https:// URL; plain http:// is only accepted for a loopback host.',
    });
  }
  const webUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  const apiUrl = (hosts.enterpriseApiUrl?.trim() || `${webUrl}/api/v3`).replace(/\/+$/, '');
  return { webUrl, apiUrl, host: url.host.toLowerCase(), isEnterprise: true };
}
