import { isAbortLike, throwIfAborted } from '../errors/cancelled-error';
import { rankByReferences, type RankedMapFile, type ReferenceRanking } from './rank-by-references';
import { preloadGrammars } from './extract-tags';
import { promptTerms, rankFiles } from './rank-files';
import { ImportResolver } from './resolve-imports';
import { isSecretPath } from './secret-files';
import { emptyIndex, extendIndex, type TagIndex } from './tag-index';
import { isCommitSha, loadIndex, saveIndex, type CacheSource } from './tag-index-cache';
import { CHARS_PER_TOKEN, estimateTokens, truncateToTokens } from './token-estimate';

/** Aider's repository map defaults to 1,024 tokens; so does ours. */
export const DEFAULT_CONTEXT_TOKENS = 1024;
/**
 * Parsing stops starting new files this long after the map was asked for; the rest are ranked by path
 * (and by what parsed files say about them). With the commit cache, the next run on the same commit parses further.
 */
export const DEFAULT_PARSE_BUDGET_MS = 1500;
/** However long ranking the paths took (a busy machine), the most promising files still get this long. */
const MIN_PARSE_SLICE_MS = 250;
/** How many symbols the best files show; later files show fewer, then only their paths. */
const SYMBOL_TIERS: ReadonlyArray<readonly [files: number, symbols: number]> = [
  [5, 4],
  [10, 1],
];
const MAX_SYMBOL_CHARS = 80;

export interface ContextSelectionInput {
  /** Tracked files (git ls-files), which already honours .gitignore. */
  readonly files: readonly string[];
  readonly prompt: string;
  readonly read: (relativePath: string) => Promise<string | null>;
  readonly budgetTokens?: number;
  /** Time for parsing files, in ms (default 1,500). */
  readonly parseBudgetMs?: number;
  /** The commit the files are read at: the parsed tags are cached under it (memory, and disk if given). */
  readonly commitSha?: string;
  /** Directory for the on-disk tag cache (one JSON file per commit). */
  readonly cacheDirectory?: string;
  readonly signal?: AbortSignal;
}

export interface RepoMap {
  readonly text: string;
  /** Estimated with characters / 4; always <= budgetTokens. */
  readonly tokens: number;
  readonly budgetTokens: number;
  readonly fileCount: number;
  readonly secretFilesWithheld: number;
  /** Files shown with their symbols, best first. */
  readonly filesWithSymbols: readonly string[];
  /** Every file the map names. */
  readonly listedFiles: readonly string[];
  /** Files whose tags (definitions, references) the ranking used. */
  readonly taggedFiles: number;
  /** Whether every taggable file was tagged (false when the parse budget ran out first). */
  readonly complete: boolean;
  /** Where the tags came from: a previous run on the same commit, or parsing now. */
  readonly cache: CacheSource;
  /** Why parsing stopped early, when it failed (the map is then ranked by paths and what was parsed). */
  readonly parseError?: string;
}

/** Appends lines while the whole text stays inside the budget. */
class BudgetedText {
  private readonly lines: string[] = [];
  private chars = 0;

  constructor(private readonly budgetChars: number) {}

  fits(lines: readonly string[]): boolean {
    const added = lines.reduce((sum, line) => sum + line.length + 1, 0);
    return this.chars + added <= this.budgetChars;
  }

  add(lines: readonly string[]): boolean {
    if (!this.fits(lines)) return false;
    for (const line of lines) {
      this.lines.push(line);
      this.chars += line.length + 1;
    }
    return true;
  }

  remaining(): number {
    return this.budgetChars - this.chars;
  }

  toString(): string {
    return this.lines.join('\n');
  }
}

function directoryLine(files: readonly string[], budgetChars: number): string {
  const directories = new Map<string, number>();
  const topFiles: string[] = [];
  for (const file of files) {
    const slash = file.indexOf('/');
    if (slash < 0) topFiles.push(file);
    else {
      const directory = file.slice(0, slash);
      directories.set(directory, (directories.get(directory) ?? 0) + 1);
    }
  }
  const entries = [...directories.entries()].sort((a, b) => b[1] - a[1]).map(([name, count]) => `${name}/ (${count})`);
  const parts = [...entries, ...topFiles.sort()];
  let line = 'Top level:';
  let shown = 0;
  for (const part of parts) {
    const more = parts.length - shown - 1;
    const reserve = more > 0 ? ` … ${more} more`.length + 1 : 0;
    if (line.length + part.length + 2 + reserve > budgetChars) break;
    line += `${shown === 0 ? ' ' : ', '}${part}`;
    shown += 1;
  }
  if (shown < parts.length) line += ` … ${parts.length - shown} more`;
  return line;
}

function symbolsToShow(rank: number): number {
  let start = 0;
  for (const [files, symbols] of SYMBOL_TIERS) {
    if (rank < start + files) return symbols;
    start += files;
  }
  return 0;
}

