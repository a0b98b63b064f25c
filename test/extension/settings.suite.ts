import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEFAULT_CONFIG } from '../../src/core/config/engine-config';
import { manifest } from './extension-under-test';

/**
 * The settings contract: these names are documented and read by src/vscode/config/settings-config.ts.
 * Where the engine has a default of its own, the manifest default must be that same value, so the
 * extension and the CLI behave alike when nothing is configured.
 */
const EXPECTED_DEFAULTS: Readonly<Record<string, unknown>> = {
  providers: [...DEFAULT_CONFIG.providers],
  'anthropic.model': DEFAULT_CONFIG.anthropic.model,
  'openai.model': DEFAULT_CONFIG.openai.model,
  'openai.baseUrl': '',
  'github.enterpriseUrl': '',
  sandbox: DEFAULT_CONFIG.sandbox,
  allowUnisolated: false,
  reviewBeforePullRequest: true,
  draftPullRequests: DEFAULT_CONFIG.draftPullRequests,
  branchPrefix: DEFAULT_CONFIG.branchPrefix,
  'budget.maxCostUsd': null,
  'budget.maxTurns': DEFAULT_CONFIG.budget.maxTurns,
  logLevel: 'info',
  'server.port': 0,
  'server.allowedOrigins': [],
  checks: {},
};

export function defineSettingsSuite(): void {
  describe('settings', () => {
    it('contributes exactly the documented tinyBackspace.* settings', () => {
      const contributed = Object.keys(manifest().contributes.configuration.properties).sort();
      const expected = Object.keys(EXPECTED_DEFAULTS).map((key) => `tinyBackspace.${key}`).sort();
      assert.deepEqual(contributed, expected);
    });

    it('has the contract defaults, as VS Code registered them', () => {
      const configuration = vscode.workspace.getConfiguration('tinyBackspace');
      for (const [key, expected] of Object.entries(EXPECTED_DEFAULTS)) {
        const inspected = configuration.inspect(key);
        assert.ok(inspected, `VS Code does not know tinyBackspace.${key}`);
        assert.deepEqual(inspected.defaultValue, expected, `default of tinyBackspace.${key}`);
      }
    });
  });
}
