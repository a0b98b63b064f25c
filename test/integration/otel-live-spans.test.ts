// OpenTelemetry spans made live by a real run: runPipeline against the loopback GitHub and the loopback
// Anthropic, with the real SDK (BasicTracerProvider + InMemorySpanExporter), the AsyncLocalStorage context
// manager a NodeSDK registers, and the real fetch (undici) instrumentation that makes HTTP client spans.
// The spans must nest as the work did: run -> step -> chat -> HTTP, each started when its work started.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { DEFAULT_CONFIG, type EngineConfig } from '../../src/core/config/engine-config';
import { createPipelineDeps } from '../../src/core/engine/create-pipeline-deps';
import { GEN_AI } from '../../src/core/observability/otel-setup';
import type { RunEvent } from '../../src/protocol/run-events';
import { anthropicErrorBody, startAnthropicStandIn } from '../support/anthropic-stand-in';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-stand-in';
import type { LlmStandIn } from '../support/llm-script';
import { collect, fixedSecrets, terminalOf } from '../support/pipeline-fixture';
import { ANTHROPIC_KEY, CLAUDE_MODEL } from './agent-support';
import { repositoryCacheIdle } from '../../src/core/git/cache/spare-checkout';

// Spans are made only with an OTLP endpoint or this opt-in (otel-setup.ts); the in-memory exporter is ours.
process.env.TINY_BACKSPACE_OTEL = '1';

const FILES = { 'README.md': '# Shop\n', 'src/signup.js': 'export function signup(body) {\n  return save(body.email);\n}\n' };
const PROMPT = 'Add input validation to the signup handler: reject an email without "@".';
const EDIT = {
  name: 'edit_file',
  input: { path: 'src/signup.js', old_str: 'export function signup(body) {\n', new_str: "export function signup(body) {\n  if (!String(body.email).includes('@')) throw new Error('invalid email');\n" },
};
const STEPS = ['validate', 'sandbox', 'clone', 'analyze', 'agent', 'apply', 'validate_changes', 'pull_request'];

const nanos = ([seconds, nanoseconds]: readonly [number, number]) => BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);
const start = (span: ReadableSpan) => nanos(span.startTime);
const end = (span: ReadableSpan) => nanos(span.endTime);
/**
 * The SDK anchors each span's start to Date.now() (whole milliseconds) and measures its duration with
 * performance.now(), so times of two different spans compare only to within a millisecond.
 */
const MS = 1_000_000n;
const notAfter = (earlier: bigint, later: bigint) => earlier <= later + MS;

