import { lookup } from 'node:dns/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';

/**
 * One allow-list entry: `registry.npmjs.org` (port 443), `*.pythonhosted.org` (subdomains, not the apex),
 * or `host:port` (say a local mirror, `localhost:4873`).
 */
interface HostRule {
  readonly host: string;
  readonly wildcard: boolean;
  readonly port: number | undefined;
}

function parseRule(entry: string): HostRule {
  const text = entry.trim().toLowerCase();
  const match = /^(\*\.)?([a-z0-9.-]+|\[[0-9a-f:]+\])(?::(\d{1,5}))?$/.exec(text);
  if (!match) throw new Error(`not a host name: ${entry}`);
  return { wildcard: match[1] !== undefined, host: match[2] ?? '', port: match[3] === undefined ? undefined : Number(match[3]) };
}

function matches(rule: HostRule, host: string, port: number): boolean {
  if (rule.port === undefined ? port !== 443 : port !== rule.port) return false;
  return rule.wildcard ? host.endsWith(`.${rule.host}`) : host === rule.host;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Loopback and link-local (cloud metadata lives at 169.254.169.254) are never reached through a public name. */
function isHostInternal(address: string): boolean {
  if (address === '::1' || address.startsWith('127.') || address.startsWith('169.254.') || address.toLowerCase().startsWith('fe80:')) return true;
  return address.startsWith('::ffff:') && isHostInternal(address.slice('::ffff:'.length));
}

export interface RegistryProxy {
  /** Unix socket the sandbox reaches the proxy through (bind-mounted into it). */
  readonly socketPath: string;
  /** `host:port` of every connection refused, in order, for the command's output. */
  readonly denied: string[];
  close(): Promise<void>;
}

/**
 * A CONNECT-only HTTPS proxy on a Unix socket that lets a dependency install reach the allowed package
 * registries and nothing else. The sandbox has no network of its own; its only way out is this socket.
 * Plain HTTP is refused (registries speak HTTPS); a name that resolves to loopback or link-local is refused
 * unless the entry names that host itself (a local mirror), so DNS cannot point an install at host services.
 */
export async function startRegistryProxy(allowed: readonly string[]): Promise<RegistryProxy> {
  const rules = allowed.map(parseRule);
  const dir = await mkdtemp(path.join(tmpdir(), 'tb-proxy-'));
  const socketPath = path.join(dir, 'proxy.sock');
  const denied: string[] = [];
  const tunnels = new Set<Duplex>();

  const refuse = (client: Duplex, status: string, target: string): void => {
    denied.push(target);
    client.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  };

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    denied.push(request.headers.host ?? request.url ?? '?');
    response.writeHead(403, { 'content-type': 'text/plain' }).end('Only HTTPS (CONNECT) to the allowed package registries.\n');
  });
  server.on('connect', (request: IncomingMessage, client: Duplex, head: Buffer) => {
    tunnels.add(client);
    client.on('close', () => tunnels.delete(client));
    client.on('error', () => client.destroy());
    const target = request.url ?? '';
    const match = /^(\[[0-9a-fA-F:]+\]|[^:[\]]+):(\d{1,5})$/.exec(target);
    const host = match?.[1]?.toLowerCase() ?? '';
    const port = Number(match?.[2] ?? 0);
    if (!match || !rules.some((rule) => matches(rule, host, port))) {
      refuse(client, '403 Forbidden (not an allowed package registry)', target);
      return;
    }
    void (async () => {
      const bare = host.replace(/^\[|\]$/g, '');
      let address: string;
      try {
        address = isIP(bare) ? bare : (await lookup(bare)).address;
      } catch {
        refuse(client, '502 Bad Gateway (name not resolved)', target);
        return;
      }
      if (isHostInternal(address) && !LOOPBACK_NAMES.has(host)) {
        refuse(client, '403 Forbidden (resolves to a host-internal address)', target);
        return;
      }
      const upstream: Socket = connect(port, address);
      tunnels.add(upstream);
      upstream.on('close', () => tunnels.delete(upstream));
      upstream.once('connect', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => {
        if (!upstream.readyState || upstream.connecting) refuse(client, '502 Bad Gateway (could not connect)', target);
        else client.destroy();
      });
      client.on('close', () => upstream.destroy());
    })();
  });
  // A probe that connects and sends nothing (the sandbox checks the tunnel is up) is not an error.
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    socketPath,
    denied,
    async close() {
      for (const tunnel of tunnels) tunnel.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
