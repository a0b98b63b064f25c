/**
 * Recognises a test run that checked nothing, from the summaries test runners print. A change that
 * deletes or disables every test then reads as "skipped", not "passed", and a baseline that passed
 * makes that a regression. Patterns are anchored to the runners' own summary lines, so ordinary output
 * mentioning "0 tests" does not match. Returns what was recognised, for the check's detail.
 */
/** Jest and Vitest say so, and name the exit code they chose (1, or 0 with --passWithNoTests). */
const EXITING = /^No tests? (?:files )?found, exiting with code (\d+)/m;
/** node --test (TAP and spec reporters): "# tests 0" / "ℹ tests 0". */
const NODE_NONE = /^(?:#|ℹ) tests 0\s*$/m;

/** Mocha prints "0 passing" and no "failing" / "pending" line when it finds nothing. */
const MOCHA_NONE = /^\s*0 passing\b/m;
const MOCHA_OTHER = /^\s*\d+ (?:failing|pending)\b/m;
/** cargo test: every "running N tests" line says 0. */
const CARGO_RUNNING = /^running (\d+) tests?$/gm;
/** go test: every package line is "[no test files]" and none is "ok" / "FAIL". */
const GO_NO_FILES = /\[no test files\]\s*$/m;
const GO_RESULT = /^(?:ok|FAIL|---)\s/m;

/**
 * Node 20's runner reports a test file that declares no tests as one passing test named by the file's
 * absolute path. When every top-level TAP result is such a file, nothing was tested.
 */
function nodeFilesWithoutTests(output: string): boolean {
  if (!/^TAP version \d+$/m.test(output)) return false;
  const results = [...output.matchAll(/^(?:not )?ok \d+ - (.*)$/gm)].map((match) => match[1] ?? '');
  return results.length > 0 && results.every((name) => /^\/\S*\.[cm]?[jt]sx?$/.test(name.trim()));
}

/** Only for a run that reported success (or the runner's own "no tests" exit code): a failure stays a failure. */
export function noTestsCollected(output: string, exitCode: number): string | undefined {
  const exiting = EXITING.exec(output);
  if (exiting && Number(exiting[1]) === exitCode) return /files/.test(exiting[0]) ? 'the test runner found no test files' : 'the test runner found no tests';
  if (exitCode !== 0) return undefined;
  if (NODE_NONE.test(output)) return 'node --test ran 0 tests';
  if (nodeFilesWithoutTests(output)) return 'node --test found test files but no tests in them';
  const nodePassed = /^(?:#|ℹ) pass (\d+)\s*$/m.exec(output);
  const nodeSkipped = /^(?:#|ℹ) skipped (\d+)\s*$/m.exec(output);
  if (nodePassed?.[1] === '0' && nodeSkipped && Number(nodeSkipped[1]) > 0) return `node --test skipped all ${nodeSkipped[1]} test(s)`;
  if (MOCHA_NONE.test(output) && !MOCHA_OTHER.test(output)) return 'Mocha ran 0 tests';
  const cargo = [...output.matchAll(CARGO_RUNNING)].map((match) => Number(match[1]));
  if (cargo.length > 0 && cargo.every((count) => count === 0)) return 'cargo test ran 0 tests';
  if (GO_NO_FILES.test(output) && !GO_RESULT.test(output)) return 'go test found no test files';
  return undefined;
}
