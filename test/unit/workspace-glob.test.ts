import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filesInScope, globMatcher, isGlob } from '../../src/core/workspace/glob';

// The hand-written matcher this replaces matched nothing for braces and classes (issue 11).
describe('workspace globs (picomatch)', () => {
  const files = ['README.md', 'src/a.ts', 'src/b.tsx', 'src/c.js', 'src/lib/d.ts', 'src/lib/e.tsx', 'src/.eslintrc.js', 'test/a.ts', 'test/b.ts', 'test/c.ts'];

  it('expands braces: *.{ts,tsx}', () => {
    assert.deepEqual(filesInScope(files, 'src/*.{ts,tsx}'), ['src/a.ts', 'src/b.tsx']);
    assert.deepEqual(filesInScope(files, 'src/**/*.{ts,tsx}'), ['src/a.ts', 'src/b.tsx', 'src/lib/d.ts', 'src/lib/e.tsx']);
  });

  it('matches character classes: [ab]', () => {
    assert.deepEqual(filesInScope(files, 'test/[ab].ts'), ['test/a.ts', 'test/b.ts']);
    assert.deepEqual(filesInScope(files, 'test/[^a].ts'), ['test/b.ts', 'test/c.ts']);
  });

  it('crosses directories with ** (zero or more), and * stays within one', () => {
    assert.deepEqual(filesInScope(files, '**/a.ts'), ['src/a.ts', 'test/a.ts']);
    assert.deepEqual(filesInScope(files, 'src/**'), ['src/a.ts', 'src/b.tsx', 'src/c.js', 'src/lib/d.ts', 'src/lib/e.tsx', 'src/.eslintrc.js']);
    assert.deepEqual(filesInScope(files, 'src/*.ts'), ['src/a.ts']);
    assert.equal(globMatcher('src/**/*.js')('src/.eslintrc.js'), true);
  });

  it('tells globs from plain paths', () => {
    assert.equal(isGlob('src/*.{ts,tsx}'), true);
    assert.equal(isGlob('test/[ab].ts'), true);
    assert.equal(isGlob('src/lib'), false);
    assert.equal(isGlob('docs/notes.md'), false);
    assert.deepEqual(filesInScope(files, './src/lib/'), ['src/lib/d.ts', 'src/lib/e.tsx']);
  });
});
