import * as vscode from 'vscode';
import type { PipelineDeps } from '../../core/pipeline/pipeline-deps';
import type { RunRequest } from '../../protocol/run-request';
import { isTinyBackspaceError } from '../../core/errors/tiny-backspace-error';
import { buildHealthReport } from '../../core/observability/build-health-report';
import { startLocalServer } from '../../core/server/local-server';
import { vscodeSettingsReader } from '../config/vscode-settings';
import { CONTEXT_KEYS, setContextKey } from '../context-keys';
import type { ExtensionServices } from '../extension-services';
import { LocalServerSession } from './local-server-session';
import { showServerActions } from './server-actions';
import { SERVER_ACTIONS_COMMAND, ServerStatusBar } from './server-status-bar';
import { getOrCreateServerToken } from './server-token';
import { ensureTrustedWorkspace } from '../trust/workspace-trust';

/** The URL a client outside this (possibly remote) machine uses; unchanged on a local desktop. */
export async function externalServerUrl(url: string): Promise<string> {
  const external = await vscode.env.asExternalUri(vscode.Uri.parse(url));
  return external.toString(true).replace(/\/$/, '');
}

/** Machine-scoped: a workspace's settings cannot choose the port or the allowed browser origins. */
function serverPort(): number {
  const value = vscodeSettingsReader()('server.port').value;
  return typeof value === 'number' && Number.isInteger(value) ? value : 0;
}

function serverAllowedOrigins(): string[] {
  const value = vscodeSettingsReader()('server.allowedOrigins').value;
  return Array.isArray(value) ? value.filter((origin): origin is string => typeof origin === 'string') : [];
}

function describeStartFailure(error: unknown, port: number): string {
  if (isTinyBackspaceError(error)) return error.remedy ? `${error.message} ${error.remedy}` : error.message;
  if ((error as { code?: unknown }).code === 'EADDRINUSE') return `Port ${port} is already in use. Change tinyBackspace.server.port, or set it to 0 for any free port.`;
  return error instanceof Error ? error.message : String(error);
}

/** Start/Stop Local Server, the status-bar item and its actions. Disposing stops the server. */
export function registerServerCommands(services: ExtensionServices, runDeps: (request: RunRequest) => Promise<Partial<PipelineDeps>>): vscode.Disposable {
  const statusBar = new ServerStatusBar();
  const token = () => getOrCreateServerToken(services.context.secrets);
  const version = String((services.context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0');

  const session = new LocalServerSession({
    start: async () => {
      return startLocalServer({
        registry: services.registry,
        token: await token(),
        port: serverPort(),
        allowedOrigins: serverAllowedOrigins(),
        logger: services.logger,
        // Fresh settings, secrets and auth per run, like a run started from the palette, with the token of
        // the run's own host and the same review gate.
        runDeps,
        // The same report the Health view shows, from the extension's own log folder.
        healthReport: () => buildHealthReport({ logDir: services.context.logUri.fsPath, registry: services.registry }),
        version,
      });
    },
    onChange: (server) => {
      statusBar.show(server);
      void setContextKey(CONTEXT_KEYS.serverRunning, server !== undefined);
    },
  });

  const stop = async () => {
    await session.stop('The local server was stopped from VS Code.');
    void vscode.window.setStatusBarMessage('Tiny Backspace: local server stopped.', 3000);
  };

  const start = async () => {
    // The server runs prompts with the user's tokens for any caller holding its token: trusted workspaces only.
    if (!(await ensureTrustedWorkspace('start the local server'))) return;
    try {
      const server = await session.start();
      // Not awaited: the command is done once the server listens, whether or not the toast is answered.
      // In Remote, Codespaces and code-server, 127.0.0.1 is the remote machine: asExternalUri forwards it.
      const external = await externalServerUrl(server.url);
      void vscode.window.showInformationMessage(`Tiny Backspace local server is listening on ${external}.`, 'Copy URL', 'Copy Token', 'Open API Docs').then(async (choice) => {
        if (choice === 'Copy URL') await vscode.env.clipboard.writeText(external);
        else if (choice === 'Copy Token') await vscode.env.clipboard.writeText(await token());
        else if (choice === 'Open API Docs') await vscode.env.openExternal(await vscode.env.asExternalUri(vscode.Uri.parse(`${server.url}/docs`)));
      });
    } catch (error) {
      const port = serverPort();
      services.logger.error('local server failed to start', error);
      void vscode.window.showErrorMessage(`Tiny Backspace could not start the local server: ${describeStartFailure(error, port)}`);
    }
  };

  return vscode.Disposable.from(
    statusBar,
    services.registrar.registerCommand('tinyBackspace.startServer', start),
    services.registrar.registerCommand('tinyBackspace.stopServer', stop),
    services.registrar.registerCommand(SERVER_ACTIONS_COMMAND, async () => {
      const server = session.current;
      if (server) await showServerActions(server, { token, stop });
      else await start();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!session.current || !event.affectsConfiguration('tinyBackspace.server')) return;
      void vscode.window.showInformationMessage('Restart the Tiny Backspace local server to apply the new settings?', 'Restart').then(async (choice) => {
        if (choice !== 'Restart') return;
        await session.stop('The local server restarted with new settings.');
        await start();
      });
    }),
    new vscode.Disposable(() => {
      void session.stop('VS Code is shutting down.');
    }),
  );
}
