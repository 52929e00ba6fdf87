// The Fused Runs view without credentials: the welcome view with its actions, no
// request to the server, and the palette fallback of Copy Record ID when nothing is loaded.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useWorkbench, waitUntil, type Workbench } from '../harness';

// Two workbenches, each started with the settings its tests need: changing the base URL while
// VS Code runs depends on its settings-file watcher, which under load missed the write that put
// the local URL back (CI, 2026-11-27) and leaked a remote URL into the tests after it.
const REMOTE_BASE_URL = 'https://fused.example.invalid/server/v1';

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

describe('signed out, base URL on this machine (the local server)', () => {
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
});

describe('signed out, base URL of a real Fused deployment', () => {
  const session = useWorkbench({ name: 'tree-welcome-remote', token: null, settings: { 'fusedRuns.api.baseUrl': REMOTE_BASE_URL } });

  it('without a local base URL (a real Fused user) the demo hint is not shown', async () => {
    const wb = session.wb;
    await ensureSignedOut(wb);
    // Proof that the extension is active and read the remote URL: Check Connection's report names
    // it. Its context keys were set at activation, before, so the welcome now shows their answer.
    await wb.runCommand('Fused: Check Connection');
    let text = '';
    await waitUntil(async () => (text = await wb.editorText()).includes('GET https://fused.example.invalid/server/v1/'), {
      timeout: 30_000,
      message: () => `the connection report names the remote base URL (it shows ${JSON.stringify(text.slice(0, 300))})`,
    });
    await wb.runCommand('View: Close All Editors');
    const welcome = welcomeView(wb);
    await welcome.waitFor({ state: 'visible', timeout: 30_000 });
    const buttons = (await welcome.locator('.monaco-button').allInnerTexts()).map((b) => b.trim());
    assert.deepEqual(buttons, ['Set API Token', "Use the Fused SDK's Sign-in", 'Check Connection']);
    assert.doesNotMatch(await welcome.innerText(), /demo/i);
    assert.equal(wb.fused.stats().requests, 0, 'no request to the local server');
  });
});
