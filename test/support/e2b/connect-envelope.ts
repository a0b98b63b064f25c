// Connect protocol framing for streaming RPCs (https://connectrpc.com/docs/protocol/#streaming-rpcs):
// every message is a 5-byte envelope (1 flag byte, 4-byte big-endian length) followed by its bytes.
// In JSON mode the bytes are JSON. Flag 0x02 marks the end-of-stream message that carries an error, if any.

export const END_STREAM_FLAG = 0x02;

export function encodeEnvelope(message: unknown, flags = 0): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const header = Buffer.alloc(5);
  header.writeUInt8(flags, 0);
  header.writeUInt32BE(body.length, 1);
  return Buffer.concat([header, body]);
}

/** Decodes every complete envelope in `buffer` (request bodies of server-streaming calls hold exactly one). */
export function decodeEnvelopes(buffer: Buffer): Array<{ flags: number; message: unknown }> {
  const messages: Array<{ flags: number; message: unknown }> = [];
  let offset = 0;
  while (offset + 5 <= buffer.length) {
    const flags = buffer.readUInt8(offset);
    const length = buffer.readUInt32BE(offset + 1);
    const end = offset + 5 + length;
    if (end > buffer.length) throw new Error('truncated Connect envelope');
    messages.push({ flags, message: JSON.parse(buffer.subarray(offset + 5, end).toString('utf8')) });
    offset = end;
  }
  if (offset !== buffer.length) throw new Error('trailing bytes after Connect envelopes');
  return messages;
}

/** Connect error codes and the HTTP status a unary JSON call answers them with. */
export const CONNECT_HTTP_STATUS = {
  invalid_argument: 400,
  unauthenticated: 401,
  not_found: 404,
  deadline_exceeded: 504,
  unavailable: 503,
  internal: 500,
} as const;
export type ConnectCode = keyof typeof CONNECT_HTTP_STATUS;
