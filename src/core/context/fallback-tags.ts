import type { Definition, FileTags } from './extract-tags';
import { extensionOf, extractSymbols, hasSymbolPatterns } from './extract-symbols';

/**
 * Tags for files no bundled grammar covers (Rust, Java, C#, Ruby, Markdown, …): the regex symbol lines
 * of extract-symbols.ts as definitions, and every identifier-shaped word of code as a reference. Coarser
 * than the parser (comments count as code), but it lets these files take part in the reference graph.
 */

const DECLARED_NAME = /\b(?:fn|struct|enum|trait|impl|mod|type|class|interface|record|object|def|func|fun|function|module|protocol|extension|namespace)\s+([A-Za-z_][\w]*)/;
const CALLED_NAME = /([A-Za-z_][\w]*)\s*\(/;
const IDENTIFIER = /[A-Za-z_$][\w$]*/g;
const MAX_SYMBOLS = 40;

export function canTagWithRegex(relativePath: string): boolean {
  return hasSymbolPatterns(relativePath);
}

export function fallbackTags(relativePath: string, content: string): FileTags | null {
  if (!hasSymbolPatterns(relativePath)) return null;
  const isDocument = /^(md|mdx|rst)$/.test(extensionOf(relativePath));
  const definitions: Definition[] = extractSymbols(relativePath, content, MAX_SYMBOLS).map((text, line) => ({
    name: isDocument ? text.replace(/^#+\s*/, '') : (DECLARED_NAME.exec(text)?.[1] ?? CALLED_NAME.exec(text)?.[1] ?? text),
    kind: isDocument ? 'heading' : 'declaration',
    // Regex symbols keep file order; the exact line is not needed by the map.
    line,
    text,
  }));
  if (isDocument) return { definitions, references: [], imports: [] };
  const counts = new Map<string, number>();
  for (const match of content.matchAll(IDENTIFIER)) counts.set(match[0], (counts.get(match[0]) ?? 0) + 1);
  return { definitions, references: [...counts.entries()], imports: [] };
}
