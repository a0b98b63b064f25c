// The repository-map task set: (prompt, file that must change) pairs written against real source trees
// from packages this project installs (pinned by package-lock.json, so results are stable). Most prompts
// describe behaviour and do not name the file. A task counts as found when the file is named anywhere in
// the map at the default 1,024-token budget.

export interface SourceTree {
  readonly name: string;
  /** Package directory under node_modules. */
  readonly packageDirectory: string;
  /** Paths inside the package to copy (files or directories); everything when omitted. */
  readonly include?: readonly string[];
}

export interface MapTask {
  readonly tree: string;
  readonly prompt: string;
  readonly file: string;
}

export const SOURCE_TREES: readonly SourceTree[] = [
  { name: 'anthropic-sdk', packageDirectory: '@anthropic-ai/sdk', include: ['src', 'README.md', 'package.json', 'LICENSE'] },
  { name: 'openai', packageDirectory: 'openai', include: ['src', 'README.md', 'package.json', 'LICENSE'] },
  { name: 'zod', packageDirectory: 'zod', include: ['src', 'README.md', 'package.json', 'LICENSE'] },
  // Whole published packages: source, docs, type declarations, tests, images and dot files.
  { name: 'undici', packageDirectory: 'undici' },
  { name: 'pino', packageDirectory: 'pino' },
];

