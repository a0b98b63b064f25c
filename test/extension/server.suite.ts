import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import * as vscode from 'vscode';

/** A port that was free a moment ago: the server is configured with it so the test knows where to look. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function healthStatus(port: number): Promise<number | string> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health`)).status;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code ?? 'unreachable';
  }
}

/** Registered by the mocha run in index.ts. */
export function defineServerSuite(): void {
  describe('Start / Stop Local Server', () => {
    const settings = () => vscode.workspace.getConfiguration('tinyBackspace.server');

    after(async () => {
      await vscode.commands.executeCommand('tinyBackspace.stopServer');
      await settings().update('port', undefined, vscode.ConfigurationTarget.Global);
    });

    it('starts on the configured 127.0.0.1 port, requires the token, and stops and frees the port', async () => {
      const port = await freePort();
      await settings().update('port', port, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('tinyBackspace.startServer');
      assert.equal(await healthStatus(port), 200, 'GET /health answers once the server runs');
      const runs = await fetch(`http://127.0.0.1:${port}/runs`);
      assert.equal(runs.status, 401, 'every other route needs the bearer token');

      await vscode.commands.executeCommand('tinyBackspace.stopServer');
      assert.equal(await healthStatus(port), 'ECONNREFUSED', 'the port is free after Stop');
    });
  });
}
