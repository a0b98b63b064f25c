// No `vscode` import: the follow-up command's input parsing, unit-tested outside the extension host.
import type { GitHubRepositoryTarget } from '../../core/repo/repository-target';

/** `42`, `#42`, or a pull request URL of this repository; anything else gets a reason. */
export function parsePullRequestInput(value: string, target: GitHubRepositoryTarget): { number: number } | { problem: string } {
  const text = value.trim();
  const plain = /^#?(\d+)$/.exec(text);
  if (plain) return positive(Number(plain[1]));
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'Enter a pull request number (e.g. 42) or its URL (…/pull/42).' };
  }
  const match = /^\/([^/]+)\/([^/]+)\/pull\/(\d+)(?:\/.*)?$/.exec(url.pathname.slice(new URL(target.server.webUrl).pathname.replace(/\/+$/, '').length));
  if (!match || url.host !== new URL(target.server.webUrl).host) return { problem: 'That is not a pull request URL (…/OWNER/REPO/pull/N).' };
  if (match[1]?.toLowerCase() !== target.owner.toLowerCase() || match[2]?.toLowerCase() !== target.repo.toLowerCase()) {
    return { problem: `That pull request is in ${match[1]}/${match[2]}, but this workspace is ${target.owner}/${target.repo}.` };
  }
  return positive(Number(match[3]));
}

function positive(number: number): { number: number } | { problem: string } {
  return Number.isSafeInteger(number) && number >= 1 && number <= 2_147_483_647 ? { number } : { problem: 'A pull request number is a positive whole number.' };
}
