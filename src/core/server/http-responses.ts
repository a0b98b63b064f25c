import type { ServerResponse } from 'node:http';
import type { HttpError } from '../../protocol/http-api';
import { redactSecrets } from '../security/redact';
import type { HttpRejection } from './http-rejection';

/** Sent with every response: nothing is cached, sniffed, framed or referred onwards. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

/** JSON is data, never a document: it may load nothing and be framed nowhere. */
const JSON_CSP = "default-src 'none'; frame-ancestors 'none'";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...BASE_HEADERS,
    'content-security-policy': JSON_CSP,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Error bodies carry our own words only; known secrets are scrubbed anyway in case one slipped in. */
export function sendRejection(res: ServerResponse, rejection: HttpRejection, secrets: readonly string[], headers: Readonly<Record<string, string>> = {}): void {
  const body: HttpError = {
    code: rejection.code,
    message: redactSecrets(rejection.message, secrets),
    ...(rejection.remedy ? { remedy: redactSecrets(rejection.remedy, secrets) } : {}),
  };
  sendJson(res, rejection.status, body, { ...headers, ...rejection.headers });
}
