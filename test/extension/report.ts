// What the extension-host suite hands back to whoever started VS Code. The extension host's stdout is not
// reliably visible (code-server keeps it in its own logs), so run() also writes this JSON file when
// TINY_BACKSPACE_TEST_RESULTS names one. Plain types only: imported by both sides (no 'vscode' here).

export type TestState = 'passed' | 'failed' | 'pending';

export interface ExtensionTestResult {
  readonly fullTitle: string;
  readonly state: TestState;
  readonly durationMs?: number;
  /** Message and stack of a failure. */
  readonly error?: string;
}

export interface ExtensionTestReport {
  readonly tests: ExtensionTestResult[];
  /** Figures the suite measured (e.g. activation time), for the benchmark. */
  readonly measurements: Record<string, number>;
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
}

/** Env names shared by the harness and the suite. */
export const RESULTS_FILE_ENV = 'TINY_BACKSPACE_TEST_RESULTS';
export const GREP_ENV = 'TINY_BACKSPACE_TEST_GREP';
