// The agent's activity for the selected run: reasoning, tool calls (each edit as a small old/new diff),
// streamed model text, checks. Items are keyed by id and redrawn only when their revision changes, so
// streaming text does not rebuild the list (and the reader's scroll position survives).
import { h, icon, type Child } from '../shared/dom';
import type { ActivityItem, RunView } from './panel-model';

const TOOL_ICONS: Readonly<Record<string, string>> = {
  List: 'list-tree',
  Read: 'file',
  Search: 'search',
  Edit: 'edit',
  Create: 'new-file',
  Delete: 'trash',
  Rename: 'arrow-right',
  Bash: 'terminal',
  Finish: 'check-all',
};

const MAX_DIFF_LINES = 40;

function diffLines(prefix: '-' | '+', text: string, className: string): HTMLElement[] {
  // A final newline is the end of the last line, not an extra empty one.
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  const shown = lines.slice(0, MAX_DIFF_LINES).map((line) => h('span', { className: `diff-line ${className}` }, [`${prefix} ${line}`]));
  if (lines.length > MAX_DIFF_LINES) shown.push(h('span', { className: 'diff-line more' }, [`  … ${lines.length - MAX_DIFF_LINES} more line(s)`]));
  return shown;
}

function editDiff(oldStr: string | undefined, newStr: string | undefined): HTMLElement {
  return h('pre', { className: 'edit-diff', testId: 'edit-diff' }, [
    ...(oldStr !== undefined && oldStr !== '' ? diffLines('-', oldStr, 'del') : []),
    ...(newStr !== undefined && newStr !== '' ? diffLines('+', newStr, 'add') : []),
  ]);
}

function toolBody(item: Extract<ActivityItem, { kind: 'tool' }>): Child[] {
  const target = item.filepath !== undefined ? h('code', { className: 'path', testId: 'tool-path' }, [item.filepath]) : undefined;
  const renamed = item.newPath !== undefined ? [' → ', h('code', { className: 'path' }, [item.newPath])] : [];
  const head = h('div', { className: 'item-head' }, [h('strong', {}, [item.tool]), target ? ' ' : '', target, ...renamed, item.query !== undefined ? h('span', { className: 'muted' }, [` “${item.query}”`]) : undefined]);
  const body: Child[] = [head];
  if (item.tool === 'Edit' || item.oldStr !== undefined || item.newStr !== undefined) body.push(editDiff(item.oldStr, item.newStr));
  if (item.command !== undefined) body.push(h('pre', { className: 'command' }, [`$ ${item.command}`]));
  if (item.output !== undefined && item.output !== '') body.push(h('pre', { className: 'output' }, [item.output]));
  if (item.exitCode !== undefined && item.exitCode !== 0) body.push(h('div', { className: 'muted' }, [`exit code ${item.exitCode}`]));
  if (item.filepath === undefined && item.command === undefined && item.query === undefined) body.push(h('div', { className: 'muted' }, [item.text]));
  return body;
}

function renderItem(item: ActivityItem): HTMLElement {
  switch (item.kind) {
    case 'thinking':
      return h('li', { className: 'activity-item thinking', testId: 'activity-thinking', data: { topic: item.topic } }, [
        icon('lightbulb'),
        h('div', { className: 'item-body' }, [h('div', {}, [item.text]), item.reason && !item.text.includes(item.reason) ? h('div', { className: 'muted' }, [item.reason]) : undefined]),
      ]);
    case 'tool':
      return h('li', { className: 'activity-item tool', testId: 'activity-tool', data: { tool: item.tool } }, [
        icon(TOOL_ICONS[item.tool] ?? 'tools'),
        h('div', { className: 'item-body' }, toolBody(item)),
      ]);
    case 'ai':
      return h('li', { className: 'activity-item ai', testId: 'activity-ai', data: { provider: item.provider } }, [
        icon('comment-discussion'),
        h('div', { className: 'item-body' }, [h('div', { className: 'muted' }, [item.provider]), h('div', { className: 'ai-text' }, [item.text])]),
      ]);
    case 'checks':
      return h('li', { className: 'activity-item checks', testId: 'activity-checks' }, [
        icon('beaker'),
        h('div', { className: 'item-body' }, [
          h('strong', {}, ['Checks']),
          h(
            'ul',
            { className: 'check-list' },
            item.checks.map((check) =>
              h('li', { data: { state: check.after } }, [
                icon(check.after === 'passed' ? 'pass' : check.after === 'skipped' ? 'circle-slash' : 'error'),
                ' ',
                h('code', {}, [check.command]),
                h('span', { className: 'muted' }, [` ${check.before ? `${check.before} → ` : ''}${check.after}`]),
                check.detail ? h('pre', { className: 'output' }, [check.detail]) : undefined,
              ]),
            ),
          ),
        ]),
      ]);
    case 'note':
      return h('li', { className: `activity-item note ${item.level}`, testId: 'activity-note', data: { step: item.step } }, [
        icon(item.level === 'success' ? 'pass' : item.level === 'error' ? 'error' : item.level === 'warning' ? 'warning' : 'info'),
        h('div', { className: 'item-body' }, [item.text]),
      ]);
  }
}

export class ActivityView {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly dropped: HTMLElement;
  private readonly rendered = new Map<number, { rev: number; node: HTMLElement }>();
  private runId: string | undefined;

  constructor() {
    this.dropped = h('p', { className: 'muted', hidden: true });
    this.list = h('ol', { className: 'activity-list' });
    this.element = h('section', { className: 'activity', testId: 'activity', attrs: { 'aria-label': 'Agent activity' } }, [h('h2', {}, ['Activity']), this.dropped, this.list]);
  }

  update(run: RunView): void {
    if (run.requestId !== this.runId) {
      this.runId = run.requestId;
      this.rendered.clear();
      this.list.replaceChildren();
    }
    const scroller = document.scrollingElement;
    const pinned = scroller ? scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40 : false;
    const keep = new Set(run.activity.map((item) => item.id));
    for (const [id, entry] of this.rendered) {
      if (!keep.has(id)) {
        entry.node.remove();
        this.rendered.delete(id);
      }
    }
    for (const item of run.activity) {
      const existing = this.rendered.get(item.id);
      if (existing && existing.rev === item.rev) continue;
      const node = renderItem(item);
      if (existing) existing.node.replaceWith(node);
      else this.list.appendChild(node);
      this.rendered.set(item.id, { rev: item.rev, node });
    }
    this.dropped.hidden = run.droppedActivity === 0;
    this.dropped.textContent = `${run.droppedActivity} earlier item(s) are not shown.`;
    this.list.hidden = run.activity.length === 0;
    if (pinned && scroller) scroller.scrollTop = scroller.scrollHeight;
  }
}
