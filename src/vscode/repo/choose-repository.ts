// Pure: which repository, remote and base branch a run uses, and what to tell the user. Fed with plain
// data read from the vscode.git API (see find-repository.ts); unit-tested in test/unit/vscode-choose-repository.test.ts.
import { TinyBackspaceError } from '../../core/errors/tiny-backspace-error';
import type { GitHubHosts } from '../../core/repo/github-hosts';
import { parseRepositoryUrl } from '../../core/repo/parse-repository-url';
import type { GitHubRepositoryTarget } from '../../core/repo/repository-target';

export interface RepositoryInfo {
  /** File-system path of the work tree's root. */
  readonly root: string;
  readonly head?: {
    readonly name?: string;
    readonly upstream?: { readonly remote: string; readonly name: string };
    readonly ahead?: number;
  };
  readonly remotes: ReadonlyArray<{ readonly name: string; readonly fetchUrl?: string; readonly pushUrl?: string }>;
}

export interface RemoteCandidate {
  readonly root: string;
  readonly remoteName: string;
  readonly target: GitHubRepositoryTarget;
  /** Upstream branch of the current branch on this remote; undefined lets the engine ask GitHub for the default branch. */
  readonly base?: string;
  /** Set when the local branch has commits the remote does not, which the agent will not see. */
  readonly unpushedWarning?: string;
}

export interface RejectedRemote {
  readonly root: string;
  readonly remoteName: string;
  readonly reason: string;
}

export interface RemoteSurvey {
  readonly candidates: readonly RemoteCandidate[];
  readonly rejected: readonly RejectedRemote[];
}

const PREFERRED_REMOTES = ['origin', 'upstream'];

function remoteRank(name: string): number {
  const index = PREFERRED_REMOTES.indexOf(name);
  return index === -1 ? PREFERRED_REMOTES.length : index;
}

export function baseBranchFor(repository: RepositoryInfo, remoteName: string): string | undefined {
  const upstream = repository.head?.upstream;
  return upstream && upstream.remote === remoteName && upstream.name.trim() !== '' ? upstream.name : undefined;
}

export function unpushedCommitsWarning(repository: RepositoryInfo, remoteName: string): string | undefined {
  const head = repository.head;
  // A local branch with no upstream: nothing on it is known to be on GitHub, so say what the agent sees.
  if (head?.name && !head.upstream) {
    return `Your branch ${head.name} has no upstream, so its commits may not be on ${remoteName}. The agent works on the repository's default branch as it is on GitHub; push the branch (git push -u ${remoteName} ${head.name}) to base the change on it.`;
  }
  const ahead = head?.ahead ?? 0;
  if (!head?.upstream || head.upstream.remote !== remoteName || ahead <= 0) return undefined;
  const commits = ahead === 1 ? '1 commit' : `${ahead} commits`;
  return `Your branch ${head.name ?? '(detached)'} has ${commits} not pushed to ${remoteName}. The agent works on ${remoteName}/${head.upstream.name} as it is on GitHub, so ${ahead === 1 ? 'that commit is' : 'those commits are'} not part of the change.`;
}

/**
 * `https://user@github.com/o/r` (and `user:secret@`) is a common remote form; the user part only names who
 * pushes. The run authenticates with its own token, so it is dropped (never kept, never shown).
 */
