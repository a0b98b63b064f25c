// No debris, no duplicates: when the PR cannot be opened after the push, the branch goes away again (or
// the run says where it was left); a retry of the same request finds the PR an earlier attempt opened;
// the PR body is inert and fits GitHub's limit. Whole runs against the loopback GitHub with real git.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PULL_REQUEST_BODY_LIMIT } from '../../src/core/pipeline/pull-request-text';
import type { RunEvent } from '../../src/protocol/run-events';
import { secondaryRateLimitFault, startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { collect, createPipelineFixture, terminalOf, type PipelineFixture } from '../support/pipeline-fixture';

const FILES = { 'README.md': '# App\n\nHello world\n', 'src/app.js': 'console.log("Hello");\n' };

function pushes(standIn: GitHubStandIn, repo: string): number {
  return standIn.requests.filter((request) => request.method === 'POST' && request.path === `/acme/${repo}.git/git-receive-pack`).length;
}

function progress(events: readonly RunEvent[]): string[] {
  return events.flatMap((event) => (event.kind === 'step_progress' ? [event.message] : []));
}

describe('pull requests leave no debris and no duplicates', () => {
  let standIn: GitHubStandIn;
  let fixture: PipelineFixture;

  before(async () => {
    standIn = await startGitHubStandIn();
    fixture = await createPipelineFixture(standIn);
  });
  after(async () => {
    await fixture.dispose();
    await standIn.close();
  });

  test('a 403 on PR creation after the push deletes the branch; the retry opens one PR, and a further retry finds it', async () => {
    await standIn.createRepo('acme', 'denied', { files: FILES });
    const request = { repoUrl: `${standIn.url}/acme/denied`, prompt: 'replace "Hello world" with "Hi there" in README.md' };
    standIn.injectFault({
      match: (method, url) => method === 'POST' && url.endsWith('/repos/acme/denied/pulls'),
      status: 403,
      body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' },
    });
    const failed = await collect(request, fixture.deps());
    const terminal = terminalOf(failed);
    assert.equal(terminal.kind === 'failed' && terminal.error.code, 'github_push_denied', JSON.stringify(terminal));
    assert.equal(pushes(standIn, 'denied'), 1, 'the branch had been pushed');
    assert.deepEqual(await standIn.branches('acme', 'denied'), ['main'], 'and was deleted again');
    assert.ok(progress(failed).some((message) => /No pull request was opened, so the pushed branch tiny-backspace\/\S+ was deleted again/.test(message)));

    const retried = await collect(request, fixture.deps());
    const opened = terminalOf(retried);
    assert.equal(opened.kind, 'completed', JSON.stringify(opened));
    assert.equal(standIn.pulls('acme', 'denied').length, 1);

    const again = await collect(request, fixture.deps());
    const found = terminalOf(again);
    assert.equal(found.kind, 'completed', JSON.stringify(found));
    assert.equal(found.kind === 'completed' && found.pr_url, opened.kind === 'completed' && opened.pr_url, 'the same PR');
    assert.equal(standIn.pulls('acme', 'denied').length, 1, 'no second PR');
    assert.equal(pushes(standIn, 'denied'), 2, 'the third attempt pushed nothing');
    assert.ok(progress(again).some((message) => /Pull request #1 for this request is already open/.test(message)));
    assert.deepEqual((await standIn.branches('acme', 'denied')).length, 2);
  });

  test('the idempotency key names the request: a retry with it finds the PR even when the prompt is worded differently', async () => {
    await standIn.createRepo('acme', 'keyed', { files: FILES });
    const url = `${standIn.url}/acme/keyed`;
    const first = terminalOf(await collect({ repoUrl: url, prompt: 'replace "Hello" with "Howdy" in src/app.js', options: { idempotencyKey: 'ticket-42' } }, fixture.deps()));
    assert.equal(first.kind, 'completed', JSON.stringify(first));
    const second = terminalOf(await collect({ repoUrl: url, prompt: 'replace "Hello" with "Hiya" in src/app.js', options: { idempotencyKey: 'ticket-42' } }, fixture.deps()));
    assert.equal(second.kind === 'completed' && second.pr_url, first.kind === 'completed' && first.pr_url);
    assert.equal(standIn.pulls('acme', 'keyed').length, 1);
  });

  test('a secondary rate limit longer than we wait, after the push, leaves no branch behind', async () => {
    await standIn.createRepo('acme', 'limited', { files: FILES });
    standIn.injectFault(secondaryRateLimitFault((method, url) => method === 'POST' && url.endsWith('/repos/acme/limited/pulls'), { retryAfterSeconds: 3600, times: 5 }));
    const terminal = terminalOf(await collect({ repoUrl: `${standIn.url}/acme/limited`, prompt: 'replace "Hello world" with "Hi there" in README.md' }, fixture.deps()));
    assert.equal(terminal.kind === 'failed' && terminal.error.code, 'github_rate_limited', JSON.stringify(terminal));
    assert.equal(pushes(standIn, 'limited'), 1);
    assert.deepEqual(await standIn.branches('acme', 'limited'), ['main']);
  });

  test('a cancel after the push deletes the branch before the run reports cancelled', async () => {
    await standIn.createRepo('acme', 'cancelled', { files: FILES });
    // GitHub asks us to wait a second: the cancel lands during that wait, after the push.
    standIn.injectFault(secondaryRateLimitFault((method, url) => method === 'POST' && url.endsWith('/repos/acme/cancelled/pulls'), { retryAfterSeconds: 1 }));
    const controller = new AbortController();
    const events = await collect({ repoUrl: `${standIn.url}/acme/cancelled`, prompt: 'replace "Hello world" with "Hi there" in README.md' }, fixture.deps(), controller.signal, (event) => {
      if (event.kind === 'step_progress' && event.message.startsWith('Pushed ')) controller.abort('user pressed stop');
    });
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'cancelled', JSON.stringify(terminal));
    assert.equal(pushes(standIn, 'cancelled'), 1);
    assert.deepEqual(await standIn.branches('acme', 'cancelled'), ['main']);
    assert.equal(standIn.pulls('acme', 'cancelled').length, 0);
  });

  test('when the branch cannot be deleted either, the failure says so and links to it', async () => {
    await standIn.createRepo('acme', 'stuck', { files: FILES });
    standIn.injectFault({ match: (method, url) => method === 'POST' && url.endsWith('/repos/acme/stuck/pulls'), status: 403, body: { message: 'Resource not accessible by integration' } });
    standIn.injectFault({ match: (method, url) => method === 'DELETE' && url.includes('/repos/acme/stuck/git/refs/'), status: 403, times: Infinity, body: { message: 'Resource not accessible by integration' } });
    const terminal = terminalOf(await collect({ repoUrl: `${standIn.url}/acme/stuck`, prompt: 'replace "Hello world" with "Hi there" in README.md' }, fixture.deps()));
    assert.equal(terminal.kind, 'failed', JSON.stringify(terminal));
    const [branch] = (await standIn.branches('acme', 'stuck')).filter((name) => name !== 'main');
    assert.ok(branch);
    assert.ok(terminal.message.includes(`could not be deleted`), terminal.message);
    assert.ok(terminal.message.includes(`${standIn.url}/acme/stuck/tree/${branch}`), terminal.message);
  });

  test('the PR body is capped at GitHub’s limit however many files change, and hostile text in it is inert', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 900; index += 1) files[`src/generated/module-with-a-long-descriptive-name-${String(index).padStart(4, '0')}.js`] = 'export const greeting = "Hello";\n';
    await standIn.createRepo('acme', 'huge', { files });
    const prompt = 'replace "Hello" with "Hi @octocat <img src=x onerror=alert(1)> fixes #1 ```"';
    const terminal = terminalOf(await collect({ repoUrl: `${standIn.url}/acme/huge`, prompt }, fixture.deps()));
    assert.equal(terminal.kind, 'completed', JSON.stringify(terminal).slice(0, 2000));
    const [pull] = standIn.pulls('acme', 'huge');
    assert.ok(pull);
    assert.ok([...pull.body].length <= PULL_REQUEST_BODY_LIMIT, `body is ${pull.body.length} characters`);
    assert.match(pull.body, /… and \d+ more file\(s\); the commit lists them all\./);
    // The prompt sits in a fence longer than the backticks inside it, so nothing in it renders.
    const fenced = /^(`{4,})text\n([\s\S]*?)\n\1$/m.exec(pull.body);
    assert.ok(fenced, pull.body.slice(0, 500));
    assert.ok(fenced[2]?.includes('@octocat <img src=x onerror=alert(1)> fixes #1 ```'));
    const outsideCode = pull.body.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, '').replace(/`[^`\n]*`/g, '');
    assert.equal(/@octocat|<img|#1\b/.test(outsideCode), false);
  });
});
