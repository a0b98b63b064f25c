import type { Output } from '../render/renderer';

const ESC = '\u001b[';

/**
 * Draws frames in place on a terminal: the alternate screen (the user's scrollback is left alone), the
 * cursor hidden, each frame written over the last from the top-left, leftovers cleared. `restore` puts
 * the terminal back exactly as it was; call it on every exit path.
 */
export class TerminalScreen {
  private active = false;

  constructor(private readonly out: Output) {}

  enter(): void {
    if (this.active) return;
    this.active = true;
    this.out.write(`${ESC}?1049h${ESC}?25l${ESC}2J`);
  }

  draw(lines: readonly string[]): void {
    this.out.write(`${ESC}H${lines.map((line) => `${line}${ESC}K`).join('\n')}\n${ESC}J`);
  }

  restore(): void {
    if (!this.active) return;
    this.active = false;
    this.out.write(`${ESC}?25h${ESC}?1049l`);
  }
}
