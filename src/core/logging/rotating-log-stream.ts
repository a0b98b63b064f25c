import { chmod, existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { finished } from 'node:stream/promises';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import { logFileName, rotatedLogFileName, rotationHistoryFileName, type LogCategory } from './log-files';

/** Logs can hold repository names, prompts and stack traces: owner-only, like ~/.ssh. */
export const LOG_FILE_MODE = 0o600;
export const LOG_DIR_MODE = 0o700;

export interface RotatingLogStreamOptions {
  readonly dir: string;
  readonly category: LogCategory;
  /** Rotate once the live file reaches this size. */
  readonly maxFileBytes: number;
  /** Rotated (gzipped) files kept; older ones are deleted. */
  readonly maxFiles: number;
  /** Another process already writes the plain names: this one writes its own files (see log-writer.ts). */
  readonly writer?: string;
  readonly onError?: (error: Error) => void;
}

export interface RotatingLogStream {
  readonly stream: RotatingFileStream;
  /** Ends the stream and resolves once buffered lines and any running rotation are on disk. */
  close(): Promise<void>;
}

export function ensureLogDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: LOG_DIR_MODE });
}

/**
 * One category's file, rotated by size, gzip-compressed, pruned to `maxFiles`, by rotating-file-stream
 * (no hand-written rotation). Every file it creates, rotated ones included, gets mode 0600.
 */
export function createRotatingLogStream(options: RotatingLogStreamOptions): RotatingLogStream {
  ensureLogDir(options.dir);
  const live = path.join(options.dir, logFileName(options.category, options.writer));
  // A file left by an older version or another tool keeps its mode on append; tighten it first.
  if (existsSync(live)) chmod(live, LOG_FILE_MODE, () => {});
  const history = rotationHistoryFileName(options.category, options.writer);
  const stream = createStream((time: Date | number | null, index?: number) => {
    if (time === null) return logFileName(options.category, options.writer);
    return rotatedLogFileName(options.category, typeof time === 'number' ? new Date(time) : time, index ?? 1, options.writer);
  }, {
    path: `${options.dir}${path.sep}`,
    size: `${Math.max(1, Math.floor(options.maxFileBytes))}B`,
    maxFiles: Math.max(1, Math.floor(options.maxFiles)),
    compress: 'gzip',
    mode: LOG_FILE_MODE,
    history,
  });
  // rfs writes its history file with the default mode; it only lists file names, but keep the dir uniform.
  stream.on('history', () => chmod(path.join(options.dir, history), LOG_FILE_MODE, () => {}));
  // A full disk must not crash the host: report and keep running without that file.
  stream.on('error', (error: Error) => options.onError?.(error));
  stream.on('warning', (error: Error) => options.onError?.(error));
  return {
    stream,
    close: async () => {
      if (stream.writableFinished || stream.destroyed) return;
      stream.end();
      await finished(stream).catch(() => {});
    },
  };
}
