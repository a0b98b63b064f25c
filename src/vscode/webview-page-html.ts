// Pure: the HTML shell every Tiny Backspace webview uses. No `vscode` import, so the browser tests load
// the very page, CSP included, that the extension serves.

export interface WebviewPageInput {
  /** `webview.cspSource`: the origin VS Code serves local resources from. */
  readonly cspSource: string;
  /** Fresh per page load, from `crypto`; only the script carrying it may run. */
  readonly nonce: string;
  readonly scriptUri: string;
  /** Stylesheets, in order. */
  readonly styleUris: readonly string[];
  readonly title: string;
  /** `data-testid` of the root element the page script renders into. */
  readonly rootTestId: string;
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * `default-src 'none'`: no network, no inline script or style, no eval; styles, fonts and images only
 * from the extension's own files. Everything the pages show is built with textContent.
 */
export function webviewContentSecurityPolicy(cspSource: string, nonce: string): string {
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

export function webviewPageHtml(input: WebviewPageInput): string {
  const styles = input.styleUris.map((uri) => `  <link rel="stylesheet" href="${attribute(uri)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attribute(webviewContentSecurityPolicy(input.cspSource, input.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
  <title>${attribute(input.title)}</title>
</head>
<body>
  <p id="status" class="visually-hidden" role="status" data-testid="status-line"></p>
  <main id="app" data-testid="${attribute(input.rootTestId)}">
    <p class="placeholder">Loading…</p>
  </main>
  <script nonce="${attribute(input.nonce)}" src="${attribute(input.scriptUri)}"></script>
</body>
</html>`;
}
