import type { PipelineDeps } from '../../core/pipeline/pipeline-deps';
import type { GitHubProviderId, ResolvedGitHubToken, SecretResolverDeps } from '../auth/secret-resolution';
import type { ExtensionServices } from '../extension-services';
import type { RunPanelManager } from '../panel/run-panel-manager';
import type { ReviewController } from '../review/review-controller';

/** What the commands share; built once in activate.ts. */
export interface CommandContext {
  readonly services: ExtensionServices;
  readonly reviews: ReviewController;
  readonly panels: RunPanelManager;
  readonly secretDeps: SecretResolverDeps;
  /** Fresh deps for one run: the GitHub token from this provider's session, or the one already resolved. */
  readonly runDeps: (provider: GitHubProviderId, known?: ResolvedGitHubToken) => Promise<PipelineDeps>;
  readonly env: NodeJS.ProcessEnv;
}
