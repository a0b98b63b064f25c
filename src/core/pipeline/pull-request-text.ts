import type { ChangedFile, CheckResult } from '../../protocol/run-events';
import { codeBlock, codeSpan, plainText } from './markdown-escape';

/** GitHub refuses a PR body longer than this many characters (422 "body is too long"). */
export const PULL_REQUEST_BODY_LIMIT = 65_536;
/** Free text (prompt, summary) is cut to this before the body is assembled. */
const FREE_TEXT_LIMIT = 8_000;

function firstLine(text: string, max: number): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}\n[… ${text.length - max} more characters]` : text;
}

/** The model's own title when it gave one with `finish`, else one made from the prompt. */
export function commitSubject(prompt: string, title?: string): string {
  return title && title.trim() !== '' ? firstLine(title, 72) : `Tiny Backspace: ${firstLine(prompt, 60)}`;
}

export function commitMessage(prompt: string, agent: string, requestId: string, title?: string): string {
  return `${commitSubject(prompt, title)}\n\n${prompt.trim()}\n\nAgent: ${agent}\nRequest: ${requestId}\n`;
}

export interface PullRequestBodyInput {
  readonly prompt: string;
  readonly agent: string;
  readonly summary: string;
  readonly requestId: string;
  readonly changedFiles: readonly ChangedFile[];
  readonly checks: readonly CheckResult[];
  /** Why no check ran (no sandbox isolation), if so; see sandbox/isolation-policy.ts. Our own text. */
  readonly checksNote?: string;
}

function fileRow(file: ChangedFile): string {
  return `| ${codeSpan(file.path)} | ${file.status} | +${file.additions} -${file.deletions} |`;
}

function checkRow(check: CheckResult): string {
  return `| ${plainText(check.name)} | ${codeSpan(check.command)} | ${check.before ?? 'not run'} | ${check.after} |`;
}

function assemble(input: PullRequestBodyInput, fileRows: readonly string[], omittedFiles: number): string {
  const sections = [
    '## Prompt',
    codeBlock(clip(input.prompt.trim(), FREE_TEXT_LIMIT)),
    '## Summary',
    input.summary.trim() ? codeBlock(clip(input.summary.trim(), FREE_TEXT_LIMIT)) : '(no summary)',
    '## Changed files',
    '| File | Status | Lines |',
    '| --- | --- | --- |',
    ...fileRows,
  ];
  if (omittedFiles > 0) sections.push(`… and ${omittedFiles} more file(s); the commit lists them all.`);
  if (input.checks.length > 0) {
    sections.push('## Checks', '| Check | Command | Before | After |', '| --- | --- | --- | --- |');
    for (const check of input.checks) sections.push(checkRow(check));
  }
  if (input.checksNote) sections.push('## Checks', `> [!WARNING]\n> ${input.checksNote}`);
  sections.push('---', `Produced by **${plainText(input.agent)}** via Tiny Backspace (request ${codeSpan(input.requestId)}).`);
  return sections.join('\n\n').replace(/\n\n\|/g, '\n|');
}

/**
 * Markdown that a reviewer can trust. Everything that comes from the user, the model or the repository
 * is inert: free text (prompt, summary) sits in fenced code blocks and names (paths, commands) in code
 * spans, where GitHub renders no HTML, links, images, @mentions or issue references; the few plain
 * cells (check names) are escaped the same way (see markdown-escape.ts). The body fits GitHub's
 * 65,536-character limit: long free text is clipped, then changed-file rows are dropped from the end.
 */
export function pullRequestBody(input: PullRequestBodyInput): string {
  const rows = input.changedFiles.map(fileRow);
  let body = assemble(input, rows, 0);
  if (body.length <= PULL_REQUEST_BODY_LIMIT) return body;
  // Drop rows until it fits (binary search over how many rows to keep).
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const keep = Math.ceil((low + high) / 2);
    if (assemble(input, rows.slice(0, keep), rows.length - keep).length <= PULL_REQUEST_BODY_LIMIT) low = keep;
    else high = keep - 1;
  }
  body = assemble(input, rows.slice(0, low), rows.length - low);
  if (body.length <= PULL_REQUEST_BODY_LIMIT) return body;
  const note = '\n\n[… the rest of this description was cut to fit GitHub’s limit]';
  return `${body.slice(0, PULL_REQUEST_BODY_LIMIT - note.length)}${note}`;
}
