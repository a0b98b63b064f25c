import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { branchName, requestFingerprint, slugify } from '../../src/core/pipeline/branch-name';
import { runProcess } from '../../src/core/process/run-process';

describe('branch names', () => {
  it('slugs the prompt into a few readable words', () => {
    assert.equal(slugify('Add input validation to the signup handler'), 'add-input-validation-signup');
    assert.equal(slugify('replace "Hello" with "Howdy" in README.md'), 'replace-hello-howdy-readme-md');
    assert.equal(slugify('!!!'), 'change');
    assert.equal(slugify('Ünïcödé  façade'), 'unicode-facade');
  });

  it('builds prefix/slug-id with a short id from the request fingerprint', () => {
    assert.equal(branchName('tiny-backspace', 'Fix the typo', '3f2a9c1e-1111-2222-3333-444455556666'), 'tiny-backspace/fix-typo-3f2a9c1e1111');
  });

  it('fingerprints a request by repository, base commit and prompt, or by its idempotency key alone', () => {
    const base = { repository: 'https://github.com/Octo/App.git', baseSha: 'a'.repeat(40), prompt: 'Fix the typo' };
    const id = requestFingerprint(base);
    assert.match(id, /^[0-9a-f]{12}$/);
    assert.equal(requestFingerprint({ ...base, repository: 'https://github.com/octo/app', prompt: '  Fix the typo\n' }), id, 'the same request, spelled differently');
    assert.notEqual(requestFingerprint({ ...base, baseSha: 'b'.repeat(40) }), id, 'a new base commit is a new request');
    assert.notEqual(requestFingerprint({ ...base, prompt: 'Fix the other typo' }), id);
    assert.equal(requestFingerprint({ ...base, idempotencyKey: 'k-1' }), requestFingerprint({ ...base, baseSha: 'c'.repeat(40), idempotencyKey: 'k-1' }));
  });

  it('cleans a hostile prefix into a valid ref', async () => {
    const name = branchName('../we ird..//x.lock/.hidden', 'Fix', 'abcdef12-0000');
    assert.equal(name, 'we-ird/hidden/fix-abcdef120000');
    for (const candidate of [name, branchName('tiny-backspace', '~^:?*[\\ weird prompt', 'abc')]) {
      const check = await runProcess(['git', 'check-ref-format', `refs/heads/${candidate}`], { env: { PATH: process.env.PATH ?? '' } });
      assert.equal(check.exitCode, 0, `git refuses ${candidate}`);
    }
  });
});