describe('live OpenTelemetry spans of a real run', () => {
  let github: GitHubStandIn;
  let anthropic: LlmStandIn;
  let tempRoot: string;
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager();
  let undici: UndiciInstrumentation;

  before(async () => {
    github = await startGitHubStandIn();
    anthropic = await startAnthropicStandIn({ apiKey: ANTHROPIC_KEY });
    tempRoot = await mkdtemp(path.join(tmpdir(), 'tb-otel-live-'));
    assert.equal(context.setGlobalContextManager(contextManager.enable()), true);
    assert.equal(trace.setGlobalTracerProvider(provider), true);
    undici = new UndiciInstrumentation();
    undici.setTracerProvider(provider);
    undici.enable();
  });
  after(async () => {
    undici.disable();
    trace.disable();
    context.disable();
    await provider.shutdown();
    await Promise.all([github.close(), anthropic.close()]);
    await repositoryCacheIdle(); // a spare checkout may still be written for the next run
    await rm(tempRoot, { recursive: true, force: true });
  });

  function deps() {
    const config: EngineConfig = {
      ...DEFAULT_CONFIG,
      github: { enterpriseUrl: github.url },
      sandbox: 'local',
      anthropic: { model: CLAUDE_MODEL, baseUrl: anthropic.url },
      agent: { attemptsPerTurn: 2, retryBaseDelayMs: 5, idleTimeoutMs: 5_000 },
    };
    return createPipelineDeps({
      config,
      secrets: fixedSecrets({ githubToken: github.token, anthropicApiKey: ANTHROPIC_KEY }),
      tempRoot,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tempRoot },
    });
  }

  /** Runs one prompt and returns its events and the spans of its trace (the run span's trace id). */
  async function tracedRun(repo: string): Promise<{ events: RunEvent[]; spans: ReadableSpan[]; run: ReadableSpan }> {
    exporter.reset();
    const events = await collect({ repoUrl: `${github.url}/octo/${repo}`, prompt: PROMPT }, deps());
    const all = exporter.getFinishedSpans();
    const run = all.find((span) => span.name === 'tiny_backspace.run' && span.attributes['tiny_backspace.request_id'] === terminalOf(events).request_id);
    assert.ok(run, `a run span was exported: ${all.map((span) => span.name).join(', ')}`);
    return { events, spans: all.filter((span) => span.spanContext().traceId === run.spanContext().traceId), run };
  }

  const parentOf = (spans: readonly ReadableSpan[], span: ReadableSpan) => spans.find((candidate) => candidate.spanContext().spanId === span.parentSpanContext?.spanId);
  const isHttp = (span: ReadableSpan) => span.kind === SpanKind.CLIENT && typeof span.attributes['url.full'] === 'string';

  it('nests run -> step -> chat -> HTTP, each started when its work started, and chat spans cover their stream', async () => {
    await github.createRepo('octo', 'shop', { files: FILES });
    anthropic.push(
      { kind: 'tool_calls', text: 'Reading the handler.', calls: [{ name: 'read_file', input: { path: 'src/signup.js' } }], usage: { input: 1200, output: 40, cacheRead: 300 } },
      { kind: 'tool_calls', calls: [EDIT], usage: { input: 1500, output: 90 } },
      { kind: 'tool_calls', calls: [{ name: 'finish', input: { summary: 'signup() now rejects an email without "@".' } }] },
    );
    const { events, spans, run } = await tracedRun('shop');
    assert.equal(terminalOf(events).kind, 'completed', JSON.stringify(terminalOf(events)));

    // The run span is the trace's root and says how the run ended; the prompt stays out.
    assert.equal(run.parentSpanContext, undefined);
    assert.equal(run.attributes['tiny_backspace.outcome'], 'completed');
    assert.equal(run.attributes['tiny_backspace.repo'], `${github.url}/octo/shop`);
    assert.match(String(run.attributes['tiny_backspace.pr_url']), /\/pull\/1$/);
    assert.ok(!JSON.stringify(spans.map((span) => span.attributes)).includes(PROMPT), 'the prompt stays out of spans');

    // One step span per step, children of the run, in order, within it, ended ok.
    const steps = spans.filter((span) => span.name.startsWith('tiny_backspace.step ')).sort((a, b) => Number(start(a) - start(b)));
    assert.deepEqual(steps.map((span) => span.attributes['tiny_backspace.step']), STEPS);
    for (const [index, step] of steps.entries()) {
      assert.equal(parentOf(spans, step), run, `${step.name} is a child of the run`);
      assert.equal(step.attributes['tiny_backspace.outcome'], 'ok');
      assert.ok(notAfter(start(run), start(step)) && notAfter(end(step), end(run)), `${step.name} lies within the run`);
      const next = steps[index + 1];
      if (next) assert.ok(notAfter(end(step), start(next)), `${step.name} ends before ${next.name} starts`);
    }
    const agent = steps.find((span) => span.attributes['tiny_backspace.step'] === 'agent');
    assert.ok(agent);

    // A chat span per model call, children of the agent step, with the GenAI attributes of that call.
    const chats = spans.filter((span) => span.name === `chat ${CLAUDE_MODEL}`).sort((a, b) => Number(start(a) - start(b)));
    assert.equal(chats.length, 3);
    const usages = events.filter((event): event is Extract<RunEvent, { kind: 'usage' }> => event.kind === 'usage');
    assert.equal(usages.length, 3);
    for (const [index, chat] of chats.entries()) {
      assert.equal(parentOf(spans, chat), agent, 'a chat span is a child of the agent step');
      assert.equal(chat.kind, SpanKind.CLIENT);
      assert.ok(notAfter(start(agent), start(chat)) && notAfter(end(chat), end(agent)), 'a chat span starts after its step started and ends within it');
      assert.equal(chat.attributes[GEN_AI.operationName], 'chat');
      assert.equal(chat.attributes[GEN_AI.providerName], 'anthropic');
      assert.equal(chat.attributes[GEN_AI.requestModel], CLAUDE_MODEL);
      assert.equal(chat.attributes[GEN_AI.inputTokens], usages[index]?.usage.input_tokens);
      assert.equal(chat.attributes[GEN_AI.outputTokens], usages[index]?.usage.output_tokens);
      assert.deepEqual(chat.attributes[GEN_AI.finishReasons], ['tool_use']);
      assert.equal(chat.status.code, SpanStatusCode.UNSET);
    }
    assert.equal(chats[0]?.attributes[GEN_AI.cacheReadInputTokens], 300);
    assert.equal(chats[1]?.attributes[GEN_AI.outputTokens], 90);

    // A call's span starts when its request is sent, not when the previous call ended: the tools that ran
    // between two calls (span events on the agent step) lie between the two chat spans.
    const tools = agent.events.filter((event) => event.name === 'tool');
    assert.deepEqual(tools.map((event) => event.attributes?.['gen_ai.tool.name']), ['Read', 'Edit', 'Finish']);
    for (const [index, tool] of tools.slice(0, 2).entries()) {
      const before = chats[index];
      const afterwards = chats[index + 1];
      assert.ok(before && afterwards);
      assert.ok(notAfter(end(before), nanos(tool.time)) && notAfter(nanos(tool.time), start(afterwards)), `tool ${index} ran between chat ${index} and chat ${index + 1}`);
    }

    // Each chat span was the active span while its SDK sent the request: the fetch instrumentation's
    // HTTP span is its child, and the chat span lasts until the streamed body has fully arrived.
    for (const chat of chats) {
      const http = spans.filter((span) => isHttp(span) && parentOf(spans, span) === chat);
      assert.equal(http.length, 1, `one HTTP span under ${chat.name}`);
      const [request] = http;
      assert.ok(request);
      assert.equal(request.attributes['url.full'], `${anthropic.url}/v1/messages`);
      assert.ok(notAfter(start(chat), start(request)) && notAfter(end(request), end(chat)), 'the chat span covers the whole HTTP exchange, stream included');
    }

    // Octokit's requests (validate, pull_request) nest under their steps too: nothing floats outside the run.
    const githubCalls = spans.filter((span) => isHttp(span) && String(span.attributes['url.full']).startsWith(github.url));
    assert.ok(githubCalls.length > 0);
    for (const call of githubCalls) {
      const step = parentOf(spans, call);
      assert.ok(step && steps.includes(step), `${String(call.attributes['url.full'])} is a child of a step`);
    }
    const orphans = exporter.getFinishedSpans().filter((span) => isHttp(span) && span.spanContext().traceId !== run.spanContext().traceId);
    assert.deepEqual(orphans.map((span) => span.attributes['url.full']), [], 'no HTTP span of the run lies outside its trace');
  });

  it('a refused attempt is its own failed chat span, then the retry succeeds; a failed run marks its span', async () => {
    await github.createRepo('octo', 'shop-retry', { files: FILES });
    anthropic.push(
      { kind: 'http_error', status: 529, body: anthropicErrorBody('overloaded_error', 'Overloaded'), headers: { 'retry-after-ms': '5' } },
      { kind: 'tool_calls', calls: [EDIT, { name: 'finish', input: { summary: 'Validated the email.' } }] },
    );
    const retried = await tracedRun('shop-retry');
    assert.equal(terminalOf(retried.events).kind, 'completed');
    const attempts = retried.spans.filter((span) => span.name.startsWith('chat ')).sort((a, b) => Number(start(a) - start(b)));
    assert.deepEqual(attempts.map((span) => [span.status.code, span.attributes['error.type'] ?? null]), [
      [SpanStatusCode.ERROR, '529'],
      [SpanStatusCode.UNSET, null],
    ]);
    const [refused, succeeded] = attempts;
    assert.ok(refused && succeeded && notAfter(end(refused), start(succeeded)), 'the retry is a new span after the refused one');
    const agent = parentOf(retried.spans, refused);
    assert.equal(agent?.name, 'tiny_backspace.step agent');
    assert.ok(agent?.events.some((event) => event.name === 'provider_fallback'), 'the retry decision is an event on the agent step');

    // No repository: the validate step fails, and both its span and the run span say why.
    const failed = await tracedRun('does-not-exist');
    assert.equal(terminalOf(failed.events).kind, 'failed');
    const failedStep = failed.spans.find((span) => span.name === 'tiny_backspace.step validate');
    assert.equal(failedStep?.status.code, SpanStatusCode.ERROR);
    assert.equal(failedStep?.attributes['tiny_backspace.outcome'], 'failed');
    const code = (terminalOf(failed.events) as Extract<RunEvent, { kind: 'failed' }>).error.code;
    assert.equal(failedStep?.attributes['error.type'], code);
    assert.equal(failed.run.status.code, SpanStatusCode.ERROR);
    assert.equal(failed.run.attributes['error.type'], code);
    assert.equal(failed.spans.filter((span) => span.name.startsWith('tiny_backspace.step ')).length, 1, 'no step after the failed one');
  });
});
