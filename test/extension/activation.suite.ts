import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { extensionUnderTest, manifest } from './extension-under-test';
import { recordMeasurement } from './measurements';

function findPanelTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('tinyBackspace.panel'));
}

/** The tab model is updated from the renderer after the command returns: wait for it to report the panel. */
function waitForPanelTab(timeoutMs: number): Promise<vscode.Tab | undefined> {
  const found = findPanelTab();
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      resolve(findPanelTab());
    }, timeoutMs);
    const subscription = vscode.window.tabGroups.onDidChangeTabs(() => {
      const tab = findPanelTab();
      if (!tab) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(tab);
    });
  });
}

/** Registered by the mocha run in index.ts; runs first so the extension is still inactive. */
export function defineActivationSuite(): void {
  describe('activation', () => {
    it('activates on demand (not at startup) and reports how long activate() took', async () => {
      const extension = extensionUnderTest();
      // The manifest has no eager activation events: starting VS Code must not load the extension.
      assert.equal(extension.isActive, false, 'the extension was already active before anything used it');
      // Covers loading dist/extension.js plus the activate() call, as a user's first command would.
      const started = performance.now();
      await extension.activate();
      recordMeasurement('activation_ms', performance.now() - started);
      assert.equal(extension.isActive, true);
    });

    it('loads the engine on the first command, and the command then works', async () => {
      // The light entry only registered proxies; Show Panel is the cheapest command that needs the engine.
      const started = performance.now();
      await vscode.commands.executeCommand('tinyBackspace.showPanel');
      recordMeasurement('first_command_ms', performance.now() - started);
      const panelTab = await waitForPanelTab(5_000);
      assert.ok(panelTab, 'Show Panel opened no Tiny Backspace panel');
      // The Tab object can be stale by now; closing every editor leaves a clean window for the next suites.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('registers every command the manifest contributes', async () => {
      const contributed = manifest().contributes.commands.map((entry) => entry.command);
      assert.ok(contributed.includes('tinyBackspace.runPrompt'), 'the manifest lost the Run Prompt command');
      const registered = new Set(await vscode.commands.getCommands(true));
      const missing = contributed.filter((command) => !registered.has(command));
      assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
    });

    it('routes every contributed command to a handler the engine registered, and the engine answers', async () => {
      // The proxies exist from activation on; this asks the engine itself (test-mode API of src/extension.ts).
      const api = extensionUnderTest().exports as { engineCommandIds(): string[] } | undefined;
      assert.ok(api, 'the extension exports no test API in ExtensionMode.Test');
      const engine = new Set(api.engineCommandIds());
      const contributed = manifest().contributes.commands.map((entry) => entry.command);
      assert.deepEqual(contributed.filter((command) => !engine.has(command)), [], 'contributed commands the engine has no handler for');
      // Handlers that answer without UI: an unknown run is neither cancelled nor reviewed.
      assert.equal(await vscode.commands.executeCommand('tinyBackspace.cancelRun', { requestId: 'no-such-run' }), false);
      assert.equal(await vscode.commands.executeCommand('tinyBackspace.reviewChanges', { requestId: 'no-such-run', decision: 'discard' }), false);
    });

    it('names every contributed command tinyBackspace.<camelCase> under the Tiny Backspace category', () => {
      for (const entry of manifest().contributes.commands) {
        assert.match(entry.command, /^tinyBackspace\.[a-z][A-Za-z]+$/);
        assert.equal(entry.category, 'Tiny Backspace', `${entry.command} has category ${String(entry.category)}`);
      }
    });
  });
}
