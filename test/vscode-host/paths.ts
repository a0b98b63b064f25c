// Where the pieces of the VS Code test host live. Everything can be overridden by env so a developer with a
// desktop VS Code, a different cache or another chromium can point the harness at them.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { chromiumBinary } from '../support/chromium';

export const CODE_SERVER_VERSION = '4.100.3';

/** The repository root (this file is test/vscode-host/paths.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Same cache layout as .ci/install-code-server.sh. */
export function codeServerBinary(): string {
  const override = process.env.TINY_BACKSPACE_CODE_SERVER;
  if (override !== undefined && override !== '') return override;
  const cacheRoot = process.env.TINY_BACKSPACE_CACHE || path.join(homedir(), '.cache', 'tiny-backspace');
  return path.join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
}

/** Debian's chromium; playwright-core drives it but never downloads a browser of its own. */
/** Fails early with the one command that fixes a missing install, instead of a spawn ENOENT later. */
export function assertHostInstalled(): void {
  const missing = [codeServerBinary(), chromiumBinary()].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`Not installed: ${missing.join(', ')}. Run: bash .ci/install-code-server.sh`);
  }
}

export const EXTENSION_TESTS_BUNDLE = path.join(REPO_ROOT, 'out', 'test', 'extension', 'index.js');