/** The file's most important definitions, shown in file order as a reader would meet them. */
function symbolLines(ranking: ReferenceRanking, file: RankedMapFile, count: number): string[] {
  const seen = new Set<string>();
  const chosen = [];
  for (const definition of ranking.definitionsOf(file)) {
    if (chosen.length >= count) break;
    if (seen.has(definition.text)) continue;
    seen.add(definition.text);
    chosen.push(definition);
  }
  return chosen
    .sort((a, b) => a.line - b.line)
    .map((definition) => `  ${definition.text.length > MAX_SYMBOL_CHARS ? `${definition.text.slice(0, MAX_SYMBOL_CHARS - 1)}…` : definition.text}`);
}

async function tagIndexFor(input: ContextSelectionInput, order: readonly string[], started: number, resolver: ImportResolver): Promise<{ index: TagIndex; complete: boolean; cache: CacheSource; parseError?: string }> {
  const commit = isCommitSha(input.commitSha) ? input.commitSha : undefined;
  const { index, source } = commit ? await loadIndex(commit, input.cacheDirectory) : { index: emptyIndex(), source: 'none' as const };
  // A run that found the commit's tags cached only carries parsing on for a slice: it stays fast, and each
  // later run on the commit knows more.
  const budget = input.parseBudgetMs ?? DEFAULT_PARSE_BUDGET_MS;
  const deadline = source === 'none' ? Math.max(started + budget, performance.now() + MIN_PARSE_SLICE_MS) : performance.now() + MIN_PARSE_SLICE_MS;
  try {
    const progress = await extendIndex(index, { order, read: input.read, deadline, resolver, ...(input.signal ? { signal: input.signal } : {}) });
    if (commit && (progress.parsed > 0 || source === 'none')) await saveIndex(commit, index, input.cacheDirectory);
    return { index, complete: progress.complete, cache: source };
  } catch (error) {
    if (isAbortLike(error, input.signal)) throw error;
    // A grammar that cannot load (a broken install) must not stop the run: rank with what is known.
    return { index, complete: false, cache: source, parseError: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A compact repository map for the first model turn, Aider-style: the top-level layout, then the files
 * ranked by references between them (personalised PageRank towards the prompt, see
 * rank-by-references.ts) with their key definitions, then more paths by rank, all inside a token budget.
 * Files that commonly hold credentials are never read or listed.
 */
export async function selectContext(input: ContextSelectionInput): Promise<RepoMap> {
  const started = performance.now();
  // Grammars compile off the main thread while the paths are ranked.
  const grammarsLoading = preloadGrammars(input.files);
  const budgetTokens = Math.max(64, input.budgetTokens ?? DEFAULT_CONTEXT_TOKENS);
  const files = input.files.filter((file) => !isSecretPath(file));
  const secretFilesWithheld = input.files.length - files.length;
  const terms = promptTerms(input.prompt);
  const pathRanking = rankFiles(files, terms);
  await grammarsLoading;
  const resolver = new ImportResolver(files);
  const { index, complete, cache, parseError } = await tagIndexFor(input, pathRanking.files.map((file) => file.path), started, resolver);
  throwIfAborted(input.signal);
  const ranking = rankByReferences({ files, tags: index.tags, terms, pathRanking, resolver });
  const ranked = ranking.files;

  const text = new BudgetedText(budgetTokens * CHARS_PER_TOKEN);
  const header = `Repository map: ${files.length} files${secretFilesWithheld > 0 ? ` (${secretFilesWithheld} credential file(s) withheld)` : ''}, ranked by references between files and the prompt; sizes in tokens are estimated as characters/4.`;
  text.add([header]);
  const summary = { budgetTokens, fileCount: files.length, secretFilesWithheld, taggedFiles: index.tags.size, complete, cache, ...(parseError ? { parseError } : {}) };
  if (files.length === 0) return finish(text, summary, [], []);
  text.add([directoryLine(files, Math.floor(text.remaining() / 4))]);

  const listed: string[] = [];
  const withSymbols: string[] = [];
  let position = 0;
  if (index.tags.size > 0 && text.add(['Relevant files and their symbols:'])) {
    for (; position < ranked.length; position += 1) {
      const file = ranked[position] as RankedMapFile;
      const count = symbolsToShow(position);
      if (count === 0) break;
      // A file with many symbols may still fit with fewer of them.
      let lines = [file.path, ...symbolLines(ranking, file, count)];
      while (lines.length > 1 && !text.fits(lines)) lines = lines.slice(0, -1);
      if (!text.add(lines)) break;
      listed.push(file.path);
      if (lines.length > 1) withSymbols.push(file.path);
    }
  }
  if (position < ranked.length && text.add(['More files, most relevant first:'])) {
    for (; position < ranked.length && text.remaining() >= 8; position += 1) {
      const file = ranked[position] as RankedMapFile;
      if (text.add([file.path])) listed.push(file.path);
    }
  }
  return finish(text, summary, withSymbols, listed);
}

function finish(
  text: BudgetedText,
  summary: Omit<RepoMap, 'text' | 'tokens' | 'filesWithSymbols' | 'listedFiles'>,
  filesWithSymbols: string[],
  listedFiles: string[],
): RepoMap {
  const rendered = truncateToTokens(text.toString(), summary.budgetTokens);
  return { ...summary, text: rendered, tokens: estimateTokens(rendered), filesWithSymbols, listedFiles };
}
