import { extensionOf } from './extract-symbols';
import type { GrammarName } from './tag-queries';
import { grammar, grammarFor } from './tree-sitter-runtime';

/** A declaration found by the parser: its name, what it is, and the source line that declares it. */
export interface Definition {
  readonly name: string;
  readonly kind: string;
  /** Zero-based line of the name. */
  readonly line: number;
  /** The declaring line, trimmed and shortened, as the map shows it. */
  readonly text: string;
}

/** What one file declares and which names its code uses (comments and strings excluded), with counts. */
export interface FileTags {
  readonly definitions: readonly Definition[];
  readonly references: ReadonlyArray<readonly [string, number]>;
  /** Module specifiers as written (`./x`, `..models`, `github.com/a/b/pkg`); see resolve-imports.ts. */
  readonly imports: readonly string[];
}

const MAX_LINE_TEXT = 100;
const REQUIRE_BINDING = /=\s*(require\(|await import\()/;
const IDENTIFIER = /[A-Za-z_$][\w$]*/g;
/** Names every class has; an edge through them says nothing about which file matters. */
const IGNORED_NAMES = new Set(['constructor', 'toString', 'valueOf', 'toJSON', '__init__', 'String', 'Error', 'init', 'main']);

/** Starts loading the grammars these files need; failures surface when a file is parsed. */
export async function preloadGrammars(files: readonly string[]): Promise<void> {
  const names = new Set<GrammarName>();
  for (const file of files) {
    const name = grammarFor(extensionOf(file));
    if (name) names.add(name);
    if (names.size === 5) break;
  }
  await Promise.all([...names].map((name) => grammar(name).catch(() => undefined)));
}

export function canParse(relativePath: string): boolean {
  return grammarFor(extensionOf(relativePath)) !== undefined;
}

function lineText(content: string, start: number): string {
  const lineStart = content.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = content.indexOf('\n', start);
  if (lineEnd < 0) lineEnd = content.length;
  const text = content.slice(lineStart, Math.min(lineEnd, lineStart + 400)).trim().replace(/\s*[{:]?\s*$/, '').replace(/\s+/g, ' ');
  return text.length > MAX_LINE_TEXT ? `${text.slice(0, MAX_LINE_TEXT - 1)}…` : text;
}

/**
 * Parses one file with its tree-sitter grammar. Returns null for languages without a grammar, or when the
 * parse is cancelled because it ran past `deadline` (a performance.now() time).
 */
export async function extractTags(relativePath: string, content: string, deadline = Number.POSITIVE_INFINITY): Promise<FileTags | null> {
  const name = grammarFor(extensionOf(relativePath));
  if (!name) return null;
  const { parser, definitions, imports, literals } = await grammar(name).catch((error: unknown) => {
    throw new Error(`the ${name} grammar did not load (${error instanceof Error ? error.message : String(error)}); reinstall the extension or rebuild dist/`);
  });
  const tree = parser.parse(content, null, { progressCallback: () => performance.now() > deadline });
  if (!tree) return null;
  try {
    const seen = new Set<number>();
    const found: Definition[] = [];
    for (const capture of definitions.captures(tree.rootNode)) {
      const node = capture.node;
      if (seen.has(node.startIndex)) continue;
      seen.add(node.startIndex);
      const text = node.text;
      if (IGNORED_NAMES.has(text)) continue;
      const kind = capture.name.slice('name.'.length);
      const line = lineText(content, node.startIndex);
      // `const x = require('y')` binds an import; it declares nothing of this file's own.
      if (kind === 'constant' && REQUIRE_BINDING.test(line)) continue;
      found.push({ name: text, kind, line: node.startPosition.row, text: line });
    }
    // Identifiers in code, skipping comment and string ranges (captures come in document order).
    const skipped = literals.captures(tree.rootNode).map((capture) => [capture.node.startIndex, capture.node.endIndex] as const);
    const counts = new Map<string, number>();
    let range = 0;
    IDENTIFIER.lastIndex = 0;
    for (let match = IDENTIFIER.exec(content); match !== null; match = IDENTIFIER.exec(content)) {
      while (range < skipped.length && (skipped[range]?.[1] ?? 0) <= match.index) range += 1;
      const literal = skipped[range];
      if (literal && literal[0] <= match.index) {
        IDENTIFIER.lastIndex = Math.max(IDENTIFIER.lastIndex, literal[1]);
        continue;
      }
      counts.set(match[0], (counts.get(match[0]) ?? 0) + 1);
    }
    const specifiers = new Set<string>();
    for (const capture of imports.captures(tree.rootNode)) if (capture.name === 'import') specifiers.add(capture.node.text.replace(/^"|"$/g, ''));
    return { definitions: found.sort((a, b) => a.line - b.line), references: [...counts.entries()], imports: [...specifiers] };
  } finally {
    tree.delete();
  }
}
