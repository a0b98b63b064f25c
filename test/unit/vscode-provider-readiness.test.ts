import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOfflinePrompt } from '../../src/core/agent/offline/offline-grammar';
import { OFFLINE_EXAMPLE_PROMPT, providerReadiness } from '../../src/vscode/runs/provider-readiness';

const NONE = { providers: ['anthropic', 'openai', 'offline'] as const, anthropicKey: false, openaiKey: false };

test('the suggested offline prompt is one the offline agent can actually do', () => {
  assert.equal(parseOfflinePrompt(OFFLINE_EXAMPLE_PROMPT).ok, true);
});

test('no key, no local model: a free-form prompt is refused before anything starts, naming the way out', () => {
  const readiness = providerReadiness({ ...NONE, prompt: 'Add input validation to all POST endpoints' });
  assert.equal(readiness.ok, false);
  assert.match(readiness.ok ? '' : readiness.reason, /No AI provider is set up/);
});

test('no key: a mechanical prompt goes to the offline agent', () => {
  assert.deepEqual(providerReadiness({ ...NONE, prompt: 'replace "a" with "b" in README.md' }), { ok: true, provider: 'offline' });
});

test('a key, or a loopback OpenAI-compatible URL without a key, is a model provider', () => {
  assert.deepEqual(providerReadiness({ ...NONE, anthropicKey: true, prompt: 'anything' }), { ok: true, provider: 'anthropic' });
  assert.deepEqual(providerReadiness({ ...NONE, openaiBaseUrl: 'http://127.0.0.1:11434/v1', prompt: 'anything' }), { ok: true, provider: 'openai' });
  assert.equal(providerReadiness({ ...NONE, openaiBaseUrl: 'https://llm.example.com/v1', prompt: 'anything' }).ok, false, 'a remote URL needs a key');
});

test('a provider left out of the chain does not count, even with a key', () => {
  assert.equal(providerReadiness({ providers: ['offline'], anthropicKey: true, openaiKey: true, prompt: 'anything' }).ok, false);
});
