import * as path from 'node:path';
import * as vscode from 'vscode';
import { createPipelineDeps } from '../core/engine/create-pipeline-deps';
import type { PipelineDeps } from '../core/pipeline/pipeline-deps';
import { InMemoryRunRegistry } from '../core/runs/in-memory-run-registry';
import { isTerminalEvent } from '../protocol/run-events';
import { createSecretSource, defaultGitHubProvider, githubProviderForRepoUrl, type GitHubProviderId, type ResolvedGitHubToken } from './auth/secret-resolution';
import { vscodeSecretDeps } from './auth/vscode-secret-deps';
import type { CommandContext } from './commands/command-context';
import { registerCommands } from './commands/register-commands';
import { engineConfigFromSettings, extensionSettings } from './config/settings-config';
import { vscodeSettingsReader } from './config/vscode-settings';
import { CONTEXT_KEYS, setContextKey } from './context-keys';
import type { ExtensionServices } from './extension-services';
import { directRegistrar, type HostRegistrar } from './host/host-registrar';
import { registerHealthView } from './health/register-health-view';
import { ENV_SECRET_VARIABLES, LazyLogger, outputChannelMirror } from './logging/extension-logger';
import { RunPanelManager } from './panel/run-panel-manager';
import { PersistedReviews } from './review/persisted-reviews';
import { replayReview } from './review/replay-review';
import { ReviewController } from './review/review-controller';
import { RunHistory } from './runs/run-history';
import { registerServerCommands } from './server/register-server-commands';
import { registerPromptFromEditorCommand } from './editor/prompt-code-actions';

export interface ActivatedExtension {
  /** Cancels every run (each cleans up its sandbox and temp dir), saves the history, closes the logs. */
  deactivate(): Promise<void>;
}

/**
 * Builds the extension's object graph once. Cheap on purpose: no SDK or Octokit client is constructed,
 * no secret is read and no log file is opened until a run or a command needs it.
 */
export function activateExtension(context: vscode.ExtensionContext, registrar: HostRegistrar = directRegistrar): ActivatedExtension {
  const env = process.env;
  const output = vscode.window.createOutputChannel('Tiny Backspace', { log: true });
  const logger = new LazyLogger(
    () => ({
      dir: context.logUri.fsPath,
      level: 'info',
      mirror: outputChannelMirror(output),
      knownSecrets: ENV_SECRET_VARIABLES.map((name) => env[name]),
    }),
    // The channel's own level (its gear, or "Developer: Set Log Level…"), read per line: it follows changes.
    () => output.logLevel,
  );
  const secretDeps = vscodeSecretDeps(context.secrets, logger, env, (values) => logger.addKnownSecrets(values));

  /** Deps built from the settings and secrets as they are now, so a changed setting applies to the next run. */
  const runDeps = async (provider?: GitHubProviderId, known?: ResolvedGitHubToken): Promise<PipelineDeps> => {
    const config = engineConfigFromSettings(vscodeSettingsReader(), env);
    return createPipelineDeps({
      config,
      secrets: createSecretSource(secretDeps, provider ?? defaultGitHubProvider(config), known),
      logger,
      allowLocalRepositories: false,
      env,
    });
  };

  const baseConfig = engineConfigFromSettings(vscodeSettingsReader(), env);
  const registry = new InMemoryRunRegistry(
    createPipelineDeps({ config: baseConfig, secrets: createSecretSource(secretDeps, defaultGitHubProvider(baseConfig)), logger, allowLocalRepositories: false, env }),
  );
  const services: ExtensionServices = { context, registry, pipelineDeps: () => runDeps(), logger, output, registrar };

  const history = new RunHistory(context.workspaceState, { onError: (error) => logger.warn('saving the run history failed', { reason: String(error) }) });
  const persisted = new PersistedReviews(path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'pending-reviews'));
  const reviews: ReviewController = new ReviewController({
    logger,
    panelColumn: (): vscode.ViewColumn | undefined => panels.column(),
    persisted,
    describeRun: (requestId) => {
      const run = registry.get(requestId);
      if (!run) return undefined;
      // A follow-up's saved review must replay onto its pull request (issue 15).
      const started = registry.history(requestId).find((event) => event.kind === 'run_started');
      const followUp = started?.kind === 'run_started' && started.pull_request !== undefined ? { pullRequest: started.pull_request, ...(started.address_review ? { addressReview: true } : {}) } : {};
      return { repoUrl: run.repo, prompt: run.prompt, ...followUp };
    },
    replay: (review) => replayReview(commandContext, review),
  });
  const panels: RunPanelManager = new RunPanelManager({ extensionUri: context.extensionUri, registry, history, reviews, logger }, registrar);
  const commandContext: CommandContext = { services, reviews, panels, secretDeps, runDeps, env };

  context.subscriptions.push(
    output,
    output.onDidChangeLogLevel((level) => logger.info('log level changed', { level: vscode.LogLevel[level] })),
    // Every run's events, whoever started it (the Run command or the local server), feed the panel's history.
    registry.subscribe((event) => {
      history.record(event);
      if (event.kind === 'run_started' || isTerminalEvent(event)) void setContextKey(CONTEXT_KEYS.runActive, registry.activeCount > 0);
    }),
    reviews,
    panels,
    registerCommands(commandContext),
    registerServerCommands(services, async (request) => {
      // Each server run: the token of its own repository's host, and the same review gate as the palette.
      const config = engineConfigFromSettings(vscodeSettingsReader(), env);
      const deps = await runDeps(githubProviderForRepoUrl(request.repoUrl, config));
      return { ...deps, review: extensionSettings(vscodeSettingsReader()).reviewBeforePullRequest ? reviews.gate : undefined };
    }),
    registerHealthView(services),
    registerPromptFromEditorCommand(registrar, (prompt) => panels.compose(prompt)),
  );

  // Reviews saved before a window reload come back (the panel's serializer activates the engine on reload).
  void reviews.restore().catch((error: unknown) => logger.warn('restoring saved reviews failed', { reason: String(error) }));

  return {
    async deactivate() {
      reviews.dispose();
      await registry.cancelAll('VS Code is closing the window.');
      await history.flush();
      await logger.close();
    },
  };
}
