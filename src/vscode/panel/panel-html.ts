// Pure: the panel's HTML shell. No `vscode` import, so the browser tests (test/browser/panel-*.test.ts)
// load the very page, CSP included, that the extension serves.

export interface PanelHtmlInput {
  /** `webview.cspSource`: the origin VS Code serves local resources from. */
  readonly cspSource: string;
  /** Fresh per page load, from `crypto`; only the script carrying it may run. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconUri: string;
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * `default-src 'none'`: no network, no inline script or style, no eval; styles, fonts and images only
 * from the extension's own files. Everything the page shows is built with textContent.
 */
export function panelContentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function panelHtml(input: PanelHtmlInput): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attribute(panelContentSecurityPolicy(input.cspSource, input.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${attribute(input.codiconUri)}">
  <link rel="stylesheet" href="${attribute(input.styleUri)}">
  <title>Tiny Backspace</title>
</head>
<body>
  <main id="app" data-testid="panel-root" aria-live="polite">
    <p class="placeholder">Loading…</p>
  </main>
  <script nonce="${attribute(input.nonce)}" src="${attribute(input.scriptUri)}"></script>
</body>
</html>`;
}
