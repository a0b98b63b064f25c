import * as vscode from 'vscode';
import type { HostRegistrar } from './host-registrar';
import { HEALTH_VIEW_ID, PANEL_VIEW_TYPE } from './view-ids';

/** What the engine bundle (dist/extension-engine.js) exports. */
export interface EngineModule {
  activateExtension(context: vscode.ExtensionContext, registrar: HostRegistrar): { deactivate(): Promise<void> };
}


type Handler = (...args: unknown[]) => unknown;

/**
 * Registers a proxy for every contributed command, the panel serializer and the health view, and loads
 * the engine the first time any of them is used. Activation itself therefore parses only this small
 * file; the 1.8 MB engine (SDKs, Octokit, zod schemas) loads when the user first acts.
 */
export class LazyEngineHost implements vscode.Disposable {
  private readonly commands = new Map<string, Handler>();
  private readonly serializers = new Map<string, vscode.WebviewPanelSerializer>();
  private readonly viewProviders = new Map<string, vscode.WebviewViewProvider>();
  private readonly proxies: vscode.Disposable[] = [];
  private readonly proxiedIds = new Set<string>();
  private engine: Promise<{ deactivate(): Promise<void> }> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly load: () => EngineModule,
    commandIds: readonly string[],
  ) {
    for (const id of commandIds) {
      this.proxiedIds.add(id);
      this.proxies.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => (await this.handler(id))(...args)));
    }
    this.proxies.push(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          await this.ensureEngine();
          await this.serializers.get(PANEL_VIEW_TYPE)?.deserializeWebviewPanel(panel, state);
        },
      }),
      vscode.window.registerWebviewViewProvider(HEALTH_VIEW_ID, {
        resolveWebviewView: async (view, resolveContext, token) => {
          await this.ensureEngine();
          await this.viewProviders.get(HEALTH_VIEW_ID)?.resolveWebviewView(view, resolveContext, token);
        },
      }),
    );
  }

  /** The registrar the engine uses: proxied ids land in the tables, anything else goes straight to VS Code. */
  readonly registrar: HostRegistrar = {
    registerCommand: (id, handler) => (this.hasProxy(id) ? this.track(this.commands, id, handler) : vscode.commands.registerCommand(id, handler)),
    registerWebviewPanelSerializer: (viewType, serializer) =>
      viewType === PANEL_VIEW_TYPE ? this.track(this.serializers, viewType, serializer) : vscode.window.registerWebviewPanelSerializer(viewType, serializer),
    registerWebviewViewProvider: (viewId, provider) =>
      viewId === HEALTH_VIEW_ID ? this.track(this.viewProviders, viewId, provider) : vscode.window.registerWebviewViewProvider(viewId, provider),
  };

  ensureEngine(): Promise<{ deactivate(): Promise<void> }> {
    this.engine ??= Promise.resolve().then(() => this.load().activateExtension(this.context, this.registrar));
    return this.engine;
  }

  /** Commands the engine has registered a handler for (loads nothing). */
  engineCommandIds(): string[] {
    return [...this.commands.keys()];
  }

  async deactivate(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    if (engine) await (await engine.catch(() => undefined))?.deactivate();
  }

  dispose(): void {
    for (const proxy of this.proxies) proxy.dispose();
  }

  private hasProxy(id: string): boolean {
    return this.proxiedIds.has(id);
  }

  private async handler(id: string): Promise<Handler> {
    await this.ensureEngine();
    const handler = this.commands.get(id);
    if (!handler) throw new Error(`Tiny Backspace: the command ${id} is not available.`);
    return handler;
  }

  private track<T>(table: Map<string, T>, id: string, value: T): vscode.Disposable {
    table.set(id, value);
    return new vscode.Disposable(() => {
      if (table.get(id) === value) table.delete(id);
    });
  }
}
