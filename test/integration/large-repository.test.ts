import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import { fastImportLargeTree, treeListing } from '../support/large-repo';
import { collect, createPipelineFixture, terminalOf, type PipelineFixture } from '../support/pipeline-fixture';

const FILES = 100_000;
/** Sorts after every generated path, so a listing cut short would lose it first. */
const TOOL = 'zz-tools/release.sh';

describe('a 100,000-file repository', { timeout: 15 * 60_000 }, () => {
  let standIn: GitHubStandIn;
  let fixture: PipelineFixture;
  let barePath: string;
  let baseSha: string;

  before(async () => {
    standIn = await startGitHubStandIn();
    ({ barePath } = await standIn.createRepo('big', 'mono', { files: { 'README.md': '# Mono\n' } }));
    baseSha = await fastImportLargeTree(barePath, 'main', FILES, {
      'README.md': ['100644', '# Mono\n\nHello world\n'],
      [TOOL]: ['100755', '#!/bin/sh\necho "Hello from release"\n'],
    });
    fixture = await createPipelineFixture(standIn);
  });
  after(async () => {
    await fixture?.dispose();
    await standIn?.close();
  });

  it('keeps every record and every mode from analyze to the pushed commit', async () => {
    const events = await collect({ repoUrl: `${standIn.url}/big/mono`, prompt: `replace "Hello" with "Howdy" in ${TOOL}` }, fixture.deps());
    const terminal = terminalOf(events);
    assert.equal(terminal.kind, 'completed', JSON.stringify(terminal));
    const analyzed = events.find((event) => event.kind === 'step_progress' && event.step === 'analyze');
    assert.match(analyzed?.message ?? '', new RegExp(`^${FILES + 2} files`), 'analyze saw every file');
    assert.ok(terminal.kind === 'completed' && terminal.changed_files.length === 1);

    const pull = standIn.pulls('big', 'mono')[0];
    assert.ok(pull, 'a pull request was opened');
    const before = await treeListing(barePath, baseSha);
    const afterChange = await treeListing(barePath, pull.headSha);
    assert.equal(before.size, FILES + 2);
    assert.equal(afterChange.size, before.size, 'no file lost or added');
    let differing = 0;
    for (const [file, entry] of before) {
      const now = afterChange.get(file);
      assert.ok(now, `${file} survived`);
      if (file === TOOL) {
        assert.equal(now.split(' ')[0], '100755', 'the edited script stays executable');
        assert.notEqual(now, entry);
        differing += 1;
      } else if (now !== entry) {
        differing += 1;
        assert.fail(`${file} changed from ${entry} to ${now}`);
      }
    }
    assert.equal(differing, 1);
    const modes = new Set([...afterChange.values()].map((entry) => entry.split(' ')[0]));
    assert.deepEqual([...modes].sort(), ['100644', '100755', '120000']);
  });
});
