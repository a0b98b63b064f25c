// Pure: the health view's HTML shell. No `vscode` import, so test/browser/health-view.test.ts loads the
// very page, CSP included, that the extension serves.
import { webviewContentSecurityPolicy, webviewPageHtml } from '../webview-page-html';

export interface HealthViewHtmlInput {
  /** `webview.cspSource`: the origin VS Code serves local resources from. */
  readonly cspSource: string;
  /** Fresh per page load, from `crypto`; only the script carrying it may run. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
}

/** The panel's policy, unchanged: no network, no inline script or style, local styles only. */
export const healthViewContentSecurityPolicy = webviewContentSecurityPolicy;

export function healthViewHtml(input: HealthViewHtmlInput): string {
  return webviewPageHtml({
    cspSource: input.cspSource,
    nonce: input.nonce,
    scriptUri: input.scriptUri,
    styleUris: [input.styleUri],
    title: 'Tiny Backspace Health',
    rootTestId: 'health-root',
  });
}
