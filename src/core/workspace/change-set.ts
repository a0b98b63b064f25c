import { TinyBackspaceError } from '../errors/tiny-backspace-error';
import { containsRedactionMarker, REDACTED } from '../security/redact';
import { writablePath } from './path-guard';

/** The file modes git records for a blob: plain, executable, symbolic link. */
export type FileMode = '100644' | '100755' | '120000';

export interface FileChange {
  readonly path: string;
  /** Content at the base commit; null when the file is new. A placeholder when `binary`. */
  readonly before: string | null;
  /** Content after the change; null when the file is deleted. A placeholder when `binary`. */
  readonly after: string | null;
  /** Git mode after the change: kept from the base file (or the source of a rename). Default 100644. */
  readonly mode?: FileMode;
  /**
   * The new content is exactly this blob of the base commit (a rename of an unedited file), so the commit
   * takes it by id and its bytes are never decoded.
   */
  readonly blob?: string;
  /** Not text: before/after only describe it; it can be renamed or deleted, never edited. */
  readonly binary?: boolean;
}

/** A tracked file at the base commit, as the change set needs to see it. */
export interface BaseFile {
  /** Decoded content, or undefined when the bytes are not UTF-8 text (binary files are never decoded). */
  readonly text: string | undefined;
  /**
   * A binary file's bytes as lossy UTF-8 (with U+FFFD), only so that code scanning every file (search,
   * context ranking) keeps working; it is never written back, since a binary file cannot be edited.
   */
  readonly lossy?: string;
  readonly mode: FileMode;
  /** Known for every file of a real clone (from `git ls-tree`). */
  readonly blob?: string;
  readonly size: number;
}

/** What the change set knows of the base tree: file contents and modes, and the committed symlinks. */
export interface BaseTree {
  read(relativePath: string): Promise<BaseFile | null>;
  /** Why a write to this path cannot reach the commit faithfully (a symlinked or file ancestor), else undefined. */
  refusesWrite(relativePath: string): Promise<string | undefined>;
}

export function binaryPlaceholder(size: number): string {
  return `[binary file, ${size} bytes]`;
}

function refuse(message: string, remedy: string): never {
  throw new TinyBackspaceError('edit_failed', message, { remedy });
}

/**
 * The agent's edits, staged in memory over the base commit. Nothing touches disk: the commit and the
 * "after" checks are both built from this set, so they always agree.
 */
export class ChangeSet {
  private readonly changes = new Map<string, FileChange>();

  constructor(private readonly base: BaseTree) {}

  /** Current text: the staged version if there is one, else the base; null when there is no such file. Binary files read as a lossy preview. */
  async read(relativePath: string): Promise<string | null> {
    const staged = this.changes.get(relativePath);
    if (staged) return staged.after;
    const file = await this.base.read(relativePath);
    if (file === null) return null;
    return file.text ?? file.lossy ?? binaryPlaceholder(file.size);
  }

  async write(relativePath: string, content: string): Promise<void> {
    const normalized = writablePath(relativePath);
    const staged = this.changes.get(normalized);
    const base = await this.base.read(normalized);
    // A file deleted earlier in this run and written again is a new file; otherwise the current one.
    const current = staged ? (staged.after === null ? undefined : staged) : base ? this.unchanged(normalized, base) : undefined;
    if (current?.binary) refuse(`Refused to write "${normalized}": it is a binary file.`, 'Binary files can be renamed or deleted, not edited.');
    if (current?.mode === '120000') refuse(`Refused to write "${normalized}": it is a symbolic link in the repository.`, 'Edit the file the link points to instead.');
    const why = await this.base.refusesWrite(normalized);
    if (why !== undefined) refuse(`Refused to write "${normalized}": ${why}.`, 'Write to the real path instead of through the link.');
    const before = staged ? staged.before : base ? this.describe(base) : null;
    // Scrubbed text shown to a model must never come back as file content (issue 11).
    if (containsRedactionMarker(content) && !(before !== null && containsRedactionMarker(before))) {
      throw new TinyBackspaceError('edit_failed', `Refused to write "${normalized}": it would contain ${REDACTED}, the marker that replaces secrets in what the model is shown.`, {
        remedy: 'Re-read the file and write the real text, leaving the redacted part out of the change.',
      });
    }
    // The mode survives every edit: an executable script stays executable.
    this.set({ path: normalized, before, after: content, ...(current?.mode ? { mode: current.mode } : {}) });
  }

  /** A renamed file keeps its content as it was, marker or not. */
  async delete(relativePath: string): Promise<void> {
    const normalized = writablePath(relativePath);
    const current = await this.current(normalized);
    if (current === undefined || current.after === null) {
      throw new TinyBackspaceError('edit_failed', `Cannot delete "${normalized}": no such file.`);
    }
    const staged = this.changes.get(normalized);
    const base = await this.base.read(normalized);
    this.set({ path: normalized, before: staged ? staged.before : base ? this.describe(base) : null, after: null, ...(base?.text === undefined && base ? { binary: true } : {}) });
  }

  /** Moves a file with its exact bytes and mode: an unedited file keeps its blob, so nothing is decoded. */
  async rename(from: string, to: string): Promise<void> {
    const source = writablePath(from);
    const target = writablePath(to);
    const moving = await this.current(source);
    if (moving === undefined || moving.after === null) throw new TinyBackspaceError('edit_failed', `Cannot rename "${source}": no such file.`);
    const occupied = await this.current(target);
    if (occupied !== undefined && occupied.after !== null) throw new TinyBackspaceError('edit_failed', `Cannot rename onto "${target}": it already exists.`);
    if (moving.binary && moving.blob === undefined) refuse(`Cannot rename "${source}": its bytes are not known to the change set.`, 'Rename text files only here.');
    const why = await this.base.refusesWrite(target);
    if (why !== undefined) refuse(`Refused to rename onto "${target}": ${why}.`, 'Rename to the real path instead of through the link.');
    await this.delete(source);
    const targetBase = await this.base.read(target);
    this.set({
      path: target,
      before: this.changes.get(target)?.before ?? (targetBase ? this.describe(targetBase) : null),
      after: moving.after,
      ...(moving.mode ? { mode: moving.mode } : {}),
      ...(moving.blob ? { blob: moving.blob } : {}),
      ...(moving.binary ? { binary: true } : {}),
    });
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

  /** The file as it stands now (staged or base), as a change record; undefined when it never existed. */
  private async current(normalized: string): Promise<FileChange | undefined> {
    const staged = this.changes.get(normalized);
    if (staged) return staged;
    const base = await this.base.read(normalized);
    return base ? this.unchanged(normalized, base) : undefined;
  }

  private unchanged(normalized: string, base: BaseFile): FileChange {
    const text = this.describe(base);
    return { path: normalized, before: text, after: text, mode: base.mode, ...(base.blob ? { blob: base.blob } : {}), ...(base.text === undefined ? { binary: true } : {}) };
  }

  private describe(base: BaseFile): string {
    return base.text ?? binaryPlaceholder(base.size);
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
