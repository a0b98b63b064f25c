
import { configFromEnv, secretsFromEnv } from '../core/config/config-from-env';
import { createPipelineDeps } from '../core/engine/create-pipeline-deps';
import { EXIT_CANCELLED, EXIT_FAILED, EXIT_USAGE, RUN_USAGE, runCommand } from './commands/run-command';
import { UsageError } from './usage-error';

const USAGE = `Usage: tiny-backspace <command> [options]

Commands:
  run       Run a prompt against a repository and open a pull request
  help      Show this help

Run "tiny-backspace <command> --help" for a command's options.

${RUN_USAGE}`;

const stdout = { write: (text: string) => void process.stdout.write(text), isTTY: process.stdout.isTTY };
const stderr = { write: (text: string) => void process.stderr.write(text), isTTY: process.stderr.isTTY };

/** Ctrl-C cancels the run cleanly; a second Ctrl-C exits at once. */
function cancelOnInterrupt(): AbortController {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (name: string) => () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(EXIT_CANCELLED);
    stderr.write(`\nCancelling (${name})… press Ctrl-C again to exit immediately.\n`);
    controller.abort(`Cancelled by ${name}.`);
  };
  process.on('SIGINT', onSignal('Ctrl-C'));
  process.on('SIGTERM', onSignal('SIGTERM'));
  return controller;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    stdout.write(`${USAGE}\n`);
    return command === undefined ? EXIT_USAGE : 0;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    stdout.write(`${command === 'run' ? RUN_USAGE : USAGE}\n`);
    return 0;
  }
  const env = process.env;
  switch (command) {
    case 'run': {
      const controller = cancelOnInterrupt();
      const deps = createPipelineDeps({ config: configFromEnv(env), secrets: secretsFromEnv(env), allowLocalRepositories: true, env });
      return runCommand(rest, { stdout, stderr, signal: controller.signal, deps });
    }
    default:
      throw new UsageError(`Unknown command "${command}".`, USAGE);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      stderr.write(`${error.message}\n\n${error instanceof UsageError ? error.usage : USAGE}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    stderr.write(`tiny-backspace: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_FAILED;
  },
);

