import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GitHubHosts } from '../../core/repo/github-hosts';
import {
  automaticChoice,
  describeCandidate,
  gitUnavailableError,
  noFolderError,
  noGitHubRemoteError,
  noRepositoryError,
  preferRepositoryOf,
  surveyRemotes,
  type RemoteCandidate,
  type RepositoryInfo,
} from './choose-repository';
import type { GitApi, GitExtension, GitRepository } from './git-extension-api';

export interface FindRepositoryOptions {
  readonly hosts: GitHubHosts;
  /** Use this work tree (the Run command's test hook) instead of the open folders; never asks. */
  readonly repositoryRoot?: string;
  /** A repository (its GitHub web URL) to take without asking when it is among the candidates: Re-run. */
  readonly preferRepoUrl?: string;
}

function sameRepoUrl(a: string, b: string): boolean {
  const normal = (url: string) => url.trim().replace(/\.git$/, '').replace(/\/+$/, '').toLowerCase();
  return normal(a) === normal(b);
}

/** The git extension reports its state shortly after start; a fresh window can need a few seconds. */
const GIT_READY_TIMEOUT_MS = 10_000;
/** Repositories are discovered after the API is initialized; give a just-opened folder a moment. */
const REPOSITORY_DISCOVERY_TIMEOUT_MS = 3_000;

function waitFor<T>(event: vscode.Event<T>, done: () => boolean, timeoutMs: number): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    };
    const timer = setTimeout(finish, timeoutMs);
    const subscription = event(() => {
      if (done()) finish();
    });
  });
}

async function gitApi(): Promise<GitApi> {
  const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!extension) throw gitUnavailableError('it is not installed in this VS Code.');
  const exports = extension.isActive ? extension.exports : await extension.activate();
  if (!exports.enabled) throw gitUnavailableError('it is disabled (setting "git.enabled" is false).');
  const api = exports.getAPI(1);
  await waitFor(api.onDidChangeState, () => api.state === 'initialized', GIT_READY_TIMEOUT_MS);
  return api;
}

function samePath(a: string, b: string): boolean {
  const left = path.resolve(a);
  const right = path.resolve(b);
  return process.platform === 'win32' || process.platform === 'darwin' ? left.toLowerCase() === right.toLowerCase() : left === right;
}

async function repositoriesToSurvey(api: GitApi, options: FindRepositoryOptions): Promise<readonly GitRepository[]> {
  if (options.repositoryRoot !== undefined) {
    const root = options.repositoryRoot;
    const known = api.repositories.find((repository) => samePath(repository.rootUri.fsPath, root));
    const opened = known ?? (await api.openRepository(vscode.Uri.file(root)));
    if (!opened) throw noRepositoryError([], root);
    return [opened];
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) throw noFolderError();
  await waitFor(api.onDidOpenRepository, () => api.repositories.length > 0, REPOSITORY_DISCOVERY_TIMEOUT_MS);
  if (api.repositories.length === 0) throw noRepositoryError(folders.map((folder) => folder.uri.fsPath));
  return api.repositories;
}

/**
 * A repository the git extension has only just opened reports no HEAD and no remotes until its first
 * status run; refresh those before reading them, or a fresh window says "no remote".
 */
async function loadState(repository: GitRepository): Promise<GitRepository> {
  if (repository.state.HEAD !== undefined && repository.state.remotes.length > 0) return repository;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([repository.status().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, REPOSITORY_DISCOVERY_TIMEOUT_MS)))]);
  clearTimeout(timer);
  return repository;
}

function toInfo(repository: GitRepository): RepositoryInfo {
  const head = repository.state.HEAD;
  return {
    root: repository.rootUri.fsPath,
    ...(head
      ? {
          head: {
            ...(head.name ? { name: head.name } : {}),
            ...(head.upstream ? { upstream: { remote: head.upstream.remote, name: head.upstream.name } } : {}),
            ...(head.ahead !== undefined ? { ahead: head.ahead } : {}),
          },
        }
      : {}),
    remotes: repository.state.remotes.map((remote) => ({
      name: remote.name,
      ...(remote.fetchUrl ? { fetchUrl: remote.fetchUrl } : {}),
      ...(remote.pushUrl ? { pushUrl: remote.pushUrl } : {}),
    })),
  };
}

/**
 * The GitHub repository (and base branch) to run on, from the built-in Git extension. Throws a
 * TinyBackspaceError with a remedy for every dead end; resolves undefined when the user dismisses the pick.
 */
export async function findRepository(options: FindRepositoryOptions): Promise<RemoteCandidate | undefined> {
  const api = await gitApi();
  const repositories = (await Promise.all((await repositoriesToSurvey(api, options)).map(loadState))).map(toInfo);
  const survey = surveyRemotes(repositories, options.hosts);
  const rejected = survey.rejected;
  // The repository of the file being edited goes first (and is the one taken when no one can be asked).
  const activeFile = vscode.window.activeTextEditor?.document.uri;
  const candidates = preferRepositoryOf(survey.candidates, activeFile?.scheme === 'file' ? activeFile.fsPath : undefined, path.sep);
  if (candidates.length === 0) throw noGitHubRemoteError(repositories, rejected);
  const preferred = options.preferRepoUrl ? candidates.find((candidate) => sameRepoUrl(candidate.target.htmlUrl, options.preferRepoUrl ?? '')) : undefined;
  if (preferred) return preferred;
  const automatic = automaticChoice(candidates, options.repositoryRoot === undefined);
  if (automatic) return automatic;
  const showRoot = new Set(candidates.map((candidate) => candidate.root)).size > 1;
  const items = candidates.map((candidate) => ({ ...describeCandidate(candidate, showRoot), candidate }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Tiny Backspace: which repository?',
    placeHolder: 'The pull request goes to this GitHub repository (origin is listed first)',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.candidate;
}
