import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runProcess } from '../../src/core/process/run-process';
import { RunEventSchema, type RunEvent } from '../../src/protocol/run-events';
import { lostResponseFault, startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { collect, createPipelineFixture, terminalOf, type PipelineFixture } from '../support/pipeline-fixture';

const FILES = {
  'README.md': '# App\n\nHello world\n',
  'src/app.js': 'console.log("Hello");\n',
  'docs/guide.md': 'Hello again\n',
};

async function childProcessesOf(pid: number): Promise<string[]> {
  const result = await runProcess(['ps', '-o', 'pid=,args=', '--ppid', String(pid)], { env: { PATH: process.env.PATH ?? '' } });
  return result.stdout
    .split('\n')
    .map((line) => line.trim())
    // The stand-in runs in this process too; its `git http-backend` children are not the engine's, and
    // neither is the esbuild service tsx starts to transpile the tests on a cold cache.
    .filter((line) => line !== '' && !line.includes('ps -o') && !line.includes('http-backend') && !line.includes('esbuild --service'));
}

async function filesNamed(root: string, name: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) if (entry.isFile() && entry.name === name) found.push(path.join(entry.parentPath, entry.name));
  return found;
}

describe('pipeline against the loopback GitHub', () => {
  let standIn: GitHubStandIn;
  let fixture: PipelineFixture;

  before(async () => {
    standIn = await startGitHubStandIn();
    await standIn.createRepo('octo', 'app', { files: FILES });
    fixture = await createPipelineFixture(standIn);
  });
  after(async () => {
    await fixture.dispose();
    await standIn.close();
  });

  it('opens a pull request whose branch holds exactly the change, leaving the base alone and the token nowhere', async () => {
    const baseBefore = await standIn.branchSha('octo', 'app', 'main');
    const configsDuringRun: string[] = [];
    const processesDuringRun: string[] = [];
    const events = await collect(
      { repoUrl: `${standIn.url}/octo/app`, prompt: 'replace "Hello" with "Howdy" in README.md' },
      fixture.deps({
        // The review gate runs after the clone and before the push: the moment to look at what is on disk.
        review: async () => {
          for (const file of await filesNamed(fixture.tempRoot, 'config')) configsDuringRun.push(await readFile(file, 'utf8'));
          const ps = await runProcess(['ps', '-eo', 'args'], { env: { PATH: process.env.PATH ?? '' } });
          processesDuringRun.push(ps.stdout);
          return 'create';
        },
      }),
    );

    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
    for (const event of events) RunEventSchema.parse(event);
    assert.equal(events.filter((event) => ['completed', 'failed', 'cancelled'].includes(event.kind)).length, 1);
    const steps = events.filter((event) => event.kind === 'step_finished').map((event) => event.step);
    assert.deepEqual(steps, ['validate', 'sandbox', 'clone', 'analyze', 'agent', 'apply', 'validate_changes', 'pull_request']);
    assert.ok(events.every((event) => event.request_id === events[0]?.request_id));

    const pulls = standIn.pulls('octo', 'app');
    assert.equal(pulls.length, 1);
    const pull = pulls[0]!;
    assert.equal(terminal.kind === 'completed' && terminal.pr_url, pull.htmlUrl);
    assert.equal(pull.base, 'main');
    assert.match(pull.head, /^tiny-backspace\/replace-hello-howdy-readme-md-[0-9a-f]{12}$/);
    assert.match(pull.body, /offline/);
    assert.match(pull.body, /README\.md/);

    const head = await standIn.readBranchFiles('octo', 'app', pull.head);
    assert.deepEqual(head, { ...FILES, 'README.md': '# App\n\nHowdy world\n' });
    assert.equal(await standIn.branchSha('octo', 'app', 'main'), baseBefore);
    assert.deepEqual(await standIn.readBranchFiles('octo', 'app', 'main'), FILES);

    const token = standIn.token;
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
    assert.ok(configsDuringRun.length > 0, 'the run had a git config on disk to inspect');
    for (const config of configsDuringRun) {
      assert.equal(config.includes(token), false);
      assert.equal(config.includes(basic), false);
    }
    assert.equal(processesDuringRun.join('\n').includes(token), false);
    assert.equal(JSON.stringify(events).includes(token), false);
    assert.equal(fixture.logger.text().includes(token), false);
    assert.ok(fixture.logger.lines.some((line) => line.category === 'performance' && line.message === 'step.clone'));
    assert.ok(fixture.logger.lines.every((line) => line.request_id === events[0]?.request_id));
    for (const request of standIn.requests) assert.equal(request.path.includes(token), false);
    assert.ok(
      standIn.requests.some((request) => request.path.includes('git-receive-pack') && String(request.headers.authorization).startsWith('Basic ')),
      'the push authenticated through a header',
    );
    assert.deepEqual(await fixture.leftovers(), []);
  });

  it('never opens a second pull request when GitHub acted but the response was lost', async () => {
    await standIn.createRepo('octo', 'retry', { files: FILES });
    standIn.injectFault(lostResponseFault((method, url) => method === 'POST' && url.endsWith('/repos/octo/retry/pulls')));
    const events = await collect({ repoUrl: `${standIn.url}/octo/retry`, prompt: 'append "more" to docs/guide.md' }, fixture.deps());
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
    const pulls = standIn.pulls('octo', 'retry');
    assert.equal(pulls.length, 1);
    assert.equal(terminal.kind === 'completed' && terminal.pr_url, pulls[0]?.htmlUrl);
  });

  it('refuses hostile repository URLs before any git or HTTP request', async () => {
    const before = standIn.requests.length;
    for (const repoUrl of ['--upload-pack=touch /tmp/x', 'ext::sh -c id', 'file:///etc', `${standIn.url}/octo/app;id`, 'https://evil.example/octo/app']) {
      const events = await collect({ repoUrl, prompt: 'delete README.md' }, fixture.deps());
      const terminal = terminalOf(events);
      assert.equal(terminal.kind, 'failed');
      assert.equal(terminal.kind === 'failed' && terminal.error.code, 'invalid_repository_url', repoUrl);
      assert.ok(!events.some((event) => event.kind === 'step_started' && event.step === 'sandbox'));
    }
    assert.equal(standIn.requests.length, before);
    assert.deepEqual(await fixture.leftovers(), []);
  });

  it('names the remedy for a missing token, a missing repository and missing push rights', async () => {
    await standIn.createRepo('octo', 'readonly', { files: FILES, pushAllowed: false });
    const noToken = await createPipelineFixture(standIn, { token: null });
    try {
      const cases: Array<[string, ReturnType<PipelineFixture['deps']>, string, RegExp]> = [
        [`${standIn.url}/octo/app`, noToken.deps(), 'github_token_missing', /GITHUB_TOKEN/],
        [`${standIn.url}/octo/missing`, fixture.deps(), 'github_repository_not_found', /does not exist/],
        [`${standIn.url}/octo/readonly`, fixture.deps(), 'github_push_denied', /write access|fork/],
      ];
      for (const [repoUrl, deps, code, remedy] of cases) {
        const terminal = terminalOf(await collect({ repoUrl, prompt: 'delete README.md' }, deps));
        assert.equal(terminal.kind, 'failed');
        if (terminal.kind !== 'failed') continue;
        assert.equal(terminal.error.code, code);
        assert.match(`${terminal.error.message} ${terminal.error.remedy ?? ''}`, remedy);
      }
    } finally {
      await noToken.dispose();
    }
  });

  it('fails clearly, and opens nothing, for a prompt the offline agent cannot do', async () => {
    await standIn.createRepo('octo', 'vague', { files: FILES });
    const terminal = terminalOf(await collect({ repoUrl: `${standIn.url}/octo/vague`, prompt: 'make the app faster' }, fixture.deps()));
    assert.equal(terminal.kind, 'failed');
    assert.equal(terminal.kind === 'failed' && terminal.error.code, 'agent_unsupported_prompt');
    assert.match(terminal.message, /no AI provider is configured; set ANTHROPIC_API_KEY or OPENAI_API_KEY, or a local model/);
    assert.deepEqual(standIn.pulls('octo', 'vague'), []);
    assert.deepEqual(await standIn.branches('octo', 'vague'), ['main']);
  });

  for (const step of ['clone', 'agent', 'pull_request'] as const) {
    it(`cancelling during ${step} ends with one cancelled event and leaves no temp dirs or processes`, async () => {
      await standIn.createRepo('octo', `cancel-${step}`, { files: FILES });
      const controller = new AbortController();
      const events = await collect(
        { repoUrl: `${standIn.url}/octo/cancel-${step}`, prompt: 'replace "Hello" with "Bye"' },
        fixture.deps(),
        controller.signal,
        (event: RunEvent) => {
          if (event.kind === 'step_started' && event.step === step) controller.abort('Cancelled by the test.');
        },
      );
      const terminal = terminalOf(events);
      assert.equal(terminal.kind, 'cancelled', JSON.stringify(terminal));
      assert.equal(events.filter((event) => ['completed', 'failed', 'cancelled'].includes(event.kind)).length, 1);
      assert.deepEqual(await fixture.leftovers(), []);
      assert.deepEqual(await childProcessesOf(process.pid), []);
      assert.deepEqual(standIn.pulls('octo', `cancel-${step}`), []);
    });
  }
});
