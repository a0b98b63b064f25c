import { cancellation } from '../core/errors/cancelled-error';

import { configFromEnv, secretsFromEnv } from '../core/config/config-from-env';
import { createPipelineDeps } from '../core/engine/create-pipeline-deps';
import type { Logger } from '../core/logging/logger';
import { EXIT_CANCELLED, EXIT_FAILED, EXIT_USAGE, RUN_USAGE, runCommand } from './commands/run-command';
import { SERVE_USAGE, serveCommand } from './commands/serve-command';
import { HEALTH_USAGE, healthCommand } from './commands/health-command';
import { MONITOR_USAGE, monitorCommand } from './commands/monitor-command';
import { createHostObservability, observabilitySettingsFromEnv } from '../core/observability/host-observability';
import { formatMirrorLine } from '../core/logging/format-mirror-line';
import { UsageError } from './usage-error';

const USAGE = `Usage: tiny-backspace <command> [options]

Commands:
  run       Run a prompt against a repository and open a pull request
  serve     Start the local SSE server on 127.0.0.1 (POST /code streams a run)
  health    Print the health report from the logs and run traces (--json for the GET /health document)
  monitor   Live terminal dashboard of the runs writing to the log directory
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
    controller.abort(cancellation(`Cancelled by ${name}.`));
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
    const usages: Record<string, string> = { run: RUN_USAGE, serve: SERVE_USAGE, health: HEALTH_USAGE, monitor: MONITOR_USAGE };
    stdout.write(`${usages[command] ?? USAGE}\n`);
    return 0;
  }
  const env = process.env;
  switch (command) {
    case 'run': {
      const controller = cancelOnInterrupt();
      // Logs and the run's trace go to TINY_BACKSPACE_LOG_DIR (default ./logs); stderr mirrors at TINY_BACKSPACE_LOG_LEVEL (default warn).
      const settings = observabilitySettingsFromEnv(env);
      const observability = createHostObservability({ ...settings, env, mirror: (level, message, fields) => stderr.write(`${formatMirrorLine(level, message, fields)}\n`) });
      try {
        const deps = createPipelineDeps({ config: configFromEnv(env), secrets: secretsFromEnv(env), allowLocalRepositories: true, env, logger: observability.logger });
        return await runCommand(rest, { stdout, stderr, signal: controller.signal, deps, onEvent: observability.record });
      } finally {
        await observability.close();
      }
    }
    case 'health':
      return healthCommand(rest, { stdout, env });
    case 'monitor': {
      // Ctrl-C ends the dashboard and restores the terminal; the monitor never cancels runs.
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      process.once('SIGTERM', () => controller.abort());
      return monitorCommand(rest, { stdout, env, signal: controller.signal, columns: () => process.stdout.columns });
    }
    case 'serve': {
      const controller = cancelOnInterrupt();
      const settings = observabilitySettingsFromEnv(env);
      const observability = createHostObservability({ ...settings, env, mirror: (level, message, fields) => stderr.write(`${formatMirrorLine(level, message, fields)}\n`) });
      const createDeps = (logger: Logger) =>
        createPipelineDeps({ config: configFromEnv(env), secrets: secretsFromEnv(env), allowLocalRepositories: false, env, logger });
      try {
        return await serveCommand(rest, {
          stdout,
          stderr,
          signal: controller.signal,
          env,
          createDeps,
          logger: observability.logger,
          attachRegistry: (registry) => observability.attach(registry),
          addKnownSecret: (value) => observability.logger.addKnownSecrets([value]),
          healthReport: (registry) => observability.healthReport(registry),
        });
      } finally {
        await observability.close();
      }
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

