// The panel's multi-line prompt form. Built once and shown or hidden, never rebuilt, so what the user
// types (and the caret) is never touched by a render. Ctrl+Enter (Cmd+Enter) runs, Escape closes.
import { button, h } from '../shared/dom';

export interface ComposeFormActions {
  run(prompt: string, repoUrl: string | undefined): void;
}

export class ComposeForm {
  readonly element: HTMLElement;
  private readonly textarea: HTMLTextAreaElement;
  private readonly target: HTMLElement;
  private repoUrl: string | undefined;

  constructor(private readonly actions: ComposeFormActions) {
    this.textarea = h('textarea', {
      className: 'compose-input',
      testId: 'compose-prompt',
      attrs: { id: 'compose-prompt', rows: '6', maxlength: '20000', 'aria-describedby': 'compose-hint', spellcheck: 'true' },
    });
    this.target = h('span', { className: 'muted', testId: 'compose-target' });
    this.element = h('section', { className: 'compose', testId: 'compose', hidden: true, attrs: { 'aria-label': 'New prompt' } }, [
      h('label', { attrs: { for: 'compose-prompt' } }, [h('strong', {}, ['Prompt']), ' ', this.target]),
      this.textarea,
      h('p', { className: 'muted', attrs: { id: 'compose-hint' } }, ['Describe the change; several lines are fine. Ctrl+Enter runs it, Escape closes this form.']),
      h('div', { className: 'compose-actions' }, [
        button('Run Prompt', { icon: 'play', variant: 'primary', testId: 'compose-run', onClick: () => this.submit() }),
        button('Close', { testId: 'compose-close', onClick: () => this.close() }),
      ]),
    ]);
    this.textarea.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.submit();
      } else if (event.key === 'Escape') {
        event.preventDefault();
        this.close();
      }
    });
  }

  open(prompt: string, repoUrl: string | undefined): void {
    this.repoUrl = repoUrl;
    this.target.textContent = repoUrl ? `for ${repoUrl.replace(/^https?:\/\//, '')}` : '';
    this.textarea.value = prompt;
    this.element.hidden = false;
    this.textarea.focus();
    this.textarea.setSelectionRange(prompt.length, prompt.length);
  }

  close(): void {
    this.element.hidden = true;
  }

  private submit(): void {
    const prompt = this.textarea.value.trim();
    if (prompt === '') {
      this.textarea.setAttribute('aria-invalid', 'true');
      this.textarea.focus();
      return;
    }
    this.textarea.removeAttribute('aria-invalid');
    this.actions.run(prompt, this.repoUrl);
    this.close();
  }
}