export function withoutUserInfo(url: string): string {
  if (!/^https?:\/\//i.test(url)) return url;
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Repositories containing `filePath` (the active editor's file) first, deepest root first; order kept otherwise. */
export function preferRepositoryOf<T extends { readonly root: string }>(candidates: readonly T[], filePath: string | undefined, separator = '/'): T[] {
  if (!filePath) return [...candidates];
  const contains = (root: string) => filePath === root || filePath.startsWith(root.endsWith(separator) ? root : `${root}${separator}`);
  const rank = (candidate: T) => (contains(candidate.root) ? -candidate.root.length : 1);
  return [...candidates].map((candidate, index) => ({ candidate, index })).sort((a, b) => rank(a.candidate) - rank(b.candidate) || a.index - b.index).map((entry) => entry.candidate);
}

/** Every remote of every repository that is on github.com or the configured Enterprise host, origin first. */
export function surveyRemotes(repositories: readonly RepositoryInfo[], hosts: GitHubHosts): RemoteSurvey {
  const candidates: RemoteCandidate[] = [];
  const rejected: RejectedRemote[] = [];
  for (const repository of repositories) {
    const remotes = [...repository.remotes].sort((a, b) => remoteRank(a.name) - remoteRank(b.name) || a.name.localeCompare(b.name));
    for (const remote of remotes) {
      const url = remote.fetchUrl ?? remote.pushUrl;
      if (!url) {
        rejected.push({ root: repository.root, remoteName: remote.name, reason: 'it has no URL' });
        continue;
      }
      try {
        const target = parseRepositoryUrl(withoutUserInfo(url), hosts);
        const base = baseBranchFor(repository, remote.name);
        const unpushedWarning = unpushedCommitsWarning(repository, remote.name);
        candidates.push({ root: repository.root, remoteName: remote.name, target, ...(base ? { base } : {}), ...(unpushedWarning ? { unpushedWarning } : {}) });
      } catch (error) {
        rejected.push({ root: repository.root, remoteName: remote.name, reason: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return { candidates, rejected };
}

/**
 * The candidate to use without asking, if the choice is clear: the only one, or (for automation that
 * cannot answer a quick pick) the first in preference order. Undefined means: ask the user.
 */
export function automaticChoice(candidates: readonly RemoteCandidate[], mayAsk: boolean): RemoteCandidate | undefined {
  if (candidates.length === 1 || !mayAsk) return candidates[0];
  return undefined;
}

export function noFolderError(): TinyBackspaceError {
  return new TinyBackspaceError('invalid_request', 'No folder is open, so there is no repository to run the prompt on.', {
    remedy: 'Open a folder that is a clone of a GitHub repository (File > Open Folder), then run the command again.',
  });
}

export function gitUnavailableError(detail: string): TinyBackspaceError {
  return new TinyBackspaceError('local_repository_invalid', `The built-in Git extension is not available: ${detail}`, {
    remedy: 'Enable it (setting "git.enabled", and the "Git" built-in extension), make sure git is installed, then reload the window.',
  });
}

export function noRepositoryError(folders: readonly string[], repositoryRoot?: string): TinyBackspaceError {
  const where = repositoryRoot ?? (folders.length === 1 ? folders[0] : `${folders.length} open folders`);
  return new TinyBackspaceError('local_repository_invalid', `No git repository was found in ${where}.`, {
    remedy: 'Open a clone of a GitHub repository, or run "git init" and add a GitHub remote named origin.',
  });
}

/** The run cannot go anywhere: explain each remote that was skipped and why. */
export function noGitHubRemoteError(repositories: readonly RepositoryInfo[], rejected: readonly RejectedRemote[]): TinyBackspaceError {
  if (rejected.length === 0) {
    const where = repositories.length === 1 ? `The repository at ${repositories[0]?.root}` : 'None of the open repositories';
    return new TinyBackspaceError('invalid_repository_url', `${where} has no remote, so there is nothing to open a pull request against.`, {
      remedy: 'Add one: git remote add origin https://github.com/OWNER/REPO.git',
    });
  }
  const reasons = rejected.map((remote) => `${remote.remoteName}: ${remote.reason}`).join(' ');
  return new TinyBackspaceError('unsupported_host', `No remote points at GitHub or the configured GitHub Enterprise host. ${reasons}`, {
    remedy: 'Tiny Backspace opens pull requests on github.com, or on the Enterprise server set in tinyBackspace.github.enterpriseUrl (or TINY_BACKSPACE_GITHUB_URL). Set it if your remote is on GitHub Enterprise.',
  });
}

/** Quick-pick text for one candidate. */
export function describeCandidate(candidate: RemoteCandidate, showRoot: boolean): { label: string; description: string; detail?: string } {
  const base = candidate.base ? `base ${candidate.base}` : 'base: default branch';
  return {
    label: `${candidate.target.owner}/${candidate.target.repo}`,
    description: `${candidate.remoteName} · ${candidate.target.server.host} · ${base}`,
    ...(showRoot ? { detail: candidate.root } : {}),
  };
}
