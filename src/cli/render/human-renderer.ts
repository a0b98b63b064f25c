import type { RunEvent } from '../../protocol/run-events';
import type { Output, Renderer } from './renderer';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Strips terminal control sequences: repository and model text must not drive the user's terminal. */
export function printable(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f\x9b]/g, '');
}

/**
 * Readable steps on stdout; on a TTY also a one-line progress bar on stderr that is redrawn in place.
 * AI message deltas are gathered into lines so the output stays legible.
 */
export class HumanRenderer implements Renderer {
  private frame = 0;
  private currentStep = '';
  private progress = 0;
  private aiLine = '';
  private progressShown = false;

  constructor(
    private readonly out: Output,
    private readonly status: Output,
    private readonly verbose = false,
  ) {}

  render(event: RunEvent): void {
    this.progress = event.progress;
    switch (event.kind) {
      case 'run_started':
        this.line(`Tiny Backspace: ${event.repo}${event.dry_run ? ' (dry run)' : ''}`);
        break;
      case 'step_started':
        this.currentStep = event.step;
        break;
      case 'step_finished':
        this.flushAi();
        this.line(`${event.outcome === 'ok' ? '✔' : '✖'} ${event.step.padEnd(16)} ${String(event.duration_ms).padStart(6)} ms`);
        break;
      case 'step_progress':
      case 'thinking':
        if (this.verbose || event.type === 'warning') this.line(`  ${event.type === 'warning' ? '!' : '·'} ${event.message}`);
        break;
      case 'tool':
        this.flushAi();
        this.line(`  → ${event.message}${event.exit_code !== undefined ? ` (exit ${event.exit_code})` : ''}`);
        break;
      case 'ai_message':
        this.aiLine += event.message;
        if (this.aiLine.includes('\n')) {
          const lines = this.aiLine.split('\n');
          this.aiLine = lines.pop() ?? '';
          for (const text of lines) if (text.trim() !== '') this.line(`  “ ${text}`);
        }
        break;
      case 'usage':
        if (this.verbose) this.line(`  $ ${event.message}`);
        break;
      case 'checks':
        for (const check of event.checks) this.line(`  ☐ ${check.name}: ${check.before ?? 'not run'} → ${check.after}`);
        break;
      case 'review_required':
        this.line(`  ${event.message}`);
        break;
      case 'completed':
        this.flushAi();
        for (const file of event.changed_files) this.line(`  ${file.status.padEnd(8)} ${file.path} (+${file.additions} -${file.deletions})`);
        this.line(event.message);
        break;
      case 'failed':
        this.flushAi();
        this.line(`✖ ${event.error.message}${event.error.remedy ? `\n  ${event.error.remedy}` : ''}`);
        break;
      case 'cancelled':
        this.flushAi();
        this.line(`✖ ${event.message}`);
        break;
    }
    this.drawProgress();
  }

  finish(): void {
    this.flushAi();
    this.clearProgress();
  }

  private flushAi(): void {
    if (this.aiLine.trim() !== '') this.line(`  “ ${this.aiLine}`);
    this.aiLine = '';
  }

  private line(text: string): void {
    this.clearProgress();
    this.out.write(`${printable(text)}\n`);
  }

  private drawProgress(): void {
    if (!this.status.isTTY) return;
    const width = 20;
    const filled = Math.round((this.progress / 100) * width);
    const spinner = SPINNER[this.frame++ % SPINNER.length] ?? '';
    this.status.write(`\r\x1b[2K${spinner} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(this.progress).padStart(3)}% ${this.currentStep}`);
    this.progressShown = true;
  }

  private clearProgress(): void {
    if (this.progressShown && this.status.isTTY) this.status.write('\r\x1b[2K');
    this.progressShown = false;
  }
}
