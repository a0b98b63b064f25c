import type { LocalServer } from '../../core/server/local-server';

export interface LocalServerSessionDeps {
  readonly start: () => Promise<LocalServer>;
  /** Told about every change: the running server, or undefined once stopped. */
  readonly onChange: (server: LocalServer | undefined) => void;
}

/**
 * At most one local server per extension host. Start and stop are single-flight, so a double-clicked
 * command cannot bind two ports or leave a server running after a stop. Kept free of `vscode` so it is
 * tested with a real server outside the editor.
 */
export class LocalServerSession {
  private server: LocalServer | undefined;
  private starting: Promise<LocalServer> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly deps: LocalServerSessionDeps) {}

  get current(): LocalServer | undefined {
    return this.server;
  }

  async start(): Promise<LocalServer> {
    if (this.stopping) await this.stopping;
    if (this.server) return this.server;
    this.starting ??= this.deps
      .start()
      .then((server) => {
        this.server = server;
        this.deps.onChange(server);
        return server;
      })
      .finally(() => {
        this.starting = undefined;
      });
    return this.starting;
  }

  /** Resolves once runs started through the server are cancelled and the port is free. */
  async stop(reason: string): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    const server = this.server;
    if (!server) return this.stopping;
    this.stopping ??= server.stop(reason).finally(() => {
      this.server = undefined;
      this.stopping = undefined;
      this.deps.onChange(undefined);
    });
    return this.stopping;
  }
}
