import type { RunEvent } from '../../protocol/run-events';

export interface Renderer {
  render(event: RunEvent): void;
  /** Called once after the stream ends (clears any progress line). */
  finish(): void;
}

export interface Output {
  write(text: string): void;
  readonly isTTY?: boolean;
  readonly columns?: number;
}
