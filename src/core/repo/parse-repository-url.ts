import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { redactSecrets } from '../security/redact';
import { GITHUB_DOT_COM, enterpriseServer, type GitHubHosts, type GitHubServer } from './github-hosts';
import type { GitHubRepositoryTarget } from './repository-target';

const OWNER_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;
/** Anything a shell, git or a URL parser could read as more than a plain URL. */
const FORBIDDEN_CHARACTERS = /[\s\0`$;&|<>(){}\[\]\\'"!*?^~]/;
const SCP_LIKE = /^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!\/\/)(.+)$/;

function reject(input: string, why: string): never {
  throw new TinyBackspaceError('invalid_repository_url', `"${truncate(input)}" is not a repository URL Tiny Backspace accepts: ${why}.`, {
    remedy: 'Use https://github.com/OWNER/REPO, git@github.com:OWNER/REPO.git, or the same on your configured GitHub Enterprise host.',
  });
}

/** Scrubs credentials first, so cutting the text short can never leave half a token behind. */
function truncate(value: string): string {
  const printable = redactSecrets(value).replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 80 ? `${printable.slice(0, 77)}...` : printable;
}

function serverForHost(host: string, hosts: GitHubHosts): GitHubServer | undefined {
  const normalized = host.toLowerCase();
  if (normalized === 'github.com' || normalized === 'www.github.com') return GITHUB_DOT_COM;
  const enterprise = enterpriseServer(hosts);
  if (enterprise && enterprise.host === normalized) return enterprise;
  return undefined;
}

function splitOwnerRepo(input: string, path: string, server: GitHubServer): { owner: string; repo: string } {
  const prefix = new URL(server.webUrl).pathname.replace(/\/+$/, '');
  let rest = path;
  if (prefix !== '' && rest.startsWith(`${prefix}/`)) rest = rest.slice(prefix.length);
  const segments = rest.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  if (segments.length !== 2) reject(input, 'it must name exactly OWNER/REPO');
  const [owner = '', rawRepo = ''] = segments;
  const repo = rawRepo.endsWith('.git') ? rawRepo.slice(0, -4) : rawRepo;
  if (!OWNER_PATTERN.test(owner)) reject(input, `"${truncate(owner)}" is not a valid owner name`);
  if (!REPO_PATTERN.test(repo) || repo === '.' || repo === '..') reject(input, `"${truncate(repo)}" is not a valid repository name`);
  return { owner, repo };
}

function target(server: GitHubServer, owner: string, repo: string): GitHubRepositoryTarget {
  const htmlUrl = `${server.webUrl}/${owner}/${repo}`;
  return { kind: 'github', server, owner, repo, htmlUrl, cloneUrl: `${htmlUrl}.git` };
}

/**
 * Parses https, ssh:// and scp-style GitHub URLs into a canonical https target. It runs before any
 * process starts, so everything it lets through is safe to hand to git as a single argv element.
 */
export function parseRepositoryUrl(rawInput: string, hosts: GitHubHosts = {}): GitHubRepositoryTarget {
  // A misconfigured Enterprise URL is reported even when the input names github.com.
  enterpriseServer(hosts);
  const input = rawInput.trim();
  if (input === '') reject(rawInput, 'it is empty');
  if (input.startsWith('-')) reject(input, 'it looks like a command-line option');
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(input)) reject(input, 'git remote helpers (such as ext::) are not allowed');
  if (FORBIDDEN_CHARACTERS.test(input)) reject(input, 'it contains spaces, quotes or shell characters');
  if (/%(?:0|2f|5c|00)/i.test(input)) reject(input, 'it contains encoded control or path characters');

  const scp = SCP_LIKE.exec(input);
  if (scp && !input.includes('://')) {
    const [, user, host = '', path = ''] = scp;
    if (user !== 'git') reject(input, 'SSH URLs must use the git@ user');
    const server = serverForHost(host, hosts);
    if (!server) reject(input, `the host "${truncate(host)}" is neither github.com nor the configured GitHub Enterprise host`);
    const { owner, repo } = splitOwnerRepo(input, `/${path}`, { ...server, webUrl: `https://${server.host}` });
    return target(server, owner, repo);
  }

  let url: URL;
  try {
    url = new URL(input);
  } catch {
    reject(input, 'it is not a URL');
  }
  const server = serverForHost(url.host, hosts);
  if (url.protocol === 'ssh:') {
    if (url.username !== 'git' || url.password !== '') reject(input, 'SSH URLs must use the git@ user');
    if (url.port !== '' && url.port !== '22') reject(input, 'SSH URLs must use the default port');
    const sshServer = serverForHost(url.hostname, hosts);
    if (!sshServer) reject(input, `the host "${truncate(url.hostname)}" is neither github.com nor the configured GitHub Enterprise host`);
    const { owner, repo } = splitOwnerRepo(input, url.pathname, { ...sshServer, webUrl: `https://${sshServer.host}` });
    return target(sshServer, owner, repo);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') reject(input, `the ${url.protocol.replace(':', '')} protocol is not allowed`);
  if (!server) reject(input, `the host "${truncate(url.host)}" is neither github.com nor the configured GitHub Enterprise host`);
  if (url.protocol === 'http:' && !server.webUrl.startsWith('http:')) reject(input, 'plain http:// is only accepted for a loopback Enterprise host');
  if (url.username !== '' || url.password !== '') reject(input, 'credentials must not be part of the URL');
  if (url.search !== '' || url.hash !== '') reject(input, 'query strings and fragments are not allowed');
  const { owner, repo } = splitOwnerRepo(input, url.pathname, server);
  return target(server, owner, repo);
}
