/**
 * Key symbols of files the tree-sitter grammars do not cover (see extract-tags.ts for TypeScript,
 * JavaScript, Python and Go): declarations of other languages and headings of documents, found with line
 * regexes. Good enough for a map whose job is to point the model at the right file; the model reads the
 * file with a tool before it edits.
 */

type SymbolPatterns = readonly RegExp[];

const JS_LIKE: SymbolPatterns = [
  /^\s*(export\s+)?(default\s+)?(async\s+)?function\*?\s+[\w$]+/,
  /^\s*(export\s+)?(default\s+)?(abstract\s+)?class\s+[\w$]+/,
  // The name must be followed by what declares it, so `  type Foo,` in an import list is not a declaration.
  /^\s*(export\s+)?(declare\s+)?(interface|type|enum|namespace)\s+[\w$]+\s*(<[^>]*>\s*)?(=|\{|extends\b)/,
  /^\s*export\s+(const|let|var)\s+[\w$]+/,
  /^\s*(public|private|protected|static|async|get|set|\s)*[\w$]+\s*\([^)]*\)\s*(:\s*[^{]+)?\{\s*$/,
];

const PATTERNS: Readonly<Record<string, SymbolPatterns>> = {
  vue: JS_LIKE,
  svelte: JS_LIKE,
  rs: [/^\s*(pub(\([\w:]+\))?\s+)?(async\s+)?(unsafe\s+)?(fn|struct|enum|trait|impl|mod|type)\b/],
  java: [/^\s*(public|protected|private|abstract|final|static|\s)*(class|interface|enum|record)\s+\w+/, /^\s*(public|protected)\s+[\w<>\[\],\s]+\s+\w+\s*\(/],
  kt: [/^\s*(public|internal|private|open|data|sealed|abstract|\s)*(class|interface|object|fun)\s+\w+/],
  cs: [/^\s*(public|internal|protected|private|static|abstract|sealed|partial|\s)*(class|interface|enum|struct|record)\s+\w+/, /^\s*public\s+[\w<>\[\],\s]+\s+\w+\s*\(/],
  scala: [/^\s*(case\s+)?(class|object|trait|def)\s+\w+/],
  swift: [/^\s*(public\s+|private\s+|internal\s+|open\s+)?(func|class|struct|enum|protocol|extension)\s+\w+/],
  rb: [/^\s*(def|class|module)\s+\S+/],
  php: [/^\s*(abstract\s+|final\s+)?(class|interface|trait)\s+\w+/, /^\s*(public\s+|private\s+|protected\s+|static\s+)*function\s+\w+/],
  c: [/^[A-Za-z_][\w\s\*]*\s\**[A-Za-z_]\w*\s*\([^;]*\)\s*\{?\s*$/, /^(typedef\s+)?struct\s+\w+/],
  h: [/^[A-Za-z_][\w\s\*]*\s\**[A-Za-z_]\w*\s*\([^;]*\)\s*;\s*$/, /^(typedef\s+)?struct\s+\w+/],
  cpp: [/^[A-Za-z_][\w\s\*:&<>]*\s[\*&]*[A-Za-z_][\w:]*\s*\([^;]*\)\s*(const\s*)?\{?\s*$/, /^\s*(class|struct|namespace)\s+\w+/],
  hpp: [/^\s*(class|struct|namespace)\s+\w+/],
  md: [/^#{1,3}\s+\S/],
  mdx: [/^#{1,3}\s+\S/],
  rst: [],
  sh: [/^\s*(function\s+)?[\w-]+\s*\(\)\s*\{/],
};

const SKIP_LINE = /^\s*(\/\/|#(?!#)|\*|\/\*|--)/;
const CONTROL_FLOW = /^\s*(if|for|while|switch|catch|return|else|do|try)\b/;
const MAX_SYMBOL_LENGTH = 100;

export function extensionOf(relativePath: string): string {
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export function hasSymbolPatterns(relativePath: string): boolean {
  return PATTERNS[extensionOf(relativePath)] !== undefined;
}

/** Up to `limit` declaration lines, trimmed and shortened, in file order. */
export function extractSymbols(relativePath: string, content: string, limit = 12): string[] {
  const patterns = PATTERNS[extensionOf(relativePath)];
  if (!patterns || patterns.length === 0) return [];
  const isMarkdown = /^(md|mdx)$/.test(extensionOf(relativePath));
  const symbols: string[] = [];
  let inFence = false;
  for (const line of content.split('\n', 20_000)) {
    if (isMarkdown && /^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence || line.length > 400) continue;
    if (!isMarkdown && (SKIP_LINE.test(line) || CONTROL_FLOW.test(line))) continue;
    if (!patterns.some((pattern) => pattern.test(line))) continue;
    const symbol = line.trim().replace(/\s*\{\s*$/, '').replace(/\s+/g, ' ');
    symbols.push(symbol.length > MAX_SYMBOL_LENGTH ? `${symbol.slice(0, MAX_SYMBOL_LENGTH - 1)}…` : symbol);
    if (symbols.length >= limit) break;
  }
  return symbols;
}
