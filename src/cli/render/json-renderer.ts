import type { RunEvent } from '../../protocol/run-events';
import type { Output, Renderer } from './renderer';

/** `--json`: one run event per line, the same objects the SSE server sends as `data:`. */
export class JsonRenderer implements Renderer {
  constructor(private readonly out: Output) {}

  render(event: RunEvent): void {
    this.out.write(`${JSON.stringify(event)}\n`);
  }

  finish(): void {}
}
