// `npm run bench`: prints every benchmark's figures. Each suite is a module exporting one async
// function that returns a flat record of labelled figures; none of them asserts on time.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

type Bench = () => Promise<Record<string, number | string>>;

const SUITES: ReadonlyArray<readonly [string, string, string]> = [
  ['Pipeline overhead vs raw git, cold and warm repository cache (issue: engine, 12)', './pipeline', 'benchPipeline'],
  ['A 100,000-file repository: pipeline vs raw git, peak memory (issue: 12)', './large-repository', 'benchLargeRepository'],
  ['Context selection on 10,000 files (issue: agent)', './context-selection', 'benchContextSelection'],
  ['Repository map recall on real source trees (issue 11)', './repo-map/recall', 'benchRepoMapRecall'],
  ['Repository map on 100,000 files (issue 11)', './repo-map/scale', 'benchRepoMapScale'],
  ['Local SSE server (issue: server)', './server', 'benchServer'],
  ['Logging overhead (issue: observability)', './logging', 'benchLogging'],
  ['GitHub limits per token: 50 PRs, 50 tokens (issue: team server)', './github-throttle', 'benchGitHubThrottle'],
  ['Run store: 20,000 deltas and a 2 MB patch, memory and Redis (issue 14: bounded memory)', './run-store', 'benchRunStore'],
  ['Health report over a full log directory (issue: team server)', './health-report', 'benchHealthReport'],
  ['Extension bundle and activation (issue: extension)', './activation', 'benchActivation'],
  ['Sandbox import of a 100,000-entry checkout (issue: isolation)', './sandbox-import', 'benchSandboxImport'],
  ['Checks and PR integrity worst cases (issue 12: integrity)', './integrity', 'benchIntegrity'],
  ['Edit ladder worst cases (issue: edits)', './edit-ladder', 'benchEditLadder'],
  ['Agent: a scripted 40-turn conversation on 500 real files, with and without clearing (issue 10)', './agent-conversation', 'benchAgentConversation'],
  ['Agent tools: diff, search, tree, command output (issue: agent tools)', './agent-tools', 'benchAgentTools'],
  ['Editor TODO/FIXME scan, worst-case lines (issue: vscode)', './editor-prompt', 'benchEditorPrompt'],
  ['Follow-up context from hostile PR data (issue 15)', './follow-up-context', 'benchFollowUpContext'],
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  let failed = false;
  for (const [title, modulePath, exportName] of SUITES) {
    if (only.length > 0 && !only.some((name) => modulePath.includes(name))) continue;
    if (!existsSync(path.join(__dirname, `${modulePath}.ts`))) {
      console.log(`\n== ${title}\n   (suite not present)`);
      continue;
    }
    console.log(`\n== ${title}`);
    try {
      const module = (await import(modulePath)) as Record<string, Bench>;
      const bench = module[exportName];
      if (!bench) throw new Error(`${modulePath} does not export ${exportName}`);
      const figures = await bench();
      const width = Math.max(...Object.keys(figures).map((key) => key.length));
      for (const [label, value] of Object.entries(figures)) console.log(`   ${label.padEnd(width)}  ${value}`);
    } catch (error) {
      failed = true;
      console.log(`   FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

void main();
