// Extension activation time and bundle size, measured in a real VS Code (code-server, see
// test/vscode-host). Method: the extension-host suite's first test runs in a fresh extension host,
// checks the extension is still inactive, and times `extension.activate()` with performance.now()
// inside that host. That span is what a user's first Tiny Backspace command waits for before the command
// itself runs: loading dist/extension.js plus our activate(). Each sample is a new page load, so a new
// extension host process with nothing of ours cached; the median of SAMPLES is reported.
import { statSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildExtensionTests, runExtensionHostSuite } from '../test/vscode-host/extension-host-run';
import { REPO_ROOT } from '../test/vscode-host/paths';
import { median } from './stats';

const SAMPLES = 5;

export async function benchActivation(): Promise<Record<string, number | string>> {
  // The shipped (minified) bundle is the one to measure.
  await buildExtensionTests('production');
  const bundle = path.join(REPO_ROOT, 'dist', 'extension.js');
  // Sized right after the build, before anything else can rebuild the tree.
  const bundleBytes = statSync(bundle).size;
  const bundleGzipBytes = gzipSync(readFileSync(bundle)).length;
  const runs = await runExtensionHostSuite({ grep: 'activates on demand|loads the engine on the first command', repeat: SAMPLES, log: () => undefined });
  const samples: number[] = [];
  const firstCommand: number[] = [];
  for (const run of runs) {
    const engineLoad = run.report?.measurements.first_command_ms;
    if (engineLoad !== undefined) firstCommand.push(engineLoad);
    const value = run.report?.measurements.activation_ms;
    if (run.exitCode !== 0 || value === undefined) {
      throw new Error(`an activation run failed (exit ${run.exitCode}): ${run.report?.tests.map((test) => test.error ?? '').join('\n') ?? 'no report'}`);
    }
    samples.push(value);
  }
  return {
    method: `performance.now() around extension.activate() in ${SAMPLES} fresh code-server extension hosts`,
    activation_median_ms: Number(median(samples).toFixed(1)),
    activation_min_ms: Number(Math.min(...samples).toFixed(1)),
    activation_max_ms: Number(Math.max(...samples).toFixed(1)),
    first_command_median_ms: Number(median(firstCommand).toFixed(1)),
    bundle_bytes: bundleBytes,
    bundle_gzip_bytes: bundleGzipBytes,
    engine_bundle_bytes: statSync(path.join(REPO_ROOT, 'dist', 'extension-engine.js')).size,
    target: 'activation < 50 ms; dist/extension.js < 2 MB',
  };
}
