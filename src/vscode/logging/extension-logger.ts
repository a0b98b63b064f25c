import type * as vscode from 'vscode';
import { createLogger, type ClosableLogger, type CreateLoggerOptions, type LogLevel } from '../../core/logging/create-logger';
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

/**
 * Creates the file logger on first use, so activation opens no files. Everything the engine and the
 * shell log goes through the one logger of the design (files + this mirror).
 */
export class LazyLogger implements ClosableLogger {
  private logger: ClosableLogger | undefined;

  constructor(private readonly options: () => CreateLoggerOptions) {}

  private get real(): ClosableLogger {
    this.logger ??= createLogger(this.options());
    return this.logger;
  }

  debug(message: string, fields?: LogFields): void {
    this.real.debug(message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.real.info(message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.real.warn(message, fields);
  }
  error(message: string, error?: unknown, fields?: LogFields): void {
    this.real.error(message, error, fields);
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

