import type { IncomingHttpHeaders } from 'node:http';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import type { HttpRejection } from './http-rejection';

/**
 * The browser-facing half of the threat model: a page the user happens to visit must not be able to
 * reach the server through DNS rebinding (a foreign `Host`) or a cross-site request (a foreign `Origin`).
 */
export class RequestGuard {
  private readonly hosts: ReadonlySet<string>;
  private readonly sameOrigins: ReadonlySet<string>;
  private readonly allowed: ReadonlySet<string>;

  constructor(port: number, allowedOrigins: readonly string[]) {
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    this.sameOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
    this.allowed = new Set(allowedOrigins.map(normalizeAllowedOrigin));
  }

  checkHost(headers: IncomingHttpHeaders): HttpRejection | undefined {
    const host = headers.host?.trim().toLowerCase();
    if (host !== undefined && this.hosts.has(host)) return undefined;
    return {
      status: 403,
      code: 'forbidden_host',
      message: 'The Host header must be 127.0.0.1:PORT or localhost:PORT.',
      remedy: 'Call the server by its loopback address; other host names are refused to stop DNS rebinding.',
    };
  }

  /**
   * No `Origin` is a non-browser client or a same-origin GET. A present `Origin` must be this server or
   * on the allow-list; `null` (sandboxed frames, file: pages) never is.
   */
  checkOrigin(headers: IncomingHttpHeaders): HttpRejection | undefined {
    const origin = headers.origin?.trim().toLowerCase();
    if (origin === undefined) {
      // A cross-site no-cors subresource (img, script) carries no Origin but says where it came from.
      const site = headers['sec-fetch-site'];
      const mode = headers['sec-fetch-mode'];
      if ((site === 'cross-site' || site === 'same-site') && mode !== 'navigate') return forbiddenOrigin();
      return undefined;
    }
    if (this.sameOrigins.has(origin) || this.allowed.has(origin)) return undefined;
    return forbiddenOrigin();
  }

  /** CORS headers for an allow-listed origin; none for anyone else, and never `*`. */
  corsHeaders(headers: IncomingHttpHeaders): Record<string, string> {
    const origin = headers.origin?.trim().toLowerCase();
    if (origin === undefined || !this.allowed.has(origin)) return {};
    return {
      'access-control-allow-origin': origin,
      'access-control-expose-headers': 'X-Request-Id, Retry-After, Location',
      vary: 'Origin',
    };
  }

  preflightHeaders(headers: IncomingHttpHeaders): Record<string, string> {
    const cors = this.corsHeaders(headers);
    if (!cors['access-control-allow-origin']) return {};
    return {
      ...cors,
      'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
      'access-control-allow-headers': 'Authorization, Content-Type, Last-Event-ID',
      'access-control-max-age': '600',
      // Chrome's Private Network Access asks before a public page may call a loopback server.
      ...(headers['access-control-request-private-network'] === 'true' ? { 'access-control-allow-private-network': 'true' } : {}),
    };
  }
}

function forbiddenOrigin(): HttpRejection {
  return {
    status: 403,
    code: 'forbidden_origin',
    message: 'Cross-site requests from this origin are not allowed.',
    remedy: 'Add the page origin (scheme://host:port) to tinyBackspace.server.allowedOrigins or --allow-origin.',
  };
}

/** `http://localhost:5173/` -> `http://localhost:5173`; anything that is not a plain origin is refused. */
export function normalizeAllowedOrigin(value: string): string {
  const trimmed = value.trim();
  let url: URL | undefined;
  try {
    url = new URL(trimmed);
  } catch {
    url = undefined;
  }
  const plain = url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  if (!url || !plain || url.origin === 'null' || trimmed.replace(/\/$/, '').toLowerCase() !== url.origin.toLowerCase()) {
    throw new TinyBackspaceError('invalid_request', `"${trimmed}" is not an allowed-origin entry.`, {
      remedy: 'List origins as scheme://host[:port] with no path, e.g. http://localhost:5173; "*" is never accepted.',
    });
  }
  return url.origin.toLowerCase();
}
