import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { PANEL_VIEW_TYPE as PROTOCOL_PANEL_VIEW_TYPE } from '../../src/protocol/webview-messages';
import { HEALTH_VIEW_ID, PANEL_VIEW_TYPE } from '../../src/vscode/host/view-ids';

describe('ids the light extension entry proxies before the engine loads', () => {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    activationEvents: string[];
    contributes: { views: Record<string, Array<{ id: string; type?: string }>> };
  };

  it('the panel view type is the one the engine and the manifest use', () => {
    assert.equal(PANEL_VIEW_TYPE, PROTOCOL_PANEL_VIEW_TYPE);
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${PANEL_VIEW_TYPE}`));
  });

  it('the health view id is the webview view the manifest contributes', () => {
    const views = Object.values(manifest.contributes.views).flat();
    assert.ok(views.some((view) => view.id === HEALTH_VIEW_ID && view.type === 'webview'));
  });
});
