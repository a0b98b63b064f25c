// The webview's side of the host channel: typed, validated on arrival, nothing posted before `ready`.
import { parseHostToPanelMessage, type HostToPanelMessage, type PanelToHostMessage } from '../../protocol/webview-messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostChannel {
  post(message: PanelToHostMessage): void;
  /** Registers the handler and tells the host the page is ready. Invalid messages are dropped and reported. */
  listen(handler: (message: HostToPanelMessage) => void, onInvalid?: (problem: string) => void): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export function connectToHost(): HostChannel {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    listen(handler, onInvalid) {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const parsed = parseHostToPanelMessage(event.data);
        if (parsed.ok) handler(parsed.message);
        else onInvalid?.(parsed.error);
      });
      api.postMessage({ type: 'ready' } satisfies PanelToHostMessage);
    },
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}
