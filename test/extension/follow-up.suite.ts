// Follow-ups from VS Code (issue 15), inside the real extension host: the Follow Up on a Pull Request
// command against the loopback GitHub stand-in (real bare repositories, pulls, review threads over
// GraphQL, replies) and, for Address Review Comments, the scripted Anthropic stand-in.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { TerminalEvent } from '../../src/protocol/run-events';
import { startAnthropicStandIn } from '../support/anthropic-stand-in';
import { FAKE_ANTHROPIC_KEY } from '../support/fake-secrets';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import type { LlmStandIn } from '../support/llm-script';
import { activated } from './extension-under-test';
import { errorMessagesShownBy } from './support/error-messages';
import { git } from './support/git';

interface StartedRun {
  readonly requestId: string;
  readonly done: Promise<TerminalEvent>;
}

const CHANGED_SETTINGS = ['github.enterpriseUrl', 'reviewBeforePullRequest', 'providers', 'sandbox'] as const;
const MODEL_VARIABLES = ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL'] as const;

async function setSetting(key: (typeof CHANGED_SETTINGS)[number], value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('tinyBackspace').update(key, value, vscode.ConfigurationTarget.Global);
}

function followUp(args: { pullRequest: number; prompt?: string; addressReview?: boolean; repositoryRoot: string }): Thenable<StartedRun | undefined> {
  return vscode.commands.executeCommand<StartedRun | undefined>('tinyBackspace.followUpPullRequest', args);
}

/** Starts a command and waits for its run's terminal event, recording the error notifications shown meanwhile. */
async function runToEnd(start: () => Thenable<StartedRun | undefined>): Promise<{ terminal: TerminalEvent; messages: string[] }> {
  const { result, messages } = await errorMessagesShownBy(async () => {
    const started = await start();
    assert.ok(started, 'the command started no run');
    return started.done;
  });
  return { terminal: result, messages };
}

