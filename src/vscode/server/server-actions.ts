import * as vscode from 'vscode';
import type { LocalServer } from '../../core/server/local-server';

interface ServerAction extends vscode.QuickPickItem {
  readonly run: () => Promise<void>;
}

export interface ServerActionDeps {
  readonly token: () => Promise<string>;
  readonly stop: () => Promise<void>;
}

/** What a click on the status-bar item offers. The token goes to the clipboard only, never into a message. */
export async function showServerActions(server: LocalServer, deps: ServerActionDeps): Promise<void> {
  // Remote, Codespaces, code-server: the loopback URL of the remote machine, forwarded for the user.
  const url = (await vscode.env.asExternalUri(vscode.Uri.parse(server.url))).toString(true).replace(/\/$/, '');
  const docs = await vscode.env.asExternalUri(vscode.Uri.parse(`${server.url}/docs`));
  const actions: ServerAction[] = [
    {
      label: '$(link) Copy URL',
      description: url,
      run: async () => {
        await vscode.env.clipboard.writeText(url);
        void vscode.window.setStatusBarMessage('Tiny Backspace: server URL copied.', 3000);
      },
    },
    {
      label: '$(key) Copy Token',
      description: 'the bearer token for Authorization headers',
      run: async () => {
        await vscode.env.clipboard.writeText(await deps.token());
        void vscode.window.setStatusBarMessage('Tiny Backspace: server token copied.', 3000);
      },
    },
    {
      label: '$(book) Open API Docs',
      description: docs.toString(true),
      run: async () => {
        await vscode.env.openExternal(docs);
      },
    },
    { label: '$(debug-stop) Stop Server', description: 'cancels the runs it started', run: deps.stop },
  ];
  const picked = await vscode.window.showQuickPick(actions, { title: `Tiny Backspace local server on ${url}`, placeHolder: 'Choose an action' });
  await picked?.run();
}
