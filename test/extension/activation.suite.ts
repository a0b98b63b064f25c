import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { extensionUnderTest, manifest } from './extension-under-test';
import { recordMeasurement } from './measurements';

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
      const panelTab = vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('tinyBackspace.panel'));
      assert.ok(panelTab, 'Show Panel opened no Tiny Backspace panel');
      await vscode.window.tabGroups.close(panelTab);
    });

    it('registers every command the manifest contributes', async () => {
      const contributed = manifest().contributes.commands.map((entry) => entry.command);
      assert.ok(contributed.includes('tinyBackspace.runPrompt'), 'the manifest lost the Run Prompt command');
      const registered = new Set(await vscode.commands.getCommands(true));
      const missing = contributed.filter((command) => !registered.has(command));
      assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
    });

    it('names every contributed command tinyBackspace.<camelCase> under the Tiny Backspace category', () => {
      for (const entry of manifest().contributes.commands) {
        assert.match(entry.command, /^tinyBackspace\.[a-z][A-Za-z]+$/);
        assert.equal(entry.category, 'Tiny Backspace', `${entry.command} has category ${String(entry.category)}`);
      }
    });
  });
}