export function defineFollowUpSuite(): void {
  describe('Follow Up on a Pull Request command, against the GitHub stand-in', function () {
    let scratch: string;
    let standIn: GitHubStandIn;
    let anthropic: LlmStandIn;
    let clone: string;
    const saved = new Map<string, string | undefined>();

    /** Commits on the stand-in's bare repository between two revisions. */
    async function commitsBetween(from: string, to: string): Promise<string[]> {
      const out = await git(scratch, ['--git-dir', path.join(standIn.root, 'repos', 'octo', 'tended.git'), 'rev-list', `${from}..${to}`]);
      return out.split('\n').filter(Boolean);
    }

    function pushes(since: number): string[] {
      return standIn.requests.slice(since).filter((request) => request.path.includes('git-receive-pack')).map((request) => `${request.method} ${request.path}`);
    }

    before(async () => {
      await activated();
      for (const name of MODEL_VARIABLES) saved.set(name, process.env[name]);
      scratch = await mkdtemp(path.join(tmpdir(), 'tb-ext-follow-'));
      process.env.GITHUB_PAT ||= `ghs_test_${randomBytes(20).toString('hex')}`;
      standIn = await startGitHubStandIn({ token: process.env.GITHUB_PAT });
      anthropic = await startAnthropicStandIn({ apiKey: FAKE_ANTHROPIC_KEY });
      await standIn.createRepo('octo', 'tended', { files: { 'README.md': 'Hello world\n', 'src/greet.js': 'export function greet(name) {\n  return "Hello " + name;\n}\n', 'src/util.js': 'export const add = (a, b) => a + b;\n' } });
      clone = path.join(scratch, 'tended');
      await git(scratch, ['clone', '-q', `${standIn.url}/octo/tended.git`, clone]);
      await setSetting('github.enterpriseUrl', standIn.url);
      await setSetting('reviewBeforePullRequest', false);
      await setSetting('providers', ['offline']);
      await setSetting('sandbox', 'local');
    });

    after(async () => {
      for (const key of CHANGED_SETTINGS) await setSetting(key, undefined);
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await Promise.all([standIn?.close(), anthropic?.close()]);
      await rm(scratch, { recursive: true, force: true });
    });

    it('a follow-up prompt on the PR a run opened adds exactly one commit to its branch: no new PR, base untouched', async () => {
      // The PR, opened the normal way first.
      const opened = await runToEnd(() => vscode.commands.executeCommand<StartedRun | undefined>('tinyBackspace.runPrompt', { prompt: 'replace "Hello" with "Howdy" in README.md', repositoryRoot: clone }));
      assert.equal(opened.terminal.kind, 'completed', JSON.stringify(opened.terminal));
      const [pull] = standIn.pulls('octo', 'tended');
      assert.ok(pull, 'the first run opened no pull request');
      const headBefore = (await standIn.branchSha('octo', 'tended', pull.head)) ?? '';
      const baseBefore = await standIn.branchSha('octo', 'tended', 'main');
      const branchesBefore = await standIn.branches('octo', 'tended');

      const { terminal, messages } = await runToEnd(() => followUp({ pullRequest: pull.number, prompt: 'append "Second line" to README.md', repositoryRoot: clone }));
      assert.deepEqual(messages, []);
      assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
      if (terminal.kind !== 'completed') return;
      assert.equal(terminal.pr_number, pull.number);
      assert.equal(terminal.pr_url, pull.htmlUrl);

      const headAfter = (await standIn.branchSha('octo', 'tended', pull.head)) ?? '';
      assert.deepEqual(await commitsBetween(headBefore, headAfter), [headAfter], 'not exactly one new commit on the PR branch');
      assert.equal(terminal.commit_sha, headAfter, 'the completed event names the commit it added');
      assert.match(terminal.message, new RegExp(`^Added ${headAfter.slice(0, 12)} to pull request #${pull.number}`));
      assert.equal(standIn.pulls('octo', 'tended').length, 1, 'a new pull request was opened');
      assert.equal(await standIn.branchSha('octo', 'tended', 'main'), baseBefore, 'the base branch moved');
      assert.deepEqual(await standIn.branches('octo', 'tended'), branchesBefore, 'a branch was added or removed');
      assert.equal((await standIn.readBranchFiles('octo', 'tended', pull.head))['README.md'], 'Howdy world\nSecond line\n');
    });

    it('Address Review Comments turns two unresolved threads into one commit and two replies', async () => {
      process.env.ANTHROPIC_API_KEY = FAKE_ANTHROPIC_KEY;
      process.env.ANTHROPIC_BASE_URL = anthropic.url;
      await setSetting('providers', ['anthropic']);
      try {
        const headBefore = await standIn.commitFiles('octo', 'tended', 'review-me', { 'NOTES.md': 'notes\n' }, { from: 'main' });
        const number = await standIn.openPull('octo', 'tended', { head: 'review-me', title: 'Add notes' });
        const first = await standIn.addReviewThread('octo', 'tended', number, { path: 'src/greet.js', line: 2, body: 'Please use a template literal here.' });
        const second = await standIn.addReviewThread('octo', 'tended', number, { path: 'src/util.js', line: 1, body: 'Name the parameters left and right.' });
        const pullsBefore = standIn.pulls('octo', 'tended').length;
        anthropic.push(
          { kind: 'tool_calls', calls: [{ name: 'edit_file', input: { path: 'src/greet.js', old_str: '  return "Hello " + name;', new_str: '  return `Hello ${name}`;' } }] },
          { kind: 'tool_calls', calls: [{ name: 'edit_file', input: { path: 'src/util.js', old_str: 'export const add = (a, b) => a + b;', new_str: 'export const add = (left, right) => left + right;' } }] },
          { kind: 'tool_calls', calls: [{ name: 'finish', input: { summary: 'T1: template literal. T2: renamed the parameters.' } }] },
        );

        const { terminal, messages } = await runToEnd(() => followUp({ pullRequest: number, addressReview: true, repositoryRoot: clone }));
        assert.deepEqual(messages, []);
        assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
        const headAfter = (await standIn.branchSha('octo', 'tended', 'review-me')) ?? '';
        assert.deepEqual(await commitsBetween(headBefore, headAfter), [headAfter], 'not exactly one new commit');
        assert.equal(standIn.pulls('octo', 'tended').length, pullsBefore, 'a new pull request was opened');
        const threads = standIn.reviewThreads('octo', 'tended', number);
        for (const id of [first, second]) {
          const replies = threads.find((thread) => thread.comments[0]?.id === id)?.comments.slice(1) ?? [];
          assert.equal(replies.length, 1, `thread ${id} got ${replies.length} replies`);
          assert.match(replies[0]?.body ?? '', new RegExp(`^Addressed in ${headAfter}`));
        }
        const files = await standIn.readBranchFiles('octo', 'tended', 'review-me');
        assert.match(files['src/greet.js'] ?? '', /`Hello \$\{name\}`/);
        assert.match(files['src/util.js'] ?? '', /\(left, right\)/);
      } finally {
        await setSetting('providers', ['offline']);
      }
    });

    it('a closed pull request ends with a clear error and nothing is pushed', async () => {
      await standIn.commitFiles('octo', 'tended', 'abandoned', { 'OLD.md': 'old\n' }, { from: 'main' });
      const number = await standIn.openPull('octo', 'tended', { head: 'abandoned', title: 'Abandoned' });
      standIn.setPullState('octo', 'tended', number, 'closed');
      const headBefore = await standIn.branchSha('octo', 'tended', 'abandoned');
      const branchesBefore = await standIn.branches('octo', 'tended');
      const since = standIn.requests.length;

      const { terminal, messages } = await runToEnd(() => followUp({ pullRequest: number, prompt: 'append "more" to OLD.md', repositoryRoot: clone }));
      assert.equal(terminal.kind, 'failed', JSON.stringify(terminal));
      if (terminal.kind !== 'failed') return;
      assert.equal(terminal.error.code, 'pull_request_not_open');
      // What the user reads in the outcome notification: which PR, why, and what to do.
      assert.equal(messages.length, 1, JSON.stringify(messages));
      assert.match(messages[0] ?? '', new RegExp(`Pull request .*#${number} is closed, so a follow-up cannot add commits to it`));
      assert.match(messages[0] ?? '', /Reopen the pull request on GitHub/);
      assert.deepEqual(pushes(since), [], 'something was pushed');
      assert.equal(await standIn.branchSha('octo', 'tended', 'abandoned'), headBefore);
      assert.deepEqual(await standIn.branches('octo', 'tended'), branchesBefore);
    });

    it('refuses a number that is no pull request of the repository, before any run starts', async () => {
      const { result, messages } = await errorMessagesShownBy(() => followUp({ pullRequest: 0, prompt: 'append "x" to README.md', repositoryRoot: clone }));
      assert.equal(result, undefined);
      assert.deepEqual(messages, ['Tiny Backspace: A pull request number is a positive whole number.']);
    });
  });
}
