import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOverridesFor } from '../../src/core/checks/check-overrides';
import { checksFromManifests } from '../../src/core/checks/detect-checks';
import { CommandSyntaxError, splitCommandWords } from '../../src/core/checks/split-command-words';
import { GITHUB_DOT_COM } from '../../src/core/repo/github-hosts';
import type { RepositoryTarget } from '../../src/core/repo/repository-target';

function detect(files: Record<string, string>) {
  return checksFromManifests({ names: new Set(Object.keys(files)), packageJson: files['package.json'], makefile: files.Makefile }).map((check) => check.command);
}

const GITHUB_TARGET: RepositoryTarget = {
  kind: 'github',
  server: GITHUB_DOT_COM,
  owner: 'Acme',
  repo: 'Widgets',
  cloneUrl: 'https://github.com/Acme/Widgets.git',
  htmlUrl: 'https://github.com/Acme/Widgets',
};

describe('check detection from top-level manifests', () => {
  it('finds npm test and lint, pytest, go test, cargo test and make test', () => {
    assert.deepEqual(
      detect({
        'package.json': JSON.stringify({ scripts: { test: 'jest', lint: 'eslint .' } }),
        'pyproject.toml': '[project]\nname = "x"\n',
        'go.mod': 'module x\n',
        'Cargo.toml': '[package]\n',
        Makefile: 'build:\n\tcc x.c\n\ntest: build\n\t./x --test\n',
      }),
      ['npm test', 'npm run lint', 'python3 -m pytest', 'go test ./...', 'cargo test', 'make test'],
    );
  });

  it("skips npm's placeholder test script, empty scripts and a broken package.json", () => {
    assert.deepEqual(detect({ 'package.json': JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }) }), []);
    assert.deepEqual(detect({ 'package.json': JSON.stringify({ scripts: { test: '  ', lint: 42 } }) }), []);
    assert.deepEqual(detect({ 'package.json': '{ not json' }), []);
  });

  it('runs pytest for setup.cfg or pytest.ini too, and treats "no tests collected" as skipped', () => {
    assert.deepEqual(detect({ 'setup.cfg': '' }), ['python3 -m pytest']);
    assert.deepEqual(detect({ 'pytest.ini': '' }), ['python3 -m pytest']);
    const [pytest] = checksFromManifests({ names: new Set(['pytest.ini']) });
    assert.deepEqual(pytest?.skipExitCodes, [5]);
  });

  it('needs a real `test:` rule in the Makefile, not a variable or another target', () => {
    assert.deepEqual(detect({ Makefile: 'test := 1\nall:\n\techo\n' }), []);
    assert.deepEqual(detect({ Makefile: 'unit-test:\n\techo\n' }), []);
    assert.deepEqual(detect({ Makefile: 'test :\n\techo\n' }), ['make test']);
  });
});

describe('per-repository check overrides', () => {
  it('match owner/repo in any case, or host/owner/repo, and replace detection', () => {
    const overrides = checkOverridesFor({ checks: { 'acme/widgets': ['npm run test:unit -- --runInBand'] } }, GITHUB_TARGET);
    assert.deepEqual(overrides?.specs.map((spec) => [spec.name, spec.argv, spec.source]), [
      ['npm run test:unit -- --runInBand', ['npm', 'run', 'test:unit', '--', '--runInBand'], 'override'],
    ]);
    assert.ok(checkOverridesFor({ checks: { 'github.com/ACME/widgets': ['make check'] } }, GITHUB_TARGET));
    assert.equal(checkOverridesFor({ checks: { 'acme/other': ['make check'] } }, GITHUB_TARGET), undefined);
    assert.equal(checkOverridesFor({}, GITHUB_TARGET), undefined);
  });

  it('an empty list turns checks off; unreadable entries are reported, not dropped', () => {
    assert.deepEqual(checkOverridesFor({ checks: { 'acme/widgets': [] } }, GITHUB_TARGET), { specs: [], invalid: [] });
    const overrides = checkOverridesFor({ checks: { 'acme/widgets': ["echo 'open", 'make test'] } }, GITHUB_TARGET);
    assert.deepEqual(overrides?.invalid, [{ command: "echo 'open", reason: 'a single quote is not closed' }]);
    assert.deepEqual(overrides?.specs.map((spec) => spec.command), ['make test']);
  });

  it('for a local repository, the key is its path', () => {
    assert.ok(checkOverridesFor({ checks: { '/src/app': ['make test'] } }, { kind: 'local', path: '/src/app' }));
  });
});

describe('splitting a command line into words', () => {
  it('honours quotes and backslashes like a shell, and interprets nothing else', () => {
    assert.deepEqual(splitCommandWords(`pytest -k "not slow" 'tests/a b.py'`), ['pytest', '-k', 'not slow', 'tests/a b.py']);
    assert.deepEqual(splitCommandWords('echo \\"hi\\" a\\ b'), ['echo', '"hi"', 'a b']);
    assert.deepEqual(splitCommandWords('echo "a \\"q\\" \\$HOME \\x"'), ['echo', 'a "q" $HOME \\x']);
    assert.deepEqual(splitCommandWords('make test && rm -rf / ; $(id) | tee x > y'), ['make', 'test', '&&', 'rm', '-rf', '/', ';', '$(id)', '|', 'tee', 'x', '>', 'y']);
    assert.deepEqual(splitCommandWords(`x "" ''`), ['x', '', '']);
    assert.deepEqual(splitCommandWords('   '), []);
  });

  it('refuses unbalanced quotes and a trailing backslash', () => {
    assert.throws(() => splitCommandWords('echo "open'), CommandSyntaxError);
    assert.throws(() => splitCommandWords("echo 'open"), /single quote is not closed/);
    assert.throws(() => splitCommandWords('echo \\'), /lone backslash/);
  });
});
