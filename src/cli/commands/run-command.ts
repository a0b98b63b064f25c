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
       tiny-backspace run --repo <github url> --pr <number> (--prompt "<text>" | --address-review)

Options:
  --repo <url|path>     GitHub (or Enterprise) repository URL, or a local git repository
  --prompt <text>       What to change
  --pr <number>         Follow up on this open pull request: one new commit on its head branch, no new PR
  --address-review      With --pr: address the PR's unresolved review threads and reply to each
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
      pr: { type: 'string' },
      'address-review': { type: 'boolean', default: false },
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
  const pullRequest = parsePullRequestArg(values.pr);
  const addressReview = values['address-review'] ?? false;
  if (addressReview && pullRequest === undefined) throw new UsageError('--address-review needs --pr <number> (the pull request to work on).', RUN_USAGE);
  if (!values.prompt && !addressReview) throw new UsageError('--prompt is required (or --pr N --address-review).', RUN_USAGE);
  if (pullRequest !== undefined && values.base) throw new UsageError('--base cannot be combined with --pr: a follow-up builds on the pull request\'s head branch.', RUN_USAGE);
  const sandbox = values.sandbox === undefined ? undefined : SandboxModeSchema.safeParse(values.sandbox);
  if (sandbox && !sandbox.success) throw new UsageError(`--sandbox must be auto, e2b or local (got "${values.sandbox}").`, RUN_USAGE);
  return {
    repo: values.repo,
    prompt: values.prompt,
    base: values.base,
    pullRequest,
    addressReview,
    sandbox: sandbox?.data,
    dryRun: values['dry-run'] ?? false,
    draft: values.draft ?? false,
    allowFailingChecks: values['allow-failing-checks'] ?? false,
    allowUnisolated: values['allow-unisolated'] ?? false,
    json: values.json ?? false,
    verbose: values.verbose ?? false,
  };
}

/** `--pr` takes a number, `#N`, or a pull request URL (…/pull/N). */
function parsePullRequestArg(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(?:#?(\d+)|https?:\/\/\S+\/pull\/(\d+)\/?(?:[#?]\S*)?)$/.exec(value.trim());
  const number = Number(match?.[1] ?? match?.[2]);
  if (!match || !Number.isSafeInteger(number) || number < 1) throw new UsageError(`--pr must be a pull request number or URL (got "${value}").`, RUN_USAGE);
  return number;
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
      ...(args.prompt ? { prompt: args.prompt } : {}),
      ...(args.base ? { base: args.base } : {}),
      ...(args.pullRequest !== undefined ? { pullRequest: args.pullRequest } : {}),
      ...(args.addressReview ? { addressReview: true } : {}),
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
  // A follow-up refused because the PR head moved keeps its change: print it so nothing is lost.
  if (terminal?.kind === 'failed' && terminal.patch && !args.json) io.stdout.write(`\n${printable(terminal.patch).trimEnd()}\n`);
  return terminal?.kind === 'cancelled' ? EXIT_CANCELLED : EXIT_FAILED;
}
