// Pure: the panel's HTML shell. No `vscode` import, so the browser tests (test/browser/panel-*.test.ts)
// load the very page, CSP included, that the extension serves.
import { webviewContentSecurityPolicy, webviewPageHtml } from '../webview-page-html';

export interface PanelHtmlInput {
  /** `webview.cspSource`: the origin VS Code serves local resources from. */
  readonly cspSource: string;
  /** Fresh per page load, from `crypto`; only the script carrying it may run. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconUri: string;
}

export const panelContentSecurityPolicy = webviewContentSecurityPolicy;

export function panelHtml(input: PanelHtmlInput): string {
  return webviewPageHtml({
    cspSource: input.cspSource,
    nonce: input.nonce,
    scriptUri: input.scriptUri,
    styleUris: [input.codiconUri, input.styleUri],
    title: 'Tiny Backspace',
    rootTestId: 'panel-root',
  });
}
