#!/usr/bin/env bash
# `npm run demo`: the main job on built-in defaults, with no keys and no network. It makes a small
# sample repository (a function, its test, a README) in a temp dir, runs a prompt against it with the
# deterministic offline agent, the isolated local sandbox and the repository's own `npm test` before and
# after the change, and leaves the result on a new branch of the sample repository.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli.js ] || node esbuild.js --production >/dev/null
repo="$(mktemp -d "${TMPDIR:-/tmp}/tiny-backspace-demo.XXXXXX")"
cat > "$repo/README.md" <<'MD'
# Greeter

Says hello.
MD
cat > "$repo/greet.js" <<'JS'
exports.greet = (name) => `Hello, ${name}!`;
JS
cat > "$repo/greet.test.js" <<'JS'
const assert = require('node:assert');
const test = require('node:test');
const { greet } = require('./greet');
test('greets by name', () => assert.strictEqual(greet('Ada'), 'Hello, Ada!'));
JS
printf '{ "name": "greeter", "private": true, "scripts": { "test": "node --test" } }\n' > "$repo/package.json"
git -C "$repo" init -q -b main
git -C "$repo" add .
git -C "$repo" -c user.name=Demo -c user.email=demo@example.com commit -qm "Greeter"
echo "Sample repository: $repo"
node dist/cli.js run --repo "$repo" --prompt 'add file HELLO.md with "Hello from Tiny Backspace"' "$@"
echo
echo "The change is on a new branch of $repo: git -C $repo log --all --oneline; git -C $repo show tiny-backspace/<branch>"
