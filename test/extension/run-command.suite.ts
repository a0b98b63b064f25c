import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { TerminalEvent } from '../../src/protocol/run-events';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { performance } from 'node:perf_hooks';
import { activated } from './extension-under-test';
import { recordMeasurement } from './measurements';
import { errorMessagesShownBy } from './support/error-messages';
import { git } from './support/git';

/** What `tinyBackspace.runPrompt` resolves to with its test arguments (see run-prompt-command.ts). */
interface RunPromptResult {
  readonly requestId: string;
  readonly done: Promise<TerminalEvent>;
}

const PROMPT = 'replace "Hello" with "Howdy" in README.md';

/** Global settings a test changed, put back afterwards so suites stay independent. */
const CHANGED_SETTINGS = ['github.enterpriseUrl', 'reviewBeforePullRequest', 'providers', 'sandbox'] as const;

async function setSetting(key: (typeof CHANGED_SETTINGS)[number], value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('tinyBackspace').update(key, value, vscode.ConfigurationTarget.Global);
}

function runPrompt(args: { prompt: string; repositoryRoot: string }): Thenable<RunPromptResult | undefined> {
  return vscode.commands.executeCommand<RunPromptResult | undefined>('tinyBackspace.runPrompt', args);
}

export function defineRunCommandSuite(): void {
  describe('Run Prompt command', function () {
    let scratch: string;

    before(async () => {
      await activated();
      scratch = await mkdtemp(path.join(tmpdir(), 'tb-ext-'));
    });

    after(async () => {
      for (const key of CHANGED_SETTINGS) await setSetting(key, undefined);
      await rm(scratch, { recursive: true, force: true });
    });

    it('refuses a folder that is not a git repository, saying why and what to do', async () => {
      const plain = path.join(scratch, 'not-a-repo');
      await mkdir(plain);
      const { result, messages } = await errorMessagesShownBy(() => runPrompt({ prompt: PROMPT, repositoryRoot: plain }));
      assert.equal(result, undefined, 'a run started in a folder without git');
      assert.equal(messages.length, 1, `expected one error notification, got: ${JSON.stringify(messages)}`);
      assert.match(messages[0] ?? '', /No git repository was found/);
      assert.ok((messages[0] ?? '').includes(plain), 'the message does not name the folder');
      assert.match(messages[0] ?? '', /git init|clone/i, 'the message does not say what to do');
    });

    it('refuses a repository whose remote is not on GitHub, saying why and what to do', async () => {
      const elsewhere = path.join(scratch, 'gitlab-clone');
      await mkdir(elsewhere);
      await git(elsewhere, ['init', '-q', '-b', 'main']);
      await git(elsewhere, ['remote', 'add', 'origin', 'https://gitlab.com/octo/widgets.git']);
      const { result, messages } = await errorMessagesShownBy(() => runPrompt({ prompt: PROMPT, repositoryRoot: elsewhere }));
      assert.equal(result, undefined, 'a run started for a non-GitHub remote');
      assert.equal(messages.length, 1, `expected one error notification, got: ${JSON.stringify(messages)}`);
      assert.match(messages[0] ?? '', /No remote points at GitHub/);
      assert.match(messages[0] ?? '', /tinyBackspace\.github\.enterpriseUrl/, 'the message does not say what to do');
    });

    describe('against the loopback GitHub stand-in', () => {
      let standIn: GitHubStandIn;
      let clone: string;

      before(async () => {
        // The harness starts VS Code with GITHUB_PAT set, the way a user without a GitHub sign-in would.
        // Started another way (no GITHUB_PAT), the suite supplies one to this extension host itself.
        process.env.GITHUB_PAT ||= `ghs_test_${randomBytes(20).toString('hex')}`;
        standIn = await startGitHubStandIn({ token: process.env.GITHUB_PAT });
        await standIn.createRepo('octo', 'widgets', { files: { 'README.md': 'Hello world\n', 'src/index.ts': 'export const answer = 42;\n' } });
        clone = path.join(scratch, 'widgets');
        await git(scratch, ['clone', '-q', `${standIn.url}/octo/widgets.git`, clone]);
        await setSetting('github.enterpriseUrl', standIn.url);
        await setSetting('reviewBeforePullRequest', false);
        await setSetting('providers', ['offline']);
        await setSetting('sandbox', 'local');
      });

      after(async () => {
        await standIn?.close();
      });

      it('runs the prompt and opens a pull request with the change (review off)', async () => {
        // Capturing error notifications turns a refusal into a clear failure instead of a command that
        // waits for the notification to be dismissed.
        const begin = performance.now();
        const { result: started, messages } = await errorMessagesShownBy(() => runPrompt({ prompt: PROMPT, repositoryRoot: clone }));
        assert.deepEqual(messages, [], 'the command refused to run');
        assert.ok(started, 'the command started no run');
        recordMeasurement('run_command_returned_ms', performance.now() - begin);
        const terminal = await started.done;
        recordMeasurement('run_to_terminal_event_ms', performance.now() - begin);
        assert.equal(terminal.kind, 'completed', `the run ended ${terminal.kind}: ${JSON.stringify(terminal)}`);

        const pulls = standIn.pulls('octo', 'widgets');
        assert.equal(pulls.length, 1, 'the stand-in has no pull request');
        const [pull] = pulls;
        assert.equal(pull?.base, 'main');
        assert.equal(terminal.kind === 'completed' ? terminal.pr_url : undefined, pull?.htmlUrl);
        const files = await standIn.readBranchFiles('octo', 'widgets', pull?.head ?? '');
        assert.equal(files['README.md'], 'Howdy world\n');
        // The user's own clone is untouched: the change lives on the pushed branch only.
        assert.equal(await readFile(path.join(clone, 'README.md'), 'utf8'), 'Hello world\n');
      });
    });
  });
}
