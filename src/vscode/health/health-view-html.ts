// Pure: the health view's HTML shell. No `vscode` import, so test/browser/health-view.test.ts loads the
// very page, CSP included, that the extension serves.
import { panelContentSecurityPolicy } from '../panel/panel-html';

export interface HealthViewHtmlInput {
  /** `webview.cspSource`: the origin VS Code serves local resources from. */
  readonly cspSource: string;
  /** Fresh per page load, from `crypto`; only the script carrying it may run. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The panel's policy, unchanged: no network, no inline script or style, local styles only. */
export function healthViewContentSecurityPolicy(cspSource: string, nonce: string): string {
  return panelContentSecurityPolicy(cspSource, nonce);
}

export function healthViewHtml(input: HealthViewHtmlInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attribute(healthViewContentSecurityPolicy(input.cspSource, input.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${attribute(input.styleUri)}">
  <title>Tiny Backspace Health</title>
</head>
<body>
  <main id="app" data-testid="health-root" aria-live="polite">
    <p class="placeholder">Loading…</p>
  </main>
  <script nonce="${attribute(input.nonce)}" src="${attribute(input.scriptUri)}"></script>
</body>
</html>`;
}
