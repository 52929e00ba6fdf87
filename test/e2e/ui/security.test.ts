// Hostile record text in a real VS Code: the local server is seeded with the shared hostile
// records (test/fixtures/hostile.ts) and every surface that shows them is opened — tree rows and
// their tooltips, the details panel, the run's code, notifications (Copy Record ID, Compare with
// Previous Run, a failed query for a hostile name), the UDF picker, a hover in Python, the
// status bar tooltip and an input box's validation message. Each must show the text as text:
// no link (a[href]/a[data-href]) and no codicon element comes from it, no request is made for
// the tracking pixel, and clicking the text opens no terminal and does not sign out.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator } from 'playwright-core';
import { labelText } from '../../../src/text/safeText';
import { hostileRecords, type HostileRecords } from '../../fixtures/hostile';
import { runRow as runRowMatch, useWorkbench, waitUntil, type LaunchOptions, type TreeRowMatch, type Workbench } from '../harness';

// The pixel: a listener on its own loopback port that counts every request it gets.
const pixel = { server: undefined as http.Server | undefined, url: '', hits: [] as string[] };
const options: LaunchOptions = { name: 'security', server: { records: 40, seed: 11 }, viewport: { width: 1600, height: 1100 } };

before(async () => {
  pixel.server = http.createServer((request, response) => {
    pixel.hits.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'image/png' }).end();
  });
  await new Promise<void>((resolve) => pixel.server!.listen(0, '127.0.0.1', resolve));
  pixel.url = `http://127.0.0.1:${(pixel.server.address() as AddressInfo).port}/pixel.png`;
});
after(async () => {
  await new Promise<void>((resolve) => (pixel.server ? pixel.server.close(() => resolve()) : resolve()));
});

const session = useWorkbench(options);
let hostile: HostileRecords;
/** Every URL the browser asked for (all frames, webviews included). */
const requested: string[] = [];


/** Read as a person reads it: the inert joiner the sinks insert is invisible. */
const read = (text: string) => text.replace(/\u200c/g, '');
const FORBIDDEN_ICONS = '.codicon-terminal, .codicon-sign-out, .codicon-sync';

/** No link, image or icon from record text inside `scope`; returns its text. */
async function assertInert(scope: Locator, what: string, allowed: { commandLinks?: boolean; icons?: number } = {}): Promise<string> {
  const links = await scope.locator('a[href], a[data-href]').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('data-href') || a.getAttribute('href') || ''));
  for (const href of links) {
    assert.ok(allowed.commandLinks && /^command:fusedRuns\.[A-Za-z.]+\?/.test(href), `${what} has a link from record text: ${href}`);
  }
  assert.equal(await scope.locator('img').count(), 0, `${what} has an image`);
  assert.equal(await scope.locator(FORBIDDEN_ICONS).count(), 0, `${what} renders an icon from record text`);
  if (allowed.icons !== undefined) assert.ok((await scope.locator('.codicon').count()) <= allowed.icons, `${what} has more icons than its own`);
  return read(await scope.innerText());
}

/** Clicking text must not run anything: no terminal, no sign-out. */
async function assertNothingRan(wb: Workbench, what: string): Promise<void> {
  // What is tested is that nothing happens: there is no event to wait for, so this gives a
  // command a click could have started a fixed half second to show (a terminal opens in far less).
  await wb.page.waitForTimeout(500);
  assert.equal(await wb.page.locator('.xterm, .terminal-wrapper').count(), 0, `a terminal opened after ${what}`);
  const signedOut = (await wb.notifications()).find((message) => /Signed out/.test(message));
  assert.equal(signedOut, undefined, `signed out after ${what}`);
}

/** The visible hover; `showing` tells it from another hover still open (the activity bar's, after openView). */
async function hoverWidget(wb: Workbench, showing: RegExp = /\S/): Promise<Locator> {
  const widget = wb.page.locator('.workbench-hover, .monaco-hover:not(.hidden)').filter({ visible: true }).filter({ hasText: showing }).last();
  await widget.waitFor({ state: 'visible', timeout: 15_000 });
  return widget;
}

/** A row's context-menu entry; once more if a tooltip over the row took the first try. */
async function contextMenu(wb: Workbench, row: TreeRowMatch, entry: string): Promise<void> {
  try {
    await wb.treeContextMenu(row, entry);
  } catch {
    await dismiss(wb);
    await wb.treeContextMenu(row, entry);
  }
}

async function dismiss(wb: Workbench): Promise<void> {
  await wb.page.mouse.move(0, 0);
  await wb.page.keyboard.press('Escape');
}