export const MAP_TASKS: readonly MapTask[] = [
  // @anthropic-ai/sdk (TypeScript)
  { tree: 'anthropic-sdk', prompt: 'Server-sent events are split wrongly when a network chunk ends between \\r and \\n; fix how streamed bytes are split into lines', file: 'src/internal/decoders/line.ts' },
  { tree: 'anthropic-sdk', prompt: 'Before retrying a failed request, wait for the number of milliseconds the server sends in the retry-after-ms header', file: 'src/client.ts' },
  { tree: 'anthropic-sdk', prompt: 'Iterating over every page of a cursor-paginated list should stop as soon as the response says has_more is false', file: 'src/core/pagination.ts' },
  { tree: 'anthropic-sdk', prompt: 'Debug logging of request details must redact the x-api-key and authorization headers', file: 'src/internal/utils/log.ts' },
  { tree: 'anthropic-sdk', prompt: 'Query string serialisation of nested objects should encode arrays with brackets', file: 'src/internal/qs/stringify.ts' },
  { tree: 'anthropic-sdk', prompt: 'The platform headers sent with each request misreport the Deno and Bun runtimes', file: 'src/internal/detect-platform.ts' },
  { tree: 'anthropic-sdk', prompt: 'Turning a fetch Response into an uploadable file should take the file name from the response URL', file: 'src/internal/to-file.ts' },
  { tree: 'anthropic-sdk', prompt: 'Decoding a JSON lines stream of batch results breaks when one line arrives in two chunks', file: 'src/internal/decoders/jsonl.ts' },
  { tree: 'anthropic-sdk', prompt: 'Cached access tokens should be refreshed in the background shortly before they expire, with a mandatory refresh threshold', file: 'src/lib/credentials/token-cache.ts' },
  { tree: 'anthropic-sdk', prompt: 'Parsing incomplete JSON from streamed tool input fails when a string ends in a backslash escape', file: 'src/_vendor/partial-json-parser/parser.ts' },
  // openai (TypeScript)
  { tree: 'openai', prompt: 'For Azure, build the deployments/{deployment} URL path from the model name when no deployment is configured', file: 'src/azure.ts' },
  { tree: 'openai', prompt: 'The chat completion tool runner should call the requested function and send its result back until the model stops asking for tools', file: 'src/lib/AbstractChatCompletionRunner.ts' },
  { tree: 'openai', prompt: 'When accumulating streamed response events, output_text deltas are appended to the wrong content part', file: 'src/lib/responses/ResponseAccumulator.ts' },
  { tree: 'openai', prompt: 'When converting a zod object to JSON Schema for structured outputs, optional properties must not be listed as required', file: 'src/_vendor/zod-to-json-schema/parsers/object.ts' },
  { tree: 'openai', prompt: 'Read the Kubernetes service account token from its mounted file for workload identity federation', file: 'src/auth/subject-token-providers.ts' },
  { tree: 'openai', prompt: 'Sign Bedrock requests with AWS SigV4 using credentials from the environment', file: 'src/providers/bedrock/aws.ts' },
  { tree: 'openai', prompt: 'The assistant run stream should emit textDelta events as message deltas arrive', file: 'src/lib/AssistantStream.ts' },
  { tree: 'openai', prompt: 'Play text-to-speech audio through ffplay and record microphone input with ffmpeg', file: 'src/helpers/audio.ts' },
  // zod (TypeScript)
  { tree: 'zod', prompt: 'The email format check rejects addresses with a plus sign in the local part', file: 'src/v4/core/regexes.ts' },
  { tree: 'zod', prompt: 'Converting a JSON Schema document into a zod schema fails to resolve $ref pointers into $defs', file: 'src/v4/classic/from-json-schema.ts' },
  { tree: 'zod', prompt: 'prettifyError should print array indexes in the issue path with brackets', file: 'src/v4/core/errors.ts' },
  { tree: 'zod', prompt: 'In zod 3, a discriminated union should report a clear error when the discriminator value is missing', file: 'src/v3/types.ts' },
  { tree: 'zod', prompt: 'The default English message of zod 3 for invalid_string with an includes check is wrong', file: 'src/v3/locales/en.ts' },
  { tree: 'zod', prompt: 'The global registry of schema metadata should allow removing an entry', file: 'src/v4/core/registries.ts' },
  { tree: 'zod', prompt: 'In zod 3, async object parsing must await every key and value in mergeObjectAsync', file: 'src/v3/helpers/parseUtil.ts' },
  { tree: 'zod', prompt: 'The version constant the library exports has the wrong patch number', file: 'src/v4/core/versions.ts' },
  // undici (JavaScript)
  { tree: 'undici', prompt: 'Retried requests should honour the Retry-After header of 503 responses', file: 'lib/handler/retry-handler.js' },
  { tree: 'undici', prompt: 'Parsing a Set-Cookie header ignores an Expires attribute given as a date in the past', file: 'lib/web/cookies/parse.js' },
  { tree: 'undici', prompt: 'EventSource ignores the retry field the server sends in the event stream', file: 'lib/web/eventsource/eventsource-stream.js' },
  { tree: 'undici', prompt: 'WebSocket compression should honour server_max_window_bits in permessage-deflate negotiation', file: 'lib/web/websocket/permessage-deflate.js' },
  { tree: 'undici', prompt: 'The decompression interceptor should also handle zstd-encoded response bodies', file: 'lib/interceptor/decompress.js' },
  { tree: 'undici', prompt: 'The table of pending mock interceptors shows the wrong value in the persistent column', file: 'lib/mock/pending-interceptors-formatter.js' },
  { tree: 'undici', prompt: 'The balanced pool should choose upstreams in proportion to their weight', file: 'lib/dispatcher/balanced-pool.js' },
  { tree: 'undici', prompt: 'data: URLs whose base64 payload contains whitespace fail to decode', file: 'lib/web/fetch/data-url.js' },
  { tree: 'undici', prompt: 'Parsing a multipart/form-data body fails when the boundary parameter is quoted', file: 'lib/web/fetch/formdata-parser.js' },
  // pino (JavaScript)
  { tree: 'pino', prompt: 'Redaction paths with a wildcard in the middle should censor the nested keys', file: 'lib/redaction.js' },
  { tree: 'pino', prompt: 'Allow useOnlyCustomLevels together with a custom default level', file: 'lib/levels.js' },
  { tree: 'pino', prompt: 'Child loggers should inherit the parent serializers and merge their bindings', file: 'lib/proto.js' },
  { tree: 'pino', prompt: 'Multistream should write each line only to the streams whose level is at or below the line level', file: 'lib/multistream.js' },
  { tree: 'pino', prompt: 'The isoTime timestamp function should print ISO 8601 time', file: 'lib/time.js' },
  { tree: 'pino', prompt: 'In the browser, transmit log events to a remote endpoint through the send function', file: 'browser.js' },
  { tree: 'pino', prompt: 'The pino/file transport target should create missing parent directories by default', file: 'file.js' },
];
