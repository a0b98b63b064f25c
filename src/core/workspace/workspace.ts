import { readFile } from 'node:fs/promises';
import { ChangeSet } from './change-set';
import { normalizeRepoPath, resolveReadTarget } from './path-guard';

/**
 * The cloned tree as the agent sees it: the tracked files at the base commit plus the staged changes.
 * Reads are confined to the clone; writes go to the change set.
 */
export class Workspace {
  readonly changes: ChangeSet;

  constructor(
    /** Host directory holding the checkout. */
    readonly root: string,
    /** Files tracked at the base commit (git ls-files), which already honours .gitignore. */
    private readonly baseFiles: readonly string[],
  ) {
    this.changes = new ChangeSet((relativePath) => this.readFromDisk(relativePath));
  }

  /** Every file as of now: base files minus deletions plus additions, sorted. */
  files(): string[] {
    const result = new Set(this.baseFiles);
    for (const change of this.changes.list()) {
      if (change.after === null) result.delete(change.path);
      else result.add(change.path);
    }
    return [...result].sort();
  }

  async read(relativePath: string): Promise<string | null> {
    return this.changes.read(normalizeRepoPath(relativePath));
  }

  private async readFromDisk(relativePath: string): Promise<string | null> {
    const target = await resolveReadTarget(this.root, relativePath);
    try {
      return await readFile(target, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EISDIR') return null;
      throw error;
    }
  }
}
