import { SecretFileGuard } from '../../context/secret-file-guard';
import { SECRET_FILE_REFUSAL } from '../../context/secret-files';
import { redactSecrets } from '../../security/redact';
import { normalizeRepoPath, resolveWriteTarget, writablePath } from '../../workspace/path-guard';
import type { AgentContext } from '../agent';
import { toolEvent, type ToolFields } from '../agent-events';
import { filesInScope } from '../../workspace/glob';
import { ToolRefusal } from './tool-outcome';

/**
 * What every tool shares: the run's context, the path policy (reads and writes), the scrubber and the one
 * tool-event builder. A tool file holds only what its tool does.
 */
export class ToolEnv {
  /** Whether the baseline checks are done with the checkout (commands wait for them until then). */
  baselineDone: boolean;
  /** Credential files by name and by where symlinks lead (issue 11): a link to .env is .env. */
  private readonly secretFiles: SecretFileGuard;

  constructor(
    readonly context: AgentContext,
    /** Key and token values to scrub from anything sent back to the model. */
    private readonly knownSecrets: readonly string[] = [],
  ) {
    this.secretFiles = new SecretFileGuard(context.workspace.root, context.signal);
    this.baselineDone = context.baselineSettled === undefined;
    void context.baselineSettled?.then(
      () => (this.baselineDone = true),
      () => (this.baselineDone = true),
    );
  }

  get workspace(): AgentContext['workspace'] {
    return this.context.workspace;
  }

  /** Known secrets and credential-shaped values replaced, before the model or an event sees the text. */
  scrub(text: string): string {
    return redactSecrets(text, this.knownSecrets);
  }

  /** The one builder of `Tool: …` events (texts shortened there); scrubbed here. */
  event(fields: ToolFields): void {
    const scrubbed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) scrubbed[key] = typeof value === 'string' ? this.scrub(value) : value;
    toolEvent(this.context, scrubbed as unknown as ToolFields);
  }

  /** Files the agent may see: tracked (or staged) files minus credential files, optionally in a scope. */
  async visibleFiles(scope?: string): Promise<string[]> {
    const files = await this.secretFiles.visible(this.workspace.files());
    return scope && scope.trim() !== '' && scope.trim() !== '.' ? filesInScope(files, scope.trim()) : files;
  }

  async readablePath(raw: string): Promise<string> {
    const normalized = normalizeRepoPath(raw);
    if (await this.secretFiles.isSecret(normalized)) throw new ToolRefusal(`${normalized}: ${SECRET_FILE_REFUSAL}.`);
    return normalized;
  }

  /**
   * Only tracked (or newly staged) files are read or edited: that honours .gitignore even for files a
   * sandboxed command generated in the work tree (build output, node_modules, caches).
   */
  requireTracked(filePath: string): void {
    if (!this.workspace.files().includes(filePath)) {
      throw new ToolRefusal(`${filePath} is not a file of the repository (it does not exist, or it is ignored by .gitignore or generated). Use list_files or search to find the right path.`);
    }
  }

  /** A tracked text file's current content (staged edits included), or a refusal the model can act on. */
  async readText(filePath: string): Promise<string> {
    this.requireTracked(filePath);
    const content = await this.workspace.read(filePath);
    if (content === null) throw new ToolRefusal(`${filePath} does not exist. Use list_files or search to find the right path.`);
    if (content.includes('\0')) throw new ToolRefusal(`${filePath} is a binary file.`);
    return content;
  }

  /** The write checks, before anything is staged: path rules, credential files, and symlinks on disk. */
  async writableTarget(raw: string): Promise<string> {
    const normalized = writablePath(raw);
    await resolveWriteTarget(this.workspace.root, normalized);
    if (await this.secretFiles.isSecret(normalized)) throw new ToolRefusal(`${normalized}: ${SECRET_FILE_REFUSAL}.`);
    return normalized;
  }
}
