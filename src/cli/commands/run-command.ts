import { parseArgs } from 'node:util';
import type { RunEvent } from '../../protocol/run-events';
import { SandboxModeSchema } from '../../protocol/run-request';
import type { PipelineDeps } from '../../core/pipeline/pipeline-deps';
import { runPipeline } from '../../core/pipeline/run-pipeline';
import { looksLikeLocalPath } from '../../core/repo/resolve-local-repository';
import { HumanRenderer, printable } from '../render/human-renderer';
import { JsonRenderer } from '../render/json-renderer';
import type { Output, Renderer } from '../render/renderer';
import { UsageError } from '../usage-error';

export const RUN_USAGE = `Usage: tiny-backspace run --repo <github url | local path> --prompt "<text>" [options]

Options:
  --repo <url|path>     GitHub (or Enterprise) repository URL, or a local git repository
  --prompt <text>       What to change
  --base <branch>       Base branch (default: the repository's default branch, or the checked-out one)
  --sandbox <mode>      auto | e2b | local (default: auto = E2B when E2B_API_KEY is set, else local)
  --dry-run             Do everything except push and open the pull request; print the patch
  --draft               Open the pull request as a draft
  --allow-failing-checks  Open the pull request even if the change breaks checks that passed before
  --allow-unisolated    Run the repository's checks even where nothing isolates them (no E2B key, no
                        bubblewrap): they run as you and can read your files (also TINY_BACKSPACE_ALLOW_UNISOLATED=1)
  --json                One JSON run event per line on stdout
  --verbose             Show every progress and thinking event`;

export interface RunCommandIo {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly signal: AbortSignal;
  readonly deps: PipelineDeps;
  /** Receives every event, e.g. the trace recorder. */
  readonly onEvent?: (event: RunEvent) => void;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_CANCELLED = 130;

export function parseRunArgs(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      repo: { type: 'string' },
      prompt: { type: 'string' },
      base: { type: 'string' },
      sandbox: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      draft: { type: 'boolean', default: false },
      'allow-failing-checks': { type: 'boolean', default: false },
      'allow-unisolated': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values.repo) throw new UsageError('--repo is required.', RUN_USAGE);
  if (!values.prompt) throw new UsageError('--prompt is required.', RUN_USAGE);
  const sandbox = values.sandbox === undefined ? undefined : SandboxModeSchema.safeParse(values.sandbox);
  if (sandbox && !sandbox.success) throw new UsageError(`--sandbox must be auto, e2b or local (got "${values.sandbox}").`, RUN_USAGE);
  return {
    repo: values.repo,
    prompt: values.prompt,
    base: values.base,
    sandbox: sandbox?.data,
    dryRun: values['dry-run'] ?? false,
    draft: values.draft ?? false,
    allowFailingChecks: values['allow-failing-checks'] ?? false,
    allowUnisolated: values['allow-unisolated'] ?? false,
    json: values.json ?? false,
    verbose: values.verbose ?? false,
  };
}

export async function runCommand(argv: readonly string[], io: RunCommandIo): Promise<number> {
  const args = parseRunArgs(argv);
  const renderer: Renderer = args.json ? new JsonRenderer(io.stdout) : new HumanRenderer(io.stdout, io.stderr, args.verbose);
  // The CLI's user owns this host: --sandbox and --allow-unisolated are host policy, not request options
  // (a request may only make the sandbox stricter; see sandbox/isolation-policy.ts).
  const config = {
    ...io.deps.config,
    ...(args.sandbox ? { sandbox: args.sandbox } : {}),
    ...(args.allowUnisolated ? { allowUnisolated: true } : {}),
  };
  const handle = runPipeline(
    {
      repoUrl: args.repo,
      prompt: args.prompt,
      ...(args.base ? { base: args.base } : {}),
      options: {
        dryRun: args.dryRun,
        ...(args.draft ? { draft: true } : {}),
        ...(args.allowFailingChecks ? { allowFailingChecks: true } : {}),
      },
    },
    { ...io.deps, config },
    io.signal,
  );
  let terminal: RunEvent | undefined;
  for await (const event of handle) {
    io.onEvent?.(event);
    renderer.render(event);
    terminal = event;
  }
  renderer.finish();
  if (terminal?.kind === 'completed') {
    if (!args.json && terminal.patch && (args.dryRun || looksLikeLocalPath(args.repo))) io.stdout.write(`\n${printable(terminal.patch).trimEnd()}\n`);
    if (!args.json && terminal.pr_url) io.stdout.write(`${terminal.pr_url}\n`);
    return EXIT_OK;
  }
  return terminal?.kind === 'cancelled' ? EXIT_CANCELLED : EXIT_FAILED;
}
