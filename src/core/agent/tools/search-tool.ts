import { isBinaryPath } from '../../context/rank-files';
import type { ToolCall } from '../model/model-client';
import type { ToolEnv } from './tool-env';
import type { ToolInput } from './tool-definitions';
import { ok, ToolRefusal, type ToolOutcome } from './tool-outcome';
import { shortenText } from './tool-text';

const SEARCH_MATCH_LIMIT = 60;
const SEARCH_FILE_LIMIT = 200;
const SEARCH_FILE_BYTES = 1024 * 1024;
/** Very long lines (minified code) are skipped: they are noise, and slow for a regex. */
const LONG_LINE = 2_000;
const SHOWN_LINE_CHARS = 200;
const ANSWER_CHARS = 40_000;
/** A search that takes longer stops and says so: a slow regex over a large repository must not stall the run. */
export const SEARCH_TIME_BUDGET_MS = 5_000;

export type LineMatcher = (line: string) => boolean;

/**
 * A group that repeats something which itself repeats, e.g. `(a+)+`, `(\w*)*`, `(x+){2,}`: the shape that
 * makes a backtracking engine take exponential time on a near-miss line. JavaScript's RegExp cannot be
 * interrupted, so such a pattern is refused up front, with the way around it.
 */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,\d*\})/;

export function lineMatcher(input: Pick<ToolInput<'search'>, 'query' | 'regex' | 'case_sensitive'>): LineMatcher {
  if (input.regex) {
    if (NESTED_QUANTIFIER.test(input.query)) {
      throw new ToolRefusal('this regular expression repeats a group that itself repeats (such as (a+)+), which can take exponential time; write it without the nested repetition, or search for plain text.');
    }
    let pattern: RegExp;
    try {
      pattern = new RegExp(input.query, input.case_sensitive ? '' : 'i');
    } catch (error) {
      throw new ToolRefusal(`invalid regular expression: ${(error as Error).message}`);
    }
    return (line) => pattern.test(line);
  }
  if (input.case_sensitive) return (line) => line.includes(input.query);
  const needle = input.query.toLowerCase();
  return (line) => line.toLowerCase().includes(needle);
}

/** Match line numbers (0-based) of one file's lines. */
function matchingLines(lines: readonly string[], matcher: LineMatcher): number[] {
  const hits: number[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (line.length <= LONG_LINE && matcher(line)) hits.push(index);
  }
  return hits;
}

/**
 * ripgrep's layout: `path:12: match`, `path-11- context`, groups of nearby matches merged and separated
 * by `--`. At most `budget` matches are shown.
 */
export function formatMatches(file: string, lines: readonly string[], hits: readonly number[], contextLines: number, budget: number): string[] {
  const out: string[] = [];
  const shown = hits.slice(0, budget);
  const hitSet = new Set(shown);
  let groupEnd = -1;
  for (const hit of shown) {
    const from = Math.max(0, hit - contextLines);
    const to = Math.min(lines.length - 1, hit + contextLines);
    if (contextLines > 0 && groupEnd >= 0 && from > groupEnd + 1) out.push('--');
    for (let index = Math.max(from, groupEnd + 1); index <= to; index += 1) {
      const text = (lines[index] ?? '').slice(0, SHOWN_LINE_CHARS);
      out.push(hitSet.has(index) ? `${file}:${index + 1}: ${contextLines > 0 ? text : text.trim()}` : `${file}-${index + 1}- ${text}`);
    }
    groupEnd = Math.max(groupEnd, to);
  }
  return out;
}

/** `search`: text or a regex over the visible text files, with context lines or only the file names. */
export async function searchTool(env: ToolEnv, call: ToolCall, input: ToolInput<'search'>): Promise<ToolOutcome> {
  const matcher = lineMatcher(input);
  const contextLines = input.context_lines ?? 0;
  const out: string[] = [];
  let total = 0;
  let files = 0;
  let shownMatches = 0;
  let stoppedAt: string | undefined;
  const started = performance.now();
  for (const file of await env.visibleFiles(input.path)) {
    if (env.context.signal.aborted || isBinaryPath(file)) continue;
    if (performance.now() - started > SEARCH_TIME_BUDGET_MS) {
      stoppedAt = file;
      break;
    }
    const content = await env.workspace.read(file).catch(() => null);
    if (content === null || content.length > SEARCH_FILE_BYTES || content.includes('\0')) continue;
    const lines = content.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    const hits = matchingLines(lines, matcher);
    if (hits.length === 0) continue;
    total += hits.length;
    files += 1;
    if (input.files_only) {
      if (files <= SEARCH_FILE_LIMIT) out.push(`${file} (${hits.length} match${hits.length === 1 ? '' : 'es'})`);
      continue;
    }
    const budget = SEARCH_MATCH_LIMIT - shownMatches;
    if (budget <= 0) continue;
    if (contextLines > 0 && out.length > 0) out.push('--');
    out.push(...formatMatches(file, lines, hits, contextLines, budget));
    shownMatches += Math.min(budget, hits.length);
  }
  env.event({
    tool: 'Search',
    message: `Tool: Search "${shortenText(input.query, 60, 'line')}"${input.files_only ? ' (files only)' : ''}`,
    query: input.query,
    ...(input.path ? { filepath: input.path } : {}),
    output: `${total} match(es) in ${files} file(s)`,
  });
  const stopped = stoppedAt === undefined ? '' : `\n(The search stopped after ${SEARCH_TIME_BUDGET_MS / 1000} s, before ${stoppedAt}; narrow it with path, or use plain text instead of a regex.)`;
  if (total === 0) return ok(call, `No matches.${stopped}`);
  const hidden = input.files_only ? files - Math.min(files, SEARCH_FILE_LIMIT) : total - shownMatches;
  const more = hidden > 0 ? `\n(${hidden} more ${input.files_only ? 'files' : 'matches'}; narrow the search with path or a more specific query.)` : '';
  return ok(call, env.scrub(shortenText(out.join('\n'), ANSWER_CHARS) + more + stopped));
}
