import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { activated, manifest } from './extension-under-test';
import { errorMessagesShownBy } from './support/error-messages';
import { git } from './support/git';

const KEY_VARIABLES = ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'OPENAI_BASE_URL'] as const;

interface Walkthrough {
  readonly id: string;
  readonly steps: ReadonlyArray<{ readonly id: string; readonly description: string; readonly completionEvents?: readonly string[] }>;
}

export function defineFirstRunSuite(): void {
  describe('first run without a key', () => {
    let scratch: string;
    let standIn: GitHubStandIn;
    let clone: string;
    const saved = new Map<string, string | undefined>();

    before(async () => {
      await activated();
      for (const name of KEY_VARIABLES) {
        saved.set(name, process.env[name]);
        delete process.env[name];
      }
      scratch = await mkdtemp(path.join(tmpdir(), 'tb-first-run-'));
      process.env.GITHUB_PAT ||= `ghs_test_${randomBytes(20).toString('hex')}`;
      standIn = await startGitHubStandIn({ token: process.env.GITHUB_PAT });
      await standIn.createRepo('octo', 'fresh', { files: { 'README.md': 'Hello world\n' } });
      clone = path.join(scratch, 'fresh');
      await git(scratch, ['clone', '-q', `${standIn.url}/octo/fresh.git`, clone]);
      const configuration = vscode.workspace.getConfiguration('tinyBackspace');
      await configuration.update('github.enterpriseUrl', standIn.url, vscode.ConfigurationTarget.Global);
      await configuration.update('providers', undefined, vscode.ConfigurationTarget.Global);
      await configuration.update('sandbox', 'local', vscode.ConfigurationTarget.Global);
    });

    after(async () => {
      for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
      const configuration = vscode.workspace.getConfiguration('tinyBackspace');
      for (const key of ['github.enterpriseUrl', 'sandbox']) await configuration.update(key, undefined, vscode.ConfigurationTarget.Global);
      await standIn?.close();
      await rm(scratch, { recursive: true, force: true });
    });

    it('contributes a walkthrough: sign in, key or local model, first prompt, health view', () => {
      const walkthroughs = (manifest() as unknown as { contributes: { walkthroughs?: Walkthrough[] } }).contributes.walkthroughs ?? [];
      const [walkthrough] = walkthroughs;
      assert.ok(walkthrough, 'no walkthrough is contributed');
      assert.deepEqual(
        walkthrough.steps.map((step) => step.id),
        ['signIn', 'chooseModel', 'firstPrompt', 'health'],
      );
      const commands = walkthrough.steps.flatMap((step) => [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((match) => match[1]));
      assert.deepEqual(commands, ['tinyBackspace.signInToGitHub', 'tinyBackspace.setApiKey', 'tinyBackspace.useLocalModel', 'tinyBackspace.runPrompt', 'tinyBackspace.showHealth']);
    });

    it('stops a prompt no provider can do before anything is cloned, offering Set API Key and a local model', async () => {
      // The fixture's own clone (in before) is already recorded: only what the command sends counts.
      const before = standIn.requests.length;
      const { result, messages, actions } = await errorMessagesShownBy(() =>
        vscode.commands.executeCommand('tinyBackspace.runPrompt', { prompt: 'Add input validation to all POST endpoints', repositoryRoot: clone }),
      );
      assert.equal(result, undefined, 'a run started without any provider that can do the prompt');
      assert.equal(messages.length, 1, `expected one notification, got ${JSON.stringify(messages)}`);
      assert.match(messages[0] ?? '', /No AI provider is set up/);
      assert.match(messages[0] ?? '', /replace "TODO" with "DONE" in README\.md/, 'the message does not show a prompt the offline agent can do');
      assert.deepEqual(actions[0], ['Set API Key', 'Use a Local Model', 'Offline Instructions']);
      const gitRequests = standIn.requests.slice(before).filter((request) => request.path.includes('/octo/fresh'));
      assert.deepEqual(gitRequests.map((request) => `${request.method} ${request.path}`), [], 'the repository was contacted (validate or clone) before the provider check');
    });

    it('runs a prompt the offline agent can do without any key', async () => {
      const { result, messages } = await errorMessagesShownBy(() =>
        vscode.commands.executeCommand<{ requestId: string; done: Promise<{ kind: string }> } | undefined>('tinyBackspace.runPrompt', {
          prompt: 'replace "Hello" with "Howdy" in README.md',
          repositoryRoot: clone,
        }),
      );
      assert.deepEqual(messages, []);
      assert.ok(result, 'the offline prompt did not start');
      await vscode.commands.executeCommand('tinyBackspace.cancelRun', { requestId: result.requestId });
      const terminal = await result.done;
      assert.ok(['cancelled', 'completed'].includes(terminal.kind), terminal.kind);
    });
  });
}
