import type { IncomingMessage } from 'node:http';
import type { HttpRejection } from './http-rejection';

export type JsonBodyResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly rejection: HttpRejection };

const JSON_MEDIA_TYPE = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** Whether the request says it carries a body at all. */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Only `application/json` (UTF-8) is accepted: an HTML form or a no-cors `fetch` cannot send it without
 * a CORS preflight, so the media type itself keeps simple cross-site requests out.
 */
export function checkJsonContentType(req: IncomingMessage): HttpRejection | undefined {
  const type = req.headers['content-type'];
  if (type !== undefined && JSON_MEDIA_TYPE.test(type.trim())) return undefined;
  return {
    status: 415,
    code: 'unsupported_media_type',
    message: 'The request body must be application/json.',
    remedy: 'Send the header "Content-Type: application/json" with a JSON body.',
  };
}

function tooLarge(limit: number): HttpRejection {
  return {
    status: 413,
    code: 'payload_too_large',
    message: `The request body is larger than ${limit} bytes.`,
    remedy: 'Shorten the prompt; large context belongs in the repository, not the request.',
    // The rest of an oversized body is not read, so this connection cannot be reused.
    headers: { connection: 'close' },
  };
}

/**
 * Reads at most `limit` bytes; an announced or actual larger body is refused without buffering it.
 * Past the limit the rest is drained and dropped rather than the socket torn down, so the client reliably
 * reads the 413 instead of a connection reset.
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<JsonBodyResult> {
  return new Promise((resolve) => {
    const announced = Number(req.headers['content-length']);
    if (Number.isFinite(announced) && announced > limit) {
      req.resume();
      resolve({ ok: false, rejection: tooLarge(limit) });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: JsonBodyResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        settle({ ok: false, rejection: tooLarge(limit) });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(parseJson(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', () =>
      settle({ ok: false, rejection: { status: 400, code: 'invalid_request', message: 'The request body could not be read.' } }),
    );
  });
}

function parseJson(text: string): JsonBodyResult {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return {
      ok: false,
      rejection: { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.', remedy: 'Send one JSON object, e.g. {"repoUrl":"…","prompt":"…"}.' },
    };
  }
}

/** Discards a body the route does not use, up to `limit`; beyond that the connection is dropped. */
export async function discardBody(req: IncomingMessage, limit: number): Promise<HttpRejection | undefined> {
  const result = await readJsonBody(req, limit);
  return result.ok ? undefined : result.rejection.status === 413 ? result.rejection : undefined;
}
