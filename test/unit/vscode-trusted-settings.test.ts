import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MACHINE_SCOPED_SETTINGS, settingFromInspection } from '../../src/vscode/config/trusted-settings';

test('a machine-scoped key ignores workspace and folder values, even when VS Code merged them in', () => {
  const inspected = { defaultValue: '', workspaceValue: 'http://attacker/v1', workspaceFolderValue: 'http://attacker/v1' };
  assert.deepEqual(settingFromInspection('openai.baseUrl', inspected, 'http://attacker/v1'), { value: '', explicit: false });
  assert.deepEqual(settingFromInspection('reviewBeforePullRequest', { defaultValue: true, workspaceValue: false }, false), { value: true, explicit: false });
});

test('a machine-scoped key takes the user value', () => {
  assert.deepEqual(settingFromInspection('providers', { defaultValue: ['anthropic'], globalValue: ['offline'], workspaceValue: ['openai'] }, ['openai']), {
    value: ['offline'],
    explicit: true,
  });
});

test('other keys keep VS Code\'s effective value, workspace included', () => {
  assert.deepEqual(settingFromInspection('branchPrefix', { defaultValue: 'tiny-backspace', workspaceValue: 'team' }, 'team'), { value: 'team', explicit: true });
});

test('the manifest scopes and restricts exactly the machine-scoped keys', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { scope?: string }> } };
    capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  };
  const properties = manifest.contributes.configuration.properties;
  const machine = Object.keys(properties).filter((key) => ['machine', 'application'].includes(properties[key]?.scope ?? ''));
  assert.deepEqual(machine.sort(), MACHINE_SCOPED_SETTINGS.map((key) => `tinyBackspace.${key}`).sort());
  assert.deepEqual([...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(), machine.sort());
});
