// The Fused Runs view without credentials: the welcome view with its actions, no
// request to the server, and the palette fallback of Copy Record ID when nothing is loaded.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { useWorkbench, waitUntil, type Workbench } from '../harness';

const session = useWorkbench({ name: 'tree-welcome', token: null });

const welcomeView = (wb: Workbench) => wb.page.locator('.part.sidebar .welcome-view-content');
const failingItem = (wb: Workbench) => wb.page.locator('.part.statusbar .statusbar-item', { hasText: /\d+ failing/ }).first();

/** Signs in with the server's token through Set API Token, as the welcome view's button does. */
async function signIn(wb: Workbench): Promise<void> {
  await wb.runCommand('Fused: Set API Token');
  await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Set API Token' }).waitFor({ timeout: 15_000 });
  await wb.fillQuickInput(wb.fused.token);
  await wb.acceptQuickInput();
  await welcomeView(wb).waitFor({ state: 'hidden', timeout: 30_000 });
}

/** Opens the view and waits until it shows either the welcome (signed out) or the tree (signed in). */
async function viewShows(wb: Workbench): Promise<'welcome' | 'tree'> {
  await wb.openView();
  return waitUntil(async () => ((await welcomeView(wb).isVisible()) ? 'welcome' : (await wb.treeRows()).length > 0 && 'tree'), {
    timeout: 30_000,
    message: 'the view shows the welcome or the tree',
  });
}

/** The view open and not signed in (signs out when a test before signed in). */
async function ensureSignedOut(wb: Workbench): Promise<void> {
  if ((await viewShows(wb)) === 'tree') await wb.runCommand('Fused: Sign Out');
  await welcomeView(wb).waitFor({ state: 'visible', timeout: 30_000 });
}

describe('Copy Record ID with nothing loaded', () => {
  it('explains that runs must be loaded first (before the view was ever opened)', async () => {
    const wb = session.wb;
    wb.fused.resetStats();
    await wb.runCommand('Fused: Copy Record ID');
    await wb.waitForNotification('No runs are loaded yet');
  });
});

describe('Fused Runs tree, not signed in', () => {
  it('shows the welcome view (Set API Token, the SDK\'s sign-in, Check Connection, Fused\'s docs, and the demo hint for a local base URL) and sends nothing', async () => {
    const wb = session.wb;
    wb.fused.resetStats();
    await ensureSignedOut(wb);
    const welcome = welcomeView(wb);
    await welcome.locator('.monaco-button', { hasText: 'Open Demo Settings' }).waitFor({ timeout: 15_000 });
    const buttons = await welcome.locator('.monaco-button').allInnerTexts();
    assert.deepEqual(
      buttons.map((b) => b.trim()),
      ['Set API Token', "Use the Fused SDK's Sign-in", 'Check Connection', 'Open Demo Settings'],
    );
    assert.match(await welcome.innerText(), /Sign in to Fused/);
    assert.equal(await welcome.locator('a', { hasText: "Fused's documentation" }).getAttribute('href'), 'https://docs.fused.io/');
    assert.equal((await wb.treeRows()).length, 0);
    assert.equal(wb.fused.stats().requests, 0, 'no request without credentials');
  });

  it('without a local base URL (a real Fused user) the demo hint is not shown', async () => {
    const wb = session.wb;
    await ensureSignedOut(wb);
    const settingsFile = path.join(wb.codeServer.userDataDir, 'User', 'settings.json');
    const original = fs.readFileSync(settingsFile, 'utf8');
    const welcome = wb.page.locator('.part.sidebar .welcome-view-content');
    const demo = welcome.locator('.monaco-button', { hasText: 'Open Demo Settings' });
    try {
      fs.writeFileSync(settingsFile, JSON.stringify({ ...JSON.parse(original), 'fusedRuns.api.baseUrl': 'https://fused.example.invalid/server/v1' }, null, 2));
      await demo.waitFor({ state: 'detached', timeout: 30_000 });
      const buttons = (await welcome.locator('.monaco-button').allInnerTexts()).map((b) => b.trim());
      assert.deepEqual(buttons, ['Set API Token', "Use the Fused SDK's Sign-in", 'Check Connection']);
      assert.doesNotMatch(await welcome.innerText(), /demo/i);
    } finally {
      await restoreSettings(settingsFile, original, () => demo.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false));
    }
  });

  it('Check Connection from the welcome view says no credentials were found and how to fix it', async () => {
    const wb = session.wb;
    await ensureSignedOut(wb);
    wb.fused.resetStats();
    await wb.page.locator('.part.sidebar .welcome-view-content .monaco-button', { hasText: 'Check Connection' }).click();
    await wb.page.locator('.tabs-container .tab', { hasText: 'Fused Connection Check' }).waitFor({ timeout: 30_000 });
    let text = '';
    await waitUntil(async () => /checks? failed/.test((text = await wb.editorText())), {
      timeout: 30_000,
      message: () => `the connection report says which checks failed (it shows ${JSON.stringify(text.slice(0, 300))})`,
    });
    assert.match(text, /✗ Credentials\s+none found .*\n\s+→ Set an API token.*\[Set API Token \| Use the Fused SDK's Sign-in\]/);
    assert.match(text, /✗ Request \(HTTP\)\s+GET http:\/\/127\.0\.0\.1:\d+\/v1\/audit-log\?limit=1 → failed after \d+ ms: No Fused API token is set/);
    await wb.waitForNotification(/Check Connection found 2 problems \(Credentials, Request \(HTTP\)\)/);
    assert.equal(wb.fused.stats().requests, 0, 'still nothing sent without a token');
    await wb.runCommand('View: Close All Editors');
  });

  it('the welcome view\'s "Set API Token" asks for the token, and the tree loads once it is set', async () => {
    const wb = session.wb;
    await ensureSignedOut(wb);
    await wb.page.locator('.part.sidebar .welcome-view-content .monaco-button', { hasText: 'Set API Token' }).click();
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Set API Token' }).waitFor({ timeout: 15_000 });
    await wb.fillQuickInput(wb.fused.token);
    await wb.acceptQuickInput();
    // Signed in now: the welcome goes away and the UDFs of the last 24 h show.
    const mine = wb.fused.records.filter((r) => r.user_email === 'ada@example.com' && Date.now() - Date.parse(r.timestamp) < 23 * 3600_000);
    const name = mine.map((r) => r.udf_name).find((n): n is string => !!n);
    assert.ok(name);
    await wb.waitForTreeRow(name, 30_000);
    assert.equal(await welcomeView(wb).isVisible(), false);
    await failingItem(wb).waitFor({ timeout: 30_000 });
  });

  it('Sign Out brings the welcome view back and hides the status-bar count', async () => {
    const wb = session.wb;
    if ((await viewShows(wb)) === 'welcome') await signIn(wb);
    await failingItem(wb).waitFor({ timeout: 30_000 });
    await wb.runCommand('Fused: Sign Out');
    await welcomeView(wb).waitFor({ state: 'visible', timeout: 30_000 });
    await failingItem(wb).waitFor({ state: 'hidden', timeout: 15_000 });
    assert.equal((await wb.treeRows()).length, 0);
  });
});

/**
 * VS Code's settings-file watcher sometimes misses a second write soon after the first: write
 * again until the restored settings show (`applied` says so), for at most 45 s.
 */
async function restoreSettings(file: string, content: string, applied: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    fs.writeFileSync(file, content);
    if (await applied()) return;
    if (Date.now() > deadline) throw new Error('the restored user settings were not picked up');
  }
}
