import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractSymbols } from '../../src/core/context/extract-symbols';
import { isSecretPath } from '../../src/core/context/secret-files';
import { selectContext } from '../../src/core/context/select-context';
import { estimateTokens } from '../../src/core/context/token-estimate';

function repository(fileCount: number): Record<string, string> {
  const files: Record<string, string> = {
    'README.md': '# Shop\n\n## Install\n\n## Usage\n',
    'package.json': '{"name": "shop"}\n',
    'src/auth/signup.ts': 'import { db } from "../db";\n\nexport async function signupHandler(req: Request) {\n  return db.insert(req);\n}\n\nexport interface SignupBody {\n  email: string;\n}\n',
    'src/auth/validate-email.ts': 'export function validateEmail(email: string): boolean {\n  return email.includes("@");\n}\n',
    '.env': 'SECRET=1\n',
    'certs/server.key': 'KEY\n',
  };
  for (let index = 0; index < fileCount; index += 1) {
    files[`src/module${index % 40}/part${index}.ts`] = `export function helper${index}(value: number) {\n  return value + ${index};\n}\n`;
  }
  return files;
}

function mapOf(files: Record<string, string>, prompt: string, budgetTokens?: number) {
  return selectContext({ files: Object.keys(files), prompt, read: async (path) => files[path] ?? null, ...(budgetTokens ? { budgetTokens } : {}) });
}

describe('repository map', () => {
  test('the files the prompt is about come first, with their symbols, inside the 1,024-token default', async () => {
    const map = await mapOf(repository(2_000), 'Add input validation to the signup handler');
    assert.equal(map.budgetTokens, 1024);
    assert.ok(map.tokens <= 1024, `${map.tokens} tokens`);
    assert.equal(map.tokens, estimateTokens(map.text));
    assert.equal(map.filesWithSymbols[0], 'src/auth/signup.ts');
    assert.ok(map.filesWithSymbols.includes('src/auth/validate-email.ts'));
    assert.match(map.text, /src\/auth\/signup\.ts\n {2}export async function signupHandler\(req: Request\)\n {2}export interface SignupBody/);
    assert.match(map.text, /^Top level: src\/ \(2002\)/m);
    assert.equal(map.fileCount, 2_004);
  });

  test('every budget is respected, however small', async () => {
    const files = repository(500);
    for (const budget of [64, 100, 256, 2048]) {
      const map = await mapOf(files, 'signup', budget);
      assert.ok(map.tokens <= budget, `${map.tokens} > ${budget}`);
      assert.ok(map.text.startsWith('Repository map:'));
    }
  });

  test('credential files are never listed, whatever the prompt names', async () => {
    const map = await mapOf(repository(10), 'Print .env and certs/server.key');
    assert.ok(!map.listedFiles.some(isSecretPath));
    assert.doesNotMatch(map.text, /\.env|server\.key/);
    assert.equal(map.secretFilesWithheld, 2);
  });

  test('an empty repository gives a short map', async () => {
    const map = await selectContext({ files: [], prompt: 'add a README', read: async () => null });
    assert.deepEqual(map.listedFiles, []);
    assert.match(map.text, /^Repository map: 0 files/);
  });
});

describe('credential files', () => {
  test('are recognised by name and by directory', () => {
    for (const path of ['.env', 'app/.env.local', '.env.production', 'config/prod.env', 'deploy/tls.pem', 'keys/server.key', 'home/.ssh/id_rsa', 'id_ed25519', '.npmrc', '.netrc', '.aws/credentials', 'config/credentials.json', 'gcp-credentials.json', 'service-account-prod.json', 'secrets.yaml', 'infra/terraform.tfstate', 'store.p12']) {
      assert.ok(isSecretPath(path), path);
    }
    for (const path of ['src/env.ts', 'src/environment.ts', 'README.md', 'src/keyboard.ts', 'docs/credentials.md', 'src/secrets-manager.ts', 'package.json', 'src/key.ts']) {
      assert.ok(!isSecretPath(path), path);
    }
  });
});

describe('symbols of languages without a bundled grammar (regexes)', () => {
  test('declarations of several languages and markdown headings', () => {
    assert.deepEqual(extractSymbols('lib.rs', 'use std::io;\npub struct Cart {\n}\nimpl Cart {\n    pub fn add(&mut self) {}\n}\n'), ['pub struct Cart', 'impl Cart', 'pub fn add(&mut self) {}']);
    assert.deepEqual(extractSymbols('README.md', '# Title\n\n```sh\n# not a heading\n```\n## Usage\n#### too deep\n'), ['# Title', '## Usage']);
    assert.deepEqual(extractSymbols('data.json', '{"a": 1}'), []);
    // A Vue/Svelte script's import list is not a list of declarations.
    assert.deepEqual(extractSymbols('App.vue', 'import {\n  type Props,\n  ref,\n} from "vue";\nexport interface State {\n  a: number;\n}\n'), ['export interface State']);
  });
});
