import type { ChangedFile, CheckResult } from '../../protocol/run-events';

function firstLine(text: string, max: number): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

export function commitSubject(prompt: string): string {
  return `Tiny Backspace: ${firstLine(prompt, 60)}`;
}

export function commitMessage(prompt: string, agent: string, requestId: string): string {
  return `${commitSubject(prompt)}\n\n${prompt.trim()}\n\nAgent: ${agent}\nRequest: ${requestId}\n`;
}

/** Markdown that a reviewer can trust: prompt as a quote, changed files, who made it, what was checked. */
export function pullRequestBody(input: {
  prompt: string;
  agent: string;
  summary: string;
  requestId: string;
  changedFiles: readonly ChangedFile[];
  checks: readonly CheckResult[];
  /** Why no check ran (no sandbox isolation), if so; see sandbox/isolation-policy.ts. */
  checksNote?: string;
}): string {
  const quoted = input.prompt
    .trim()
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  const files = input.changedFiles.map((file) => `| \`${file.path.replace(/`/g, "'")}\` | ${file.status} | +${file.additions} -${file.deletions} |`);
  const sections = [
    '## Prompt',
    quoted,
    '## Summary',
    input.summary.trim() || '(no summary)',
    '## Changed files',
    '| File | Status | Lines |',
    '| --- | --- | --- |',
    ...files,
  ];
  if (input.checks.length > 0) {
    sections.push('## Checks', '| Check | Command | Before | After |', '| --- | --- | --- | --- |');
    for (const check of input.checks) sections.push(`| ${check.name} | \`${check.command}\` | ${check.before ?? 'not run'} | ${check.after} |`);
  }
  if (input.checksNote) sections.push('## Checks', `> [!WARNING]\n> ${input.checksNote}`);
  sections.push('---', `Produced by **${input.agent}** via Tiny Backspace (request \`${input.requestId}\`).`);
  return sections.join('\n\n').replace(/\n\n\|/g, '\n|');
}
