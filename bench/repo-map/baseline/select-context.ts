// The repository map as it was before issue 11 (commit 603428d), kept verbatim as the recall bench's baseline.
import { throwIfAborted } from '../../../src/core/errors/cancelled-error';
import { extractSymbols, hasSymbolPatterns } from './extract-symbols';
import { isBinaryPath, promptTerms, rankFiles, splitWords, type RankedFile, type WordWeights } from './rank-files';
import { isSecretPath } from '../../../src/core/context/secret-files';
import { CHARS_PER_TOKEN, estimateTokens, truncateToTokens } from './token-estimate';

/** Aider's repository map defaults to 1,024 tokens; so does ours. */
export const DEFAULT_CONTEXT_TOKENS = 1024;
const DEFAULT_FILES_TO_READ = 24;
const MAX_READ_CHARS = 512 * 1024;
const READ_CONCURRENCY = 8;

export interface ContextSelectionInput {
  /** Tracked files (git ls-files), which already honours .gitignore. */
  readonly files: readonly string[];
  readonly prompt: string;
  readonly read: (relativePath: string) => Promise<string | null>;
  readonly budgetTokens?: number;
  /** How many of the best-ranked files to open for their symbols; the rest are ranked by path alone. */
  readonly maxFilesToRead?: number;
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
}

interface Candidate extends RankedFile {
  readonly symbols: readonly string[];
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

async function readCandidates(ranked: readonly RankedFile[], input: ContextSelectionInput, weights: WordWeights): Promise<Candidate[]> {
  const limit = input.maxFilesToRead ?? DEFAULT_FILES_TO_READ;
  const chosen = ranked.filter((file) => hasSymbolPatterns(file.path) && !isBinaryPath(file.path)).slice(0, limit);
  const results: Candidate[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chosen.length) {
      const file = chosen[next];
      next += 1;
      if (!file) continue;
      throwIfAborted(input.signal);
      const content = await input.read(file.path).catch(() => null);
      if (content === null || content.length > MAX_READ_CHARS || content.includes('\0')) continue;
      const symbols = extractSymbols(file.path, content);
      // Prompt words its symbols name (each counted once, weighted by rarity) lift a file above paths that only look relevant.
      const symbolWords = new Set(symbols.flatMap((symbol) => splitWords(symbol)));
      let bonus = 0;
      for (const [word, weight] of weights) if (symbolWords.has(word)) bonus += 6 * weight;
      results.push({ path: file.path, score: file.score + bonus, symbols });
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, chosen.length) }, () => worker()));
  return results.sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : 1));
}

/**
 * A compact repository map for the first model turn: the top-level layout, the files most likely to
 * matter with their key symbols, then more paths by rank, all inside a token budget. Files that commonly
 * hold credentials are never listed.
 */
export async function selectContext(input: ContextSelectionInput): Promise<RepoMap> {
  const budgetTokens = Math.max(64, input.budgetTokens ?? DEFAULT_CONTEXT_TOKENS);
  const files = input.files.filter((file) => !isSecretPath(file));
  const secretFilesWithheld = input.files.length - files.length;
  const terms = promptTerms(input.prompt);
  const { files: ranked, weights } = rankFiles(files, terms);
  const candidates = await readCandidates(ranked, input, weights);

  const text = new BudgetedText(budgetTokens * CHARS_PER_TOKEN);
  const header = `Repository map: ${files.length} files${secretFilesWithheld > 0 ? ` (${secretFilesWithheld} credential file(s) withheld)` : ''}; sizes in tokens are estimated as characters/4.`;
  text.add([header]);
  if (files.length === 0) return finish(text, budgetTokens, files.length, secretFilesWithheld, [], []);
  text.add([directoryLine(files, Math.floor(text.remaining() / 4))]);

  const listed = new Set<string>();
  const withSymbols: string[] = [];
  if (candidates.length > 0 && text.add(['Relevant files and their symbols:'])) {
    for (const candidate of candidates) {
      const block = [candidate.path, ...candidate.symbols.map((symbol) => `  ${symbol}`)];
      // A file with many symbols may still fit with fewer of them.
      let lines = block;
      while (lines.length > 1 && !text.fits(lines)) lines = lines.slice(0, -1);
      if (!text.add(lines)) continue;
      listed.add(candidate.path);
      if (lines.length > 1) withSymbols.push(candidate.path);
    }
  }
  if (text.add(['More files, most relevant first:'])) {
    for (const file of ranked) {
      if (listed.has(file.path)) continue;
      if (text.remaining() < 8) break;
      if (text.add([file.path])) listed.add(file.path);
    }
  }
  return finish(text, budgetTokens, files.length, secretFilesWithheld, withSymbols, [...listed]);
}

function finish(text: BudgetedText, budgetTokens: number, fileCount: number, secretFilesWithheld: number, filesWithSymbols: string[], listedFiles: string[]): RepoMap {
  const rendered = truncateToTokens(text.toString(), budgetTokens);
  return { text: rendered, tokens: estimateTokens(rendered), budgetTokens, fileCount, secretFilesWithheld, filesWithSymbols, listedFiles };
}
