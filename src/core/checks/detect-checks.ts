import type { Sandbox } from '../sandbox/sandbox';
import { shellJoin } from '../sandbox/shell-quote';
import type { CheckSpec } from './check-spec';

/** What `npm init` writes as the test script: it always fails, so it is not a check. */
const NPM_PLACEHOLDER_TEST = /no test specified/i;
const PYTEST_CONFIGS = ['pyproject.toml', 'setup.cfg', 'pytest.ini'];
/** A `test:` rule, not a `test := value` assignment. */
const MAKE_TEST_TARGET = /^test\s*:(?!=)/m;

export interface TopLevelManifests {
  /** Names of the files at the repository's top level. */
  readonly names: ReadonlySet<string>;
  readonly packageJson?: string;
  readonly makefile?: string;
}

function detected(name: string, argv: readonly string[], extra: Partial<CheckSpec> = {}): CheckSpec {
  return { name, argv, command: shellJoin(argv), source: 'detected', ...extra };
}

function npmScripts(packageJson: string | undefined): Record<string, unknown> {
  if (packageJson === undefined) return {};
  try {
    const parsed = JSON.parse(packageJson) as { scripts?: unknown };
    return parsed.scripts && typeof parsed.scripts === 'object' ? (parsed.scripts as Record<string, unknown>) : {};
  } catch {
    // A broken package.json has no scripts we can trust; the after-change run still keeps baseline checks.
    return {};
  }
}

/** The checks a repository declares in its top-level manifests, in a stable order. Pure, for testing. */
export function checksFromManifests(manifests: TopLevelManifests): CheckSpec[] {
  const checks: CheckSpec[] = [];
  if (manifests.names.has('package.json')) {
    const scripts = npmScripts(manifests.packageJson);
    if (typeof scripts.test === 'string' && scripts.test.trim() !== '' && !NPM_PLACEHOLDER_TEST.test(scripts.test)) checks.push(detected('npm test', ['npm', 'test']));
    if (typeof scripts.lint === 'string' && scripts.lint.trim() !== '') checks.push(detected('npm run lint', ['npm', 'run', 'lint']));
  }
  if (PYTEST_CONFIGS.some((name) => manifests.names.has(name))) checks.push(detected('pytest', ['python3', '-m', 'pytest'], { skipExitCodes: [5] }));
  if (manifests.names.has('go.mod')) checks.push(detected('go test', ['go', 'test', './...']));
  if (manifests.names.has('Cargo.toml')) checks.push(detected('cargo test', ['cargo', 'test']));
  if (manifests.names.has('Makefile') && manifests.makefile !== undefined && MAKE_TEST_TARGET.test(manifests.makefile)) checks.push(detected('make test', ['make', 'test']));
  return checks;
}

async function readOrUndefined(sandbox: Sandbox, name: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    return await sandbox.readFile(name, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    return undefined;
  }
}

/** Reads the top-level manifests through the sandbox (so it works for a local and a remote tree alike). */
export async function readTopLevelManifests(sandbox: Sandbox, signal: AbortSignal): Promise<TopLevelManifests> {
  const names = new Set((await sandbox.listFiles('.', signal)).filter((name) => !name.endsWith('/')));
  const [packageJson, makefile] = await Promise.all([
    names.has('package.json') ? readOrUndefined(sandbox, 'package.json', signal) : undefined,
    names.has('Makefile') ? readOrUndefined(sandbox, 'Makefile', signal) : undefined,
  ]);
  return { names, ...(packageJson === undefined ? {} : { packageJson }), ...(makefile === undefined ? {} : { makefile }) };
}
