import type { ChangedFile, CheckResult } from '../../protocol/run-events';

function firstLine(text: string, max: number): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** The model's own title when it gave one with `finish`, else one made from the prompt. */
export function commitSubject(prompt: string, title?: string): string {
  return title && title.trim() !== '' ? firstLine(title, 72) : `Tiny Backspace: ${firstLine(prompt, 60)}`;
}

export function commitMessage(prompt: string, agent: string, requestId: string, title?: string): string {
  return `${commitSubject(prompt, title)}\n\n${prompt.trim()}\n\nAgent: ${agent}\nRequest: ${requestId}\n`;
}

/** Markdown that a reviewer can trust: prompt as a quote, changed files, who made it, what was checked. */
export function pullRequestBody(input: {
  prompt: string;
  agent: string;
  summary: string;
  requestId: string;
  changedFiles: readonly ChangedFile[];
  checks: readonly CheckResult[];
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
  sections.push('---', `Produced by **${input.agent}** via Tiny Backspace (request \`${input.requestId}\`).`);
  return sections.join('\n\n').replace(/\n\n\|/g, '\n|');
}
