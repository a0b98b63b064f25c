// Packages the extension as a user gets it (vsce, .vscodeignore, the production build that
// `vscode:prepublish` runs) and installs the .vsix into a fresh extensions dir with code-server's own CLI.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { NO_MARKETPLACE_ENV } from './code-server';
import { codeServerBinary, REPO_ROOT } from './paths';

const execFileAsync = promisify(execFile);

function failure(what: string, error: unknown): Error {
  const details = error as { stdout?: string; stderr?: string };
  return new Error(`${what} failed:\n${details.stdout ?? ''}\n${details.stderr ?? ''}`, { cause: error });
}

/** Runs `vsce package --no-dependencies` (the bundle carries its dependencies) into `outDir`. */
export async function packageExtension(outDir: string): Promise<string> {
  const vsix = path.join(outDir, 'tiny-backspace.vsix');
  const vsce = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
  try {
    await execFileAsync(vsce, ['package', '--no-dependencies', '--out', vsix], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    throw failure('vsce package', error);
  }
  return vsix;
}

/**
 * `code-server --install-extension X.vsix --force` into a new extensions dir under `root` (returned),
 * with a throwaway user-data dir and config so nothing of the developer's own code-server is touched.
 */
export async function installVsix(vsix: string, root: string): Promise<string> {
  const extensionsDir = path.join(root, 'x');
  const scratch = await mkdtemp(path.join(root, 'i-'));
  await mkdir(extensionsDir, { recursive: true });
  const config = path.join(scratch, 'config.yaml');
  await writeFile(config, '');
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: scratch, ...NO_MARKETPLACE_ENV };
  delete env.GITHUB_TOKEN;
  try {
    const { stdout } = await execFileAsync(
      codeServerBinary(),
      ['--config', config, '--user-data-dir', path.join(scratch, 'u'), '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'],
      { env },
    );
    if (!/successfully installed/i.test(stdout)) throw new Error(`code-server did not confirm the install:\n${stdout}`);
  } catch (error) {
    throw failure('code-server --install-extension', error);
  }
  return extensionsDir;
}