/** The toast whose message matches, as a locator. */
async function notification(wb: Workbench, text: RegExp): Promise<Locator> {
  await wb.waitForNotification(text, 30_000);
  return wb.page.locator('.notification-list-item-message').filter({ hasText: text }).last();
}

const hostileRow = /Open terminal/;

/**
 * The row of one of the hostile UDF's runs, its UDF expanded first: each test sets up the rows it
 * uses, so none depends on a test before it having expanded them (in CI on 2026-11-27 the three
 * tests after the tooltips waited 30 s each for a run row that no test had expanded).
 */
async function runRow(wb: Workbench, record: HostileRecords['all']): Promise<TreeRowMatch> {
  await wb.openView();
  await wb.expandTreeRow(hostileRow);
  // Found by its accessible name's "<UDF> run at <local time>": the label is a relative time.
  const row = runRowMatch(record);
  await wb.waitForTreeRow(row);
  return row;
}

describe('hostile record text stays text', () => {
  // Seeded here, not in a test, so that every test can run alone (--test-name-pattern). Inside the
  // describe: a second root-level before() ran while the workbench's own launch hook was still
  // starting it (CI, 2026-11-27), so the suite found no workbench.
  before(() => {
    const wb = session.wb;
    wb.context.on('request', (request) => requested.push(request.url()));
    const me = wb.fused.users.find((user) => user.token === wb.fused.token);
    assert.ok(me, 'the server has a demo user');
    hostile = hostileRecords({ pixelUrl: pixel.url, now: new Date(), email: me.email, execEnvId: me.exec_env_id });
    wb.fused.addRecords(hostile.records);
  });

  it('seeds the hostile records and shows them in the tree as text', async () => {
    const wb = session.wb;
    await wb.openView();
    const row = await wb.waitForTreeRow(hostileRow);
    const rows = wb.treeRowLocator();
    await wb.waitForTreeRow(/^report/);
    await wb.waitForTreeRow(/^long_n+…$/);
    for (const label of await rows.locator('.monaco-icon-label').all()) await assertInert(label, 'a tree label');
    const shown = read(((await row.locator('.label-name').textContent()) ?? '').trim());
    assert.equal(shown, read(labelText(hostile.all.udf_name, 80)));
    const bidi = read(((await wb.treeRow(/^report/).locator('.label-name').textContent()) ?? '').trim());
    assert.equal(bidi, 'report⟨U+202E⟩fdp.exe⟨U+001B⟩[31m⟨U+0007⟩');
    const long = ((await wb.treeRow(/^long_n+…$/).locator('.label-name').textContent()) ?? '').trim();
    assert.equal(long.length, 80, 'a 5,000-character name is cut to 80 with an ellipsis');
    const future = await wb.waitForTreeRow('future_dated_run');
    assert.match((await future.locator('.label-description').textContent()) ?? '', /⚠ in the future \(\d+ d ahead\) \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    await wb.screenshot('security-tree');
  });

  it('UDF and run tooltips: no link, image or icon, no visible backslash, invisibles shown', async () => {
    const wb = session.wb;
    await wb.openView();
    await wb.hover(hostileRow);
    let tooltip = await assertInert(await hoverWidget(wb, /Open terminal/), 'the UDF tooltip', { icons: 0 });
    assert.match(tooltip, /Open terminal\]\(command:workbench\.action\.terminal\.new\)/);
    assert.match(tooltip, /\$\(terminal\) \$\(sign-out\)/);
    assert.match(tooltip, /www\.example\.com ⟨U\+202E⟩exe\.gnp/);
    assert.ok(!tooltip.includes('\\'), `a backslash is visible: ${tooltip}`);
    await (await hoverWidget(wb)).click({ position: { x: 20, y: 10 } });
    await assertNothingRan(wb, 'clicking the UDF tooltip');
    await dismiss(wb);

    const runLabel = await runRow(wb, hostile.all);
    // The run row itself: its description leads with the status and ends with the error line, as text.
    const runText = await assertInert(wb.treeRow(runLabel).locator('.monaco-icon-label'), 'a run row');
    assert.ok(runText.includes('Failed · '), runText);
    assert.ok(runText.includes('ValueError: [Open terminal](command:workbench.action.terminal.new)'), runText);
    await wb.hover(wb.treeRow(runLabel));
    tooltip = await assertInert(await hoverWidget(wb), 'the run tooltip', { icons: 0 });
    assert.ok(tooltip.includes(`Record ID: ${read(labelText(hostile.all.id, 200))}`), tooltip);
    assert.ok(tooltip.includes('Error: ValueError: [Open terminal](command:workbench.action.terminal.new)'), tooltip);
    assert.ok(!tooltip.includes('\\'), `a backslash is visible: ${tooltip}`);
    await (await hoverWidget(wb)).click({ position: { x: 20, y: 10 } });
    await assertNothingRan(wb, 'clicking the run tooltip');
    await dismiss(wb);
    await wb.screenshot('security-run-tooltip');
  });

  it('Copy Record ID: the notification shows the id as text, and clicking it runs nothing', async () => {
    const wb = session.wb;
    const runLabel = await runRow(wb, hostile.all);
    await contextMenu(wb, runLabel, 'Copy Record ID');
    const message = await notification(wb, /Copied record ID/);
    const text = await assertInert(message, 'the Copy Record ID notification');
    assert.equal(text.trim(), read(`Copied record ID ${labelText(hostile.all.id, 500)}`));
    await message.click();
    await assertNothingRan(wb, 'clicking the Copy Record ID notification');
  });

  it('Compare with Previous Run: a diff of the non-UUID runs, and a notification as text for the earliest', async () => {
    const wb = session.wb;
    await contextMenu(wb, await runRow(wb, hostile.all), 'Compare with Previous Run');
    let tabs: string[] = [];
    await waitUntil(async () => (tabs = await wb.tabTitles()).some((t) => t.includes('↔')), { timeout: 30_000, message: () => `a diff opens (tabs: ${JSON.stringify(tabs)})` });
    for (const tab of await wb.page.locator('.tabs-container .tab').all()) await assertInert(tab, 'an editor tab');
    await contextMenu(wb, await runRow(wb, hostile.allEarlier), 'Compare with Previous Run');
    const message = await notification(wb, /earliest recorded run of/);
    const text = await assertInert(message, 'the Compare with Previous Run notification');
    assert.ok(text.includes('[Open terminal](command:workbench.action.terminal.new)'), text);
    await message.click();
    await assertNothingRan(wb, 'clicking the Compare with Previous Run notification');
    await wb.screenshot('security-compare');
  });

  it('the details panel and the code of a run whose id is not a UUID open, as text', async () => {
    const wb = session.wb;
    await wb.expandTreeRow(await runRow(wb, hostile.all));
    await (await wb.waitForTreeRow('Details')).click();
    const frame = wb.webviewFrame();
    const idCell = frame.locator('tr[data-field="id"] .value');
    await idCell.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await idCell.textContent(), hostile.all.id.replace('\u202E', '⟨U+202E⟩'));
    const body = frame.locator('body');
    assert.equal(await body.locator('a, img').count(), 0, 'the details panel has a link or an image');
    assert.equal(await body.locator(FORBIDDEN_ICONS).count(), 0);
    const heading = (await frame.locator('#heading').textContent()) ?? '';
    assert.ok(heading.startsWith('[Open terminal](command:workbench.action.terminal.new) $(terminal)') && heading.length <= 80 && heading.endsWith('…'), heading);
    const name = (await frame.locator('tr[data-field="udf_name"] .value').textContent()) ?? '';
    assert.ok(name.endsWith('www.example.com ⟨U+202E⟩exe.gnp'), `the field shows the whole name: ${name}`);
    await wb.screenshot('security-details');

    await (await wb.waitForTreeRow('Code')).click();
    let text = '';
    await waitUntil(async () => (text = await wb.editorText()).includes('return 2'), { timeout: 30_000, message: () => `the run's code opens (the editor shows ${JSON.stringify(text.slice(0, 200))})` });
    assert.match(await wb.activeTabTitle(), /^code(\.py)?$/);
  });

  it('the UDF picker shows names as text; a failed query for a hostile name reports it as text', async () => {
    const wb = session.wb;
    await wb.runCommand('Fused: Show Runs of UDF by Name');
    const widget = wb.page.locator('.quick-input-widget');
    const item = widget.locator('.monaco-list-row').filter({ hasText: /Open terminal/ }).first();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    await assertInert(widget, 'the UDF picker');
    assert.equal(await item.locator('.label-name .codicon').count(), 0, 'an icon in a picked name');
    await wb.screenshot('security-picker');
    wb.fused.setFaults({ status: 500, body: `Internal error for ${hostile.all.udf_name} ${hostile.all.id}`, contentType: 'text/plain', match: { udf_name: hostile.all.udf_name as string } });
    try {
      await item.click();
      const message = await notification(wb, /failed: Fused had a server error/);
      const text = await assertInert(message, 'the error notification');
      assert.ok(text.includes('udf_name = [Open terminal](command:workbench.action.terminal.new)'), text);
      await message.click();
      await assertNothingRan(wb, 'clicking the error notification');
      const resultRows = wb.page.locator('.part.sidebar .monaco-list-row');
      for (const label of await resultRows.locator('.monaco-icon-label').all()) await assertInert(label, 'a results row');
    } finally {
      wb.fused.clearFaults();
    }
  });

  it('a hover over a UDF in Python whose runs are hostile: only our links and icons', async () => {
    const wb = session.wb;
    // Code can only name a UDF by a plain slug; the hostile text comes from its runs.
    const name = hostile.slugged.udf_name as string;
    fs.writeFileSync(path.join(wb.workspaceDir, 'hostile_flow.py'), `import fused\n\nresult = fused.run("${name}")\n`);
    await wb.openWorkspaceFile('hostile_flow.py');
    const literal = wb.page.locator('.editor-instance .monaco-editor .view-line span[class*="mtk"]', { hasText: name }).first();
    await literal.waitFor({ state: 'visible', timeout: 20_000 });
    await wb.hover(literal);
    const widget = await hoverWidget(wb);
    await widget.getByText('Details', { exact: true }).waitFor({ state: 'visible', timeout: 20_000 });
    const text = await assertInert(widget, 'the hover', { commandLinks: true });
    assert.ok(text.includes('ValueError: [Open terminal](command:workbench.action.terminal.new) [Sign out](command:fusedRuns.signOut'), text);
    assert.ok(!text.includes('\\'), `a backslash is visible: ${text}`);
    const links = await widget.locator('a[data-href]').evaluateAll((anchors) => anchors.map((a) => (a.textContent ?? '').trim()));
    assert.deepEqual(links, ['Details', 'Code', 'Last error', 'Compare with this file', 'All runs', 'Insights', 'Watch']);
    await widget.getByText('Last failure', { exact: false }).click();
    await assertNothingRan(wb, 'clicking the hover text');
    await dismiss(wb);
    await wb.screenshot('security-hover');
  });

  it('the failing-UDFs status bar tooltip lists hostile names as text', async () => {
    const wb = session.wb;
    // More failures of the hostile UDF, so it heads the tooltip's list (sorted by count).
    const failing = [1, 2, 3].map((n) => ({ ...hostile.all, id: `${hostile.all.id}-failing-${n}`, timestamp: new Date(Date.now() - (60 + n) * 60_000).toISOString() }));
    wb.fused.addRecords(failing);
    await wb.runCommand('Fused: Refresh');
    const item = wb.page.locator('.part.statusbar .statusbar-item').filter({ hasText: /failing/ }).first();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    // The tooltip is the one read before the refresh until the new summary arrives: hover again until it lists the name.
    let text = '';
    await waitUntil(
      async () => {
        await dismiss(wb);
        await item.hover();
        return (text = read(await (await hoverWidget(wb)).innerText())).includes('Open terminal');
      },
      { timeout: 30_000, message: () => `the status bar tooltip lists the hostile name (it says ${JSON.stringify(text.slice(0, 200))})` },
    );
    text = await assertInert(await hoverWidget(wb), 'the status bar tooltip', { icons: 0 });
    assert.ok(text.includes('[Open terminal](command:workbench.action.terminal.new) $(terminal)'), text);
    assert.ok(!text.includes('\\'), `a backslash is visible: ${text}`);
    await dismiss(wb);
    await wb.screenshot('security-status-bar');
  });

  it('an input box echoes typed link syntax back as text', async () => {
    const wb = session.wb;
    await wb.runCommand('Fused: Set Time Range');
    await wb.pickQuickPickItem('Custom range…');
    await wb.waitForQuickInput({ title: /Custom Time Range \(1\/2\)/ });
    await wb.fillQuickInput('[x](command:workbench.action.terminal.new) $(terminal)');
    const message = wb.page.locator('.quick-input-widget .quick-input-message');
    await message.filter({ hasText: /not an ISO 8601/ }).waitFor({ state: 'visible', timeout: 15_000 });
    const text = await assertInert(message, 'the validation message');
    assert.ok(text.includes('"[x](command:workbench.action.terminal.new) $(terminal)" is not an ISO 8601'), text);
    await message.click();
    await wb.page.keyboard.press('Escape');
    await assertNothingRan(wb, 'clicking the validation message');
  });

  it('no request left for the tracking pixel, nothing ran, still signed in', async () => {
    const wb = session.wb;
    assert.deepEqual(pixel.hits, [], 'the pixel was fetched');
    const port = new URL(pixel.url).port;
    assert.deepEqual(requested.filter((url) => url.includes(`:${port}`)), [], 'the browser asked for the pixel');
    await assertNothingRan(wb, 'the whole suite');
    // Signed in: the tree still lists UDFs (signed out, it shows the sign-in welcome view instead).
    await wb.openView();
    await wb.waitForTreeRow(hostileRow);
  });
});
