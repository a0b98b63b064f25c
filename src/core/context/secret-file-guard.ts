import { lstat } from 'node:fs/promises';
import * as path from 'node:path';
import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { resolveRepoRelative } from '../workspace/path-guard';
import { isSecretPath } from './secret-files';

const LSTAT_BATCH = 64;

/**
 * The credential-file rule applied to where a path really leads. A tracked `docs/env.txt -> ../.env` is
 * `.env` as far as the model is concerned: read, search, list and edit treat it as that file. (A link that
 * leads out of the clone is the path guard's business: resolveReadTarget and resolveWriteTarget refuse it.)
 *
 * Checking one path costs a realpath. Filtering a listing needs to know which tracked files are symlinks:
 * that takes one lstat per base file, done once per guard (the base tree does not change during a run;
 * the change set stages content, never links) and in batches that stop when the run is cancelled.
 */
export class SecretFileGuard {
  private links: Promise<ReadonlySet<string>> | undefined;

  constructor(
    private readonly root: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** The path is a credential file by name, or resolves (through any symlink) to one. */
  async isSecret(relativePath: string): Promise<boolean> {
    if (isSecretPath(relativePath)) return true;
    const resolved = await resolveRepoRelative(this.root, relativePath);
    if (resolved === 'missing') return false; // a staged new file, or nothing: its name was checked above
    return resolved !== 'outside' && resolved !== relativePath && isSecretPath(resolved);
  }

  /** `files` without credential files, by name or by where their links lead. */
  async visible(files: readonly string[]): Promise<string[]> {
    const byName = files.filter((file) => !isSecretPath(file));
    const secretLinks = await this.secretLinks(byName);
    return secretLinks.size === 0 ? byName : byName.filter((file) => !secretLinks.has(file));
  }

  private secretLinks(files: readonly string[]): Promise<ReadonlySet<string>> {
    this.links ??= this.findSecretLinks(files);
    return this.links;
  }

  private async findSecretLinks(files: readonly string[]): Promise<ReadonlySet<string>> {
    const found = new Set<string>();
    for (let at = 0; at < files.length; at += LSTAT_BATCH) {
      if (this.signal?.aborted) {
        this.links = undefined; // never keep a half-done sweep
        throw new TinyBackspaceError('cancelled', 'The run was cancelled while checking the repository for symlinked credential files.');
      }
      await Promise.all(
        files.slice(at, at + LSTAT_BATCH).map(async (file) => {
          const stats = await lstat(path.join(this.root, ...file.split('/'))).catch(() => undefined);
          if (stats?.isSymbolicLink() && (await this.isSecret(file).catch(() => true)) /* unreadable link: withhold it */) found.add(file);
        }),
      );
    }
    return found;
  }
}
