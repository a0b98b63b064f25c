import { chmod, lstat, mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { isSecretPath } from '../../context/secret-files';
import type { Sandbox } from '../../sandbox/sandbox';
import { resolveWriteTarget } from '../../workspace/path-guard';
import type { Workspace } from '../../workspace/workspace';

/** What a file was on disk before the staged version was written over it, byte for byte. */
interface Original {
  readonly path: string;
  /** null: the file did not exist. */
  readonly bytes: Buffer | string | null;
  readonly mode?: number;
}

/** Size, time, inode and mode: enough to tell that a command rewrote a file. */
type Fingerprint = string;

/** The file as committed at the base, from the trusted git directory; null when it is not there. */
export type BaseFileReader = (relativePath: string, signal: AbortSignal) => Promise<string | null>;

export interface CommandSideEffects {
  /** Tracked files the command changed or deleted that were put back to their base content. */
  readonly restored: readonly string[];
  /** Tracked files the command changed that could not be put back (binary, or no base reader). */
  readonly leftChanged: readonly string[];
}

function sameCheckout(sandbox: Sandbox, workspace: Workspace): boolean {
  return sandbox.kind === 'local' && path.resolve(sandbox.workdir) === path.resolve(workspace.root);
}

/**
 * The rule between the staged change set and the sandbox checkout where commands run:
 * - before a command, the staged edits are written into the checkout, so `npm test` tests the change;
 * - after it (also after a failure or a cancel), every file written that way gets its original bytes and
 *   mode back, so the checkout is the base tree again between commands, and the apply step, the checks
 *   and the commit see only the change set;
 * - tracked files the command itself changed (a formatter, `npm install` rewriting a lock file) are put
 *   back from the base commit and reported, never staged: the commit is built from the change set alone,
 *   and the agent's next read sees the base, not the command's rewrite;
 * - credential files (.env*, keys, ...) are taken out of the checkout while the command runs, so a
 *   command cannot print what the read tools refuse to show.
 * For the local sandbox the checkout is the host directory; for E2B it is the sandbox's own copy.
 */
export class StagedCheckout {
  constructor(
    private readonly sandbox: Sandbox,
    private readonly workspace: Workspace,
    private readonly readBase?: BaseFileReader,
  ) {}

  /** Runs `task` with the staged change written into the checkout; returns its result and what it touched. */
  async around<T>(signal: AbortSignal, task: () => Promise<T>): Promise<{ result: T; sideEffects: CommandSideEffects; hiddenCredentialFiles: number }> {
    const local = sameCheckout(this.sandbox, this.workspace);
    const originals: Original[] = [];
    try {
      for (const change of this.workspace.changes.list()) {
        originals.push(await this.writeOne(change.path, change.after, local, signal));
      }
      const credentialFiles = this.workspace.files().filter((file) => isSecretPath(file));
      for (const file of credentialFiles) originals.push(await this.writeOne(file, null, local, signal));
      const staged = new Set(originals.map((original) => original.path));
      const before = local ? await this.fingerprints(staged) : undefined;
      const result = await task();
      const after = before ? await this.fingerprints(staged) : undefined;
      const changedByCommand = before && after ? [...before.keys()].filter((file) => before.get(file) !== after.get(file)) : [];
      const sideEffects = await this.putBack(changedByCommand, signal);
      return { result, sideEffects, hiddenCredentialFiles: credentialFiles.length };
    } finally {
      await this.restore(originals, local);
    }
  }

  private async writeOne(file: string, content: string | null, local: boolean, signal: AbortSignal): Promise<Original> {
    if (!local) {
      const bytes = await this.sandbox.readFile(file, signal).catch(() => null);
      if (content === null) await this.sandbox.removeFile(file, signal);
      else await this.sandbox.writeFile(file, content, signal);
      return { path: file, bytes };
    }
    const target = await resolveWriteTarget(this.workspace.root, file);
    const stat = await lstat(target).catch(() => undefined);
    const original: Original = stat ? { path: file, bytes: await readFile(target), mode: stat.mode & 0o7777 } : { path: file, bytes: null };
    if (content === null) await rm(target, { force: true });
    else {
      // In place, so the file keeps its mode (an executable script stays executable for the command).
      await writeFileEnsuringDir(target, content);
      if (original.mode !== undefined) await chmod(target, original.mode);
    }
    return original;
  }

  private async restore(originals: readonly Original[], local: boolean): Promise<void> {
    // Not the run's signal: after a cancel the checkout must still go back to the base tree.
    const signal = AbortSignal.timeout(60_000);
    for (const original of [...originals].reverse()) {
      try {
        if (!local) {
          if (original.bytes === null) await this.sandbox.removeFile(original.path, signal);
          else await this.sandbox.writeFile(original.path, original.bytes.toString(), signal);
          continue;
        }
        // The command may have left a symlink where the file was: remove the link itself, never follow
        // it, and check the directories again, so the restore cannot write outside the checkout.
        const link = path.join(this.workspace.root, ...original.path.split('/'));
        if ((await lstat(link).catch(() => undefined))?.isSymbolicLink()) await unlink(link);
        const target = await resolveWriteTarget(this.workspace.root, original.path);
        if (original.bytes === null) await rm(target, { force: true });
        else {
          await writeFileEnsuringDir(target, original.bytes);
          if (original.mode !== undefined) await chmod(target, original.mode);
        }
      } catch {
        // A remote sandbox that is gone has nothing left to restore; a path the guard now refuses is left
        // alone (the apply step refuses it too), rather than written through a link.
      }
    }
  }

  /** Tracked files a command changed get their base content back (text only: the change set is text). */
  private async putBack(files: readonly string[], signal: AbortSignal): Promise<CommandSideEffects> {
    const restored: string[] = [];
    const leftChanged: string[] = [];
    for (const file of files) {
      const base = this.readBase ? await this.readBase(file, signal).catch(() => undefined) : undefined;
      if (base === undefined || base === null || base.includes('\0') || base.includes('\ufffd')) {
        leftChanged.push(file);
        continue;
      }
      try {
        const link = path.join(this.workspace.root, ...file.split('/'));
        const stat = await lstat(link).catch(() => undefined);
        if (stat?.isSymbolicLink() || stat?.isDirectory()) await rm(link, { recursive: true, force: true });
        await writeFileEnsuringDir(await resolveWriteTarget(this.workspace.root, file), base);
        restored.push(file);
      } catch {
        leftChanged.push(file);
      }
    }
    return { restored, leftChanged };
  }

  /** Fingerprints of the tracked files the command was not given as staged edits. */
  private async fingerprints(staged: ReadonlySet<string>): Promise<Map<string, Fingerprint>> {
    const files = this.workspace.files().filter((file) => !staged.has(file));
    const prints = new Map<string, Fingerprint>();
    const batch = 64;
    for (let start = 0; start < files.length; start += batch) {
      await Promise.all(
        files.slice(start, start + batch).map(async (file) => {
          const stat = await lstat(path.join(this.workspace.root, ...file.split('/'))).catch(() => undefined);
          prints.set(file, stat ? `${stat.size}:${stat.mtimeMs}:${stat.ino}:${stat.mode}` : 'missing');
        }),
      );
    }
    return prints;
  }
}

async function writeFileEnsuringDir(target: string, content: string | Buffer): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, content);
}
