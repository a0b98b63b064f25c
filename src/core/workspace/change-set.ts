import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { containsRedactionMarker, REDACTED } from '../security/redact';
import { writablePath } from './path-guard';

export interface FileChange {
  readonly path: string;
  /** Content at the base commit; null when the file is new. */
  readonly before: string | null;
  /** Content after the change; null when the file is deleted. */
  readonly after: string | null;
}

export type BaseReader = (relativePath: string) => Promise<string | null>;

/**
 * The agent's edits, staged in memory over the clone. Nothing touches disk until the apply step, so a
 * failed or cancelled agent leaves the checkout exactly as cloned.
 */
export class ChangeSet {
  private readonly changes = new Map<string, FileChange>();

  constructor(private readonly readBase: BaseReader) {}

  /** Current content: the staged version if there is one, else the base. */
  async read(relativePath: string): Promise<string | null> {
    const staged = this.changes.get(relativePath);
    return staged ? staged.after : this.readBase(relativePath);
  }

  async write(relativePath: string, content: string): Promise<void> {
    const normalized = writablePath(relativePath);
    const before = await this.baseOf(normalized);
    // Scrubbed text shown to a model must never come back as file content (issue 11).
    if (containsRedactionMarker(content) && !(before !== null && containsRedactionMarker(before))) {
      throw new TinyBackspaceError('edit_failed', `Refused to write "${normalized}": it would contain ${REDACTED}, the marker that replaces secrets in what the model is shown.`, {
        remedy: 'Re-read the file and write the real text, leaving the redacted part out of the change.',
      });
    }
    this.set({ path: normalized, before, after: content });
  }

  /** A renamed file keeps its content as it was, marker or not. */
  private async move(normalized: string, content: string): Promise<void> {
    this.set({ path: normalized, before: await this.baseOf(normalized), after: content });
  }

  async delete(relativePath: string): Promise<void> {
    const normalized = writablePath(relativePath);
    if ((await this.read(normalized)) === null) {
      throw new TinyBackspaceError('edit_failed', `Cannot delete "${normalized}": no such file.`);
    }
    this.set({ path: normalized, before: await this.baseOf(normalized), after: null });
  }

  async rename(from: string, to: string): Promise<void> {
    const source = writablePath(from);
    const target = writablePath(to);
    const content = await this.read(source);
    if (content === null) throw new TinyBackspaceError('edit_failed', `Cannot rename "${source}": no such file.`);
    if ((await this.read(target)) !== null) throw new TinyBackspaceError('edit_failed', `Cannot rename onto "${target}": it already exists.`);
    await this.delete(source);
    await this.move(target, content);
  }

  /** Real changes only: a file edited back to its original content is not a change. */
  list(): FileChange[] {
    return [...this.changes.values()].filter((change) => change.before !== change.after).sort((a, b) => a.path.localeCompare(b.path));
  }

  get size(): number {
    return this.list().length;
  }

  /** The staged edits as they are now, so an AI provider that fails mid-run can be undone (see `restore`). */
  snapshot(): ReadonlyMap<string, FileChange> {
    return new Map(this.changes);
  }

  /** Puts back a snapshot: every edit staged since is discarded before the next provider starts. */
  restore(snapshot: ReadonlyMap<string, FileChange>): void {
    this.changes.clear();
    for (const [key, change] of snapshot) this.changes.set(key, change);
  }

  private async baseOf(normalized: string): Promise<string | null> {
    const staged = this.changes.get(normalized);
    return staged ? staged.before : this.readBase(normalized);
  }

  private set(change: FileChange): void {
    this.changes.set(change.path, change);
  }
}

export function changeStatus(change: FileChange): 'added' | 'modified' | 'deleted' {
  if (change.before === null) return 'added';
  if (change.after === null) return 'deleted';
  return 'modified';
}
