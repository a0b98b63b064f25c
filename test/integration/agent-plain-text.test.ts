// Models without tool use answer in plain text: SEARCH/REPLACE blocks or whole-file fences labelled
// `lang:path`. Edits that apply stay applied; only the failed ones go back to the model, with the file's
// actual lines.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAgentChain } from '../../src/core/agent/create-agent-chain';
import { ANTHROPIC_KEY, anthropicStandIn, openaiStandIn, recordingContext, testConfig, testWorkspace } from './agent-support';

const FILES = {
  'src/greet.py': 'def greet(name):\n    return "Hello " + name\n\n\ndef shout(name):\n    return greet(name).upper()\n',
  'src/config.ts': "export const retries = 3;\nexport const timeoutMs = 1000;\n",
};

const searchReplace = (path: string, search: string, replace: string) => `${path}\n\`\`\`python\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE\n\`\`\``;

describe('plain-text answers from a model without tool use', () => {
  test('SEARCH/REPLACE blocks from a local OpenAI-compatible model (no key, no tools)', async (t) => {
    const reply = `Greeting now uses an f-string.\n\n${searchReplace('src/greet.py', '    return "Hello " + name', '    return f"Hello {name}"')}\n`;
    const local = await openaiStandIn(t, [{ kind: 'text', text: reply }]);
    const ws = await testWorkspace(t, FILES);
    const config = testConfig({ openai: local, providers: ['openai'], toolUse: false });
    const run = recordingContext({ workspace: ws, prompt: 'Use an f-string in greet.', config });

    const result = await createAgentChain({ config, secrets: { openaiApiKey: 'sk-test-openai-0123456789abcdef' }, logger: run.context.logger }).run(run.context);

    assert.equal(result.summary, 'Greeting now uses an f-string.');
    assert.equal(ws.workspace.changes.list()[0]?.after, 'def greet(name):\n    return f"Hello {name}"\n\n\ndef shout(name):\n    return greet(name).upper()\n');
    const request = local.requests[0]?.body;
    assert.equal(request.tools, undefined, 'no tools are offered to a plain-text model');
    assert.match(request.messages[0].content, /<<<<<<< SEARCH/);
    assert.match(request.messages[0].content, /src\/greet\.py\n```\ndef greet\(name\):/, 'the relevant file comes with the prompt');
    assert.match(run.thinking('provider')[0]?.message ?? '', /plain-text edit mode/);
    assert.deepEqual(run.of('tool').map((event) => event.message), ['Tool: Edit src/greet.py']);
  });

  test('a fence labelled lang:path replaces the whole file', async (t) => {
    const reply = 'Raised the retries.\n\n```ts:src/config.ts\nexport const retries = 5;\nexport const timeoutMs = 1000;\n```\n';
    const local = await openaiStandIn(t, [{ kind: 'text', text: reply }]);
    const ws = await testWorkspace(t, FILES);
    const config = testConfig({ openai: local, providers: ['openai'], toolUse: false });
    const run = recordingContext({ workspace: ws, prompt: 'Use 5 retries.', config });

    await createAgentChain({ config, secrets: { openaiApiKey: 'sk-test-openai-0123456789abcdef' }, logger: run.context.logger }).run(run.context);

    assert.equal(ws.workspace.changes.list()[0]?.after, 'export const retries = 5;\nexport const timeoutMs = 1000;\n');
    assert.equal(run.of('tool')[0]?.message, 'Tool: Edit src/config.ts (whole file)');
  });

  test('only the failed block is re-asked, with the actual nearby lines; the good one stays applied', async (t) => {
    const first = [
      'Two changes.',
      searchReplace('src/greet.py', '    return "Hello " + name', '    return "Hi " + name'),
      searchReplace('src/greet.py', '    return greet(name).upper() + "!"', '    return greet(name).upper() + "!!"'),
    ].join('\n\n');
    const second = `Fixed the second one.\n\n${searchReplace('src/greet.py', '    return greet(name).upper()', '    return greet(name).upper() + "!"')}`;
    const claude = await anthropicStandIn(t, [{ kind: 'text', text: first }, { kind: 'text', text: second }]);
    const ws = await testWorkspace(t, FILES);
    const config = testConfig({ anthropic: claude, providers: ['anthropic'] });
    const run = recordingContext({ workspace: ws, prompt: 'Say Hi and add an exclamation mark when shouting.', config });

    const result = await createAgentChain({ config, secrets: { anthropicApiKey: ANTHROPIC_KEY }, logger: run.context.logger }).run(run.context);

    assert.equal(ws.workspace.changes.list()[0]?.after, 'def greet(name):\n    return "Hi " + name\n\n\ndef shout(name):\n    return greet(name).upper() + "!"\n');
    assert.equal(result.summary, 'Fixed the second one.');
    const reask = claude.requests[1]?.body.messages.at(-1).content[0].text as string;
    assert.match(reask, /1 edit\(s\) applied\. 1 did not; resend ONLY these/);
    assert.match(reask, /SEARCH\/REPLACE block 2 \(src\/greet\.py\)/);
    assert.doesNotMatch(reask, /block 1 /);
    assert.match(reask, /6 \| {5}return greet\(name\)\.upper\(\)/, 'the actual line, numbered');
    assert.equal(run.thinking('tool_decision').length, 1);
  });

  test('an unterminated block is reported back instead of being half-applied', async (t) => {
    const broken = 'src/config.ts\n<<<<<<< SEARCH\nexport const retries = 3;\n=======\nexport const retries = 4;\n';
    const fixed = 'src/config.ts\n<<<<<<< SEARCH\nexport const retries = 3;\n=======\nexport const retries = 4;\n>>>>>>> REPLACE\n';
    const claude = await anthropicStandIn(t, [{ kind: 'text', text: broken }, { kind: 'text', text: fixed }]);
    const ws = await testWorkspace(t, FILES);
    const config = testConfig({ anthropic: claude, providers: ['anthropic'] });
    const run = recordingContext({ workspace: ws, prompt: 'Use 4 retries.', config });

    await createAgentChain({ config, secrets: { anthropicApiKey: ANTHROPIC_KEY }, logger: run.context.logger }).run(run.context);

    assert.match(claude.requests[1]?.body.messages.at(-1).content[0].text, /has no >>>>>>> REPLACE line/);
    assert.equal(ws.workspace.changes.list()[0]?.after, 'export const retries = 4;\nexport const timeoutMs = 1000;\n');
  });
});
