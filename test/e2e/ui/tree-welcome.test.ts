// The Fused Runs view without credentials: the welcome view with its three actions, no
// request to the server, and the palette fallback of Copy Record ID when nothing is loaded.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useWorkbench } from '../harness';

const session = useWorkbench({ name: 'tree-welcome', token: null });

describe('Copy Record ID with nothing loaded', () => {
  it('explains that runs must be loaded first (before the view was ever opened)', async () => {
    const wb = session.wb;
    wb.fused.resetStats();
    await wb.runCommand('Fused: Copy Record ID');
    await wb.waitForNotification('No runs are loaded yet');
  });
});

describe('Fused Runs tree, not signed in', () => {
  it('shows the welcome view with Set API Token, Use Fused SDK credentials and Open demo settings, and sends nothing', async () => {
    const wb = session.wb;
    await wb.openView();
    const welcome = wb.page.locator('.part.sidebar .welcome-view-content');
    await welcome.waitFor({ state: 'visible', timeout: 30_000 });
    const buttons = await welcome.locator('.monaco-button').allInnerTexts();
    assert.deepEqual(
      buttons.map((b) => b.trim()),
      ['Set API Token', 'Use Fused SDK credentials', 'Open demo settings'],
    );
    assert.match(await welcome.innerText(), /Sign in to Fused/);
    assert.equal((await wb.treeRows()).length, 0);
    assert.equal(wb.fused.stats().requests, 0, 'no request without credentials');
  });

  it('the welcome view\'s "Set API Token" asks for the token, and the tree loads once it is set', async () => {
    const wb = session.wb;
    await wb.page.locator('.part.sidebar .welcome-view-content .monaco-button', { hasText: 'Set API Token' }).click();
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Set API Token' }).waitFor({ timeout: 15_000 });
    await wb.fillQuickInput(wb.fused.token);
    await wb.acceptQuickInput();
    // Signed in now: the welcome goes away and the UDFs of the last 24 h show.
    const mine = wb.fused.records.filter((r) => r.user_email === 'ada@example.com' && Date.now() - Date.parse(r.timestamp) < 23 * 3600_000);
    const name = mine.map((r) => r.udf_name).find((n): n is string => !!n);
    assert.ok(name);
    await wb.waitForTreeRow(name, 30_000);
    assert.equal(await wb.page.locator('.part.sidebar .welcome-view-content').isVisible(), false);
    await wb.page.locator('.part.statusbar .statusbar-item', { hasText: /\d+ failing/ }).first().waitFor({ timeout: 30_000 });
  });

  it('Sign Out brings the welcome view back and hides the status-bar count', async () => {
    const wb = session.wb;
    await wb.runCommand('Fused: Sign Out');
    await wb.page.locator('.part.sidebar .welcome-view-content').waitFor({ state: 'visible', timeout: 30_000 });
    await wb.page.locator('.part.statusbar .statusbar-item', { hasText: /\d+ failing/ }).first().waitFor({ state: 'hidden', timeout: 15_000 });
    assert.equal((await wb.treeRows()).length, 0);
  });
});
