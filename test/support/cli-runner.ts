import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { runProcess } from '../../src/core/process/run-process';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const CLI_PATH = path.join(REPO_ROOT, 'dist', 'cli.js');

/** The tests run the real bundle; build it when a plain `node --test` run finds none. */
export async function ensureCliBuilt(): Promise<void> {
  if (existsSync(CLI_PATH)) return;
  const result = await runProcess([process.execPath, path.join(REPO_ROOT, 'esbuild.js')], { cwd: REPO_ROOT, env: process.env });
  if (result.exitCode !== 0) throw new Error(`build failed: ${result.stderr}`);
}

export interface CliResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with exactly `env` (nothing inherited), optionally reacting to its stdout as it streams. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}
