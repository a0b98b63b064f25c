import type * as vscode from 'vscode';
import { createLogger, type ClosableLogger, type CreateLoggerOptions, type FileLogger, type LogLevel } from '../../core/logging/create-logger';
import type { LogFields } from '../../core/logging/logger';

function formatFields(fields: LogFields | undefined): string {
  if (!fields || Object.keys(fields).length === 0) return '';
  try {
    return ` ${JSON.stringify(fields)}`;
  } catch {
    return ' {unserializable fields}';
  }
}

/** Mirrors log lines into the LogOutputChannel, at the channel's own level (the user sets it in VS Code). */
export function outputChannelMirror(output: vscode.LogOutputChannel): NonNullable<CreateLoggerOptions['mirror']> {
  return (level: LogLevel, message: string, fields?: LogFields) => {
    const line = `${message}${formatFields(fields)}`;
    switch (level) {
      case 'trace':
        output.trace(line);
        break;
      case 'debug':
        output.debug(line);
        break;
      case 'info':
        output.info(line);
        break;
      case 'warn':
        output.warn(line);
        break;
      case 'error':
        output.error(line);
        break;
    }
  };
}

/** `vscode.LogLevel` values (Off 0, Trace 1, Debug 2, Info 3, Warning 4, Error 5), without importing vscode. */
const CHANNEL_THRESHOLD: Readonly<Record<LogLevel, number>> = { trace: 1, debug: 2, info: 3, warn: 4, error: 5 };

/** Whether a line at `level` is written while the output channel is at `channelLevel` (a vscode.LogLevel). */
export function passesChannelLevel(level: LogLevel, channelLevel: number): boolean {
  return channelLevel !== 0 && CHANNEL_THRESHOLD[level] >= channelLevel;
}

/** Secret values from the environment the extension host starts with, known to redaction from the start. */
export const ENV_SECRET_VARIABLES = ['GITHUB_TOKEN', 'GITHUB_PAT', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'E2B_API_KEY'] as const;

/**
 * Creates the file logger on first use, so activation opens no files. Everything the engine and the
 * shell log goes through the one logger of the design (files + this mirror). Its level is the output
 * channel's own ("Developer: Set Log Level…", or the channel's gear), read on every line, so changing it
 * applies at once to the channel and to app.log alike; performance and thinking lines always record.
 */
export class LazyLogger implements ClosableLogger {
  private logger: FileLogger | undefined;
  private readonly pendingSecrets: string[] = [];

  constructor(
    /** Build options; the level given there is ignored in favour of `channelLevel`. */
    private readonly options: () => CreateLoggerOptions,
    /** The LogOutputChannel's current level (a vscode.LogLevel number). */
    private readonly channelLevel: () => number = () => CHANNEL_THRESHOLD.info,
  ) {}

  private get real(): FileLogger {
    if (!this.logger) {
      const options = this.options();
      this.logger = createLogger({ ...options, level: 'trace', mirrorLevel: 'trace', knownSecrets: [...(options.knownSecrets ?? []), ...this.pendingSecrets] });
      this.pendingSecrets.length = 0;
    }
    return this.logger;
  }

  /** Values (API keys from SecretStorage, session tokens) replaced verbatim in every line from now on. */
  addKnownSecrets(values: readonly (string | undefined)[]): void {
    if (this.logger) this.logger.addKnownSecrets(values);
    else for (const value of values) if (typeof value === 'string' && value !== '') this.pendingSecrets.push(value);
  }

  private passes(level: LogLevel): boolean {
    return passesChannelLevel(level, this.channelLevel());
  }

  debug(message: string, fields?: LogFields): void {
    if (this.passes('debug')) this.real.debug(message, fields);
  }
  info(message: string, fields?: LogFields): void {
    if (this.passes('info')) this.real.info(message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    if (this.passes('warn')) this.real.warn(message, fields);
  }
  error(message: string, error?: unknown, fields?: LogFields): void {
    if (this.passes('error')) this.real.error(message, error, fields);
  }
  performance(operation: string, durationMs: number, fields?: LogFields): void {
    this.real.performance(operation, durationMs, fields);
  }
  thinking(message: string, fields?: LogFields): void {
    this.real.thinking(message, fields);
  }

  async close(): Promise<void> {
    const logger = this.logger;
    this.logger = undefined;
    await logger?.close();
  }
}
