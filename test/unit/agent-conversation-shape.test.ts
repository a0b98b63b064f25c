// The conversation the loop keeps, and what each vendor's converter makes of it (issue 10).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openaiApiFor } from '../../src/core/agent/chain/provider-entries';
import { clearOldToolResults } from '../../src/core/agent/loop/context-editing';
import { Conversation } from '../../src/core/agent/loop/conversation';
import { toAnthropicMessages } from '../../src/core/agent/model/anthropic-messages';
import { toOpenAIMessages } from '../../src/core/agent/model/openai-model';
import { turnOutputTokens } from '../../src/core/agent/model/output-caps';

describe('conversation shape', () => {
  test('an empty assistant turn is not kept, and the note after it joins the previous user message', () => {
    const conversation = new Conversation('do it');
    assert.equal(conversation.assistant('', []), false);
    conversation.user({ text: 'Your reply was cut off.' });
    assert.equal(conversation.messages.length, 1);
    assert.deepEqual(conversation.messages[0], { role: 'user', toolResults: [], text: 'do it\n\nYour reply was cut off.' });
    assert.ok(toOpenAIMessages('sys', conversation.messages).every((message) => message.role !== 'assistant'));
  });

  test('Anthropic: at most 2 breakpoints in the messages (4 with system and tools), on the two newest user messages', () => {
    const conversation = new Conversation('go');
    for (let turn = 0; turn < 5; turn += 1) {
      conversation.assistant('', [{ id: `t${turn}`, name: 'read_file', input: { path: 'a' } }]);
      conversation.user({ toolResults: [{ callId: `t${turn}`, content: 'x', isError: false }], text: 'Budget left: plenty.' });
    }
    const marked = toAnthropicMessages(conversation.messages).flatMap((message, index) =>
      (message.content as Array<{ cache_control?: unknown }>).some((block) => block.cache_control) ? [index] : [],
    );
    assert.deepEqual(marked, [8, 10]);
  });
});

describe('context editing', () => {
  test('clears all but the newest results once those in full pass the trigger, with a note on how to get them again', () => {
    const conversation = new Conversation('go');
    for (let turn = 0; turn < 6; turn += 1) {
      conversation.assistant('', [{ id: `t${turn}`, name: 'read_file', input: { path: `f${turn}.ts` } }]);
      conversation.user({ toolResults: [{ callId: `t${turn}`, content: 'y'.repeat(4_000), isError: false }] });
    }
    assert.equal(clearOldToolResults(conversation, { keep: 2, triggerTokens: 100_000 }), 0, 'under the trigger nothing is cleared');
    assert.equal(clearOldToolResults(conversation, { keep: 2, triggerTokens: 5_000 }), 4);
    const contents = conversation.messages.flatMap((message) => (message.role === 'user' ? (message.toolResults ?? []).map((result) => result.content) : []));
    assert.match(contents[0] ?? '', /^\[cleared to save context\] The output of read_file "f0\.ts" \(4,000 characters\) was removed/);
    assert.equal(contents[5]?.length, 4_000);
    assert.equal(clearOldToolResults(conversation, { keep: 2, triggerTokens: 5_000 }), 0, 'nothing left to clear until results build up again');
  });
});

describe('provider choice and output caps', () => {
  test('official OpenAI goes through the Responses API, a compatible endpoint through Chat Completions', () => {
    assert.equal(openaiApiFor({ model: 'gpt-5.1' }), 'responses');
    assert.equal(openaiApiFor({ model: 'gpt-5.1', baseUrl: 'https://api.openai.com/v1' }), 'responses');
    assert.equal(openaiApiFor({ model: 'llama3.1', baseUrl: 'http://127.0.0.1:11434/v1' }), 'chat');
    assert.equal(openaiApiFor({ model: 'gpt-5.1', baseUrl: 'http://127.0.0.1:9/v1', api: 'responses' }), 'responses');
  });

  test('output caps fit the model', () => {
    assert.equal(turnOutputTokens('claude-sonnet-4-6', undefined), 32_000);
    assert.equal(turnOutputTokens('claude-3-5-haiku-latest', undefined), 8_192);
    assert.equal(turnOutputTokens('gpt-4o', 100_000), 16_384, 'never above what the model accepts');
    assert.equal(turnOutputTokens('llama3.1', undefined), 8_192);
  });
});
