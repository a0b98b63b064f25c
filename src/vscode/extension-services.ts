import type * as vscode from 'vscode';
import type { Logger } from '../core/logging/logger';
import type { PipelineDeps } from '../core/pipeline/pipeline-deps';
import type { RunRegistry } from '../core/runs/run-registry';
import type { HostRegistrar } from './host/host-registrar';

/**
 * The object graph of one extension host, built once in activate.ts and handed to every feature's
 * register function. No feature reaches for globals.
 */
export interface ExtensionServices {
  readonly context: vscode.ExtensionContext;
  readonly registry: RunRegistry;
  /** Pipeline deps built from the current settings, secrets and auth; call per run so changes apply. */
  readonly pipelineDeps: () => Promise<PipelineDeps>;
  readonly logger: Logger;
  readonly output: vscode.LogOutputChannel;
  /** Register commands, serializers and views through this, never `vscode.*.register*` directly. */
  readonly registrar: HostRegistrar;
}
