import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Language, Parser, Query } from '@vscode/tree-sitter-wasm';
import { TAG_QUERIES, type GrammarName } from './tag-queries';

/**
 * web-tree-sitter (the build VS Code ships in @vscode/tree-sitter-wasm) with the grammars the repository
 * map parses. The runtime and each grammar load once per process, on first use, from `dist/tree-sitter/`
 * in the bundles (esbuild.js copies them there) or from node_modules when running from source.
 */

const GRAMMAR_OF_EXTENSION: Readonly<Record<string, GrammarName>> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  py: 'python',
  pyi: 'python',
  go: 'go',
};

export function grammarFor(extension: string): GrammarName | undefined {
  return GRAMMAR_OF_EXTENSION[extension];
}

/** The grammar files the bundles must carry (esbuild.js copies exactly these). */
export const WASM_FILES: readonly string[] = ['tree-sitter.wasm', ...[...new Set(Object.values(GRAMMAR_OF_EXTENSION))].map((name) => `tree-sitter-${name}.wasm`)];

function wasmDirectory(): string {
  const bundled = path.join(__dirname, 'tree-sitter');
  if (existsSync(path.join(bundled, 'tree-sitter.wasm'))) return bundled;
  // From source (tests, tsx): the installed package. createRequire keeps bundlers from resolving it.
  return path.join(path.dirname(createRequire(__filename).resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
}

export interface LoadedGrammar {
  readonly parser: Parser;
  readonly definitions: Query;
  readonly imports: Query;
  /** Comments and string literals: identifiers inside them are not references. */
  readonly literals: Query;
}

let runtime: Promise<string> | undefined;
const grammars = new Map<GrammarName, Promise<LoadedGrammar>>();

async function loadGrammar(name: GrammarName): Promise<LoadedGrammar> {
  runtime ??= (async () => {
    const directory = wasmDirectory();
    await Parser.init({ locateFile: (file: string) => path.join(directory, file) });
    return directory;
  })();
  const directory = await runtime;
  const language = await Language.load(path.join(directory, `tree-sitter-${name}.wasm`));
  const parser = new Parser();
  parser.setLanguage(language);
  const queries = TAG_QUERIES[name];
  return { parser, definitions: new Query(language, queries.definitions), imports: new Query(language, queries.imports), literals: new Query(language, queries.literals) };
}

/** The parser and tag queries for one grammar, loaded on first use and kept for the process. */
export function grammar(name: GrammarName): Promise<LoadedGrammar> {
  let loaded = grammars.get(name);
  if (!loaded) {
    loaded = loadGrammar(name);
    // A failed load (missing .wasm) is retried next time rather than cached as a rejection.
    loaded.catch(() => grammars.delete(name));
    grammars.set(name, loaded);
  }
  return loaded;
}
