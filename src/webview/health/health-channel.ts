// The health view's side of the host channel: typed, validated on arrival, nothing posted before `ready`.
import { HealthHostMessageSchema, type HealthHostMessage, type HealthViewMessage } from '../../protocol/health-messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HealthChannel {
  post(message: HealthViewMessage): void;
  /** Registers the handler, then tells the host the page is ready. Invalid messages are dropped and reported. */
  listen(handler: (message: HealthHostMessage) => void, onInvalid: (problem: string) => void): void;
}

export function connectHealthChannel(): HealthChannel {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    listen(handler, onInvalid) {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const parsed = HealthHostMessageSchema.safeParse(event.data);
        if (parsed.success) handler(parsed.data);
        else onInvalid(parsed.error.issues[0]?.message ?? 'invalid message');
      });
      api.postMessage({ type: 'ready' } satisfies HealthViewMessage);
    },
  };
}
