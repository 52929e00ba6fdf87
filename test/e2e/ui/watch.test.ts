// Watch a UDF in a real VS Code against the local Fused server: "Watch UDF" on a tree row and the
// "Watch" link of a hover put an eye on the rows and an item in the status bar; a poll reads both
// watched UDFs with one request; failing runs injected into the server while VS Code is open
// raise exactly one notification (three failures of one poll come as one with their count, a
// failure from before watching began is not counted, a later one within the group window waits),
// a window reload does not announce them again, a notification's Stop Watching button and the
// palette's Stop Watching end the watches and the polls. The poll
// interval is shortened for the test through the environment only
// (FUSED_RUNS_TEST_WATCH_MIN_SECONDS), which no setting reaches.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import type { AuditLogRecord } from '../../../src/api/types';
import { formatIsoMicros, microsFromDate } from '../../server/iso';
import type { RequestLogEntry } from '../../server/server';
import { useWorkbench, waitUntil, type Workbench } from '../harness';

const POLL_SECONDS = 4;
/** Every API request the server answered, in order (stats().recent keeps only the last 200). */
const requests: { at: number; entry: RequestLogEntry }[] = [];
const session = useWorkbench({
  name: 'watch',
  viewport: { width: 1500, height: 1000 },
  settings: { 'fusedRuns.watch.intervalSeconds': POLL_SECONDS },
  env: { FUSED_RUNS_TEST_WATCH_MIN_SECONDS: String(POLL_SECONDS) },
  server: { onRequest: (entry) => requests.push({ at: Date.now(), entry }) },
});

/**
 * Whether a UDF row's description says it is watched ("5 min ago · Failed · watched"): it leads
 * with the latest run's relative time, which a narrow side bar must not cut off. undefined when
 * the row is not shown, or says "watched" elsewhere than after the relative time and status.
 */
function saysWatched(description: string | undefined): boolean | undefined {
  if (description === undefined) return undefined;
  if (!/\bwatched\b/.test(description)) return false;
  // Says "watched" but not after the relative time and status: neither answer (the wait times out).
  return /^(just now|\d+ (min|h|d|w|mo|y) ago) · (Succeeded|Failed|Incomplete|Cached) · watched( · |$)/.test(description) || undefined;
}

/** When the first UDF was watched: the watch's polls read from there on; the tree and hovers read from days back or with no start. */
let watchBeganMs = Number.POSITIVE_INFINITY;

/** The watch's polls since `fromIndex` of `requests`: audit-log reads starting at or after the moment watching began. */
function watchPolls(fromIndex = 0): RequestLogEntry[] {
  return requests.slice(fromIndex).map(({ entry }) => entry).filter((entry) => {
    const start = new URL(entry.url, 'http://server').searchParams.get('start_timestamp');
    return start !== null && Date.parse(start) >= watchBeganMs - 1000 && !entry.url.includes('end_timestamp');
  });
}

/** Waits until the watch has polled `count` more times after `fromIndex` of `requests`. */
async function waitForPolls(count: number, fromIndex = requests.length): Promise<RequestLogEntry[]> {
  return waitUntil(() => (watchPolls(fromIndex).length >= count ? watchPolls(fromIndex) : undefined), {
    timeout: 90_000,
    message: () => `${count} watch polls after request #${fromIndex} (seen ${watchPolls(fromIndex).length}; last requests ${JSON.stringify(requests.slice(-5).map((r) => r.entry.url))})`,
  });
}

/** The Fused Runs log files of every extension-host session of this run (a reload starts a new one). */
function logText(wb: Workbench): string {
  return findFiles(path.join(wb.runDir, 'user-data', 'logs'), 'Fused Runs.log')
    .map((file) => fs.readFileSync(file, 'utf8'))
    .join('\n');
}

function findFiles(dir: string, name: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? findFiles(full, name) : entry.name === name ? [full] : [];
  });
}

/** Notifications the watch raised for a UDF, across reloads (it logs each one as it shows it). */
function announced(wb: Workbench, name: string): string[] {
  return logText(wb)
    .split('\n')
    .filter((line) => line.includes(`Watch: ${name} failed:`));
}

/**
 * Every notification of this window about a UDF's failures, read from the notification center
 * (a toast hides after a while and moves there), which is closed again afterwards.
 */
async function shownFor(wb: Workbench, name: string): Promise<string[]> {
  await wb.runCommand('Notifications: Show Notifications');
  const center = wb.page.locator('.notifications-center');
  await center.waitFor({ state: 'visible', timeout: 15_000 });
  const messages = await center.locator('.notification-list-item-message').allInnerTexts();
  // The center has the focus: Escape closes it ("Hide Notifications" is not offered when it is empty).
  if (await center.isVisible()) await wb.page.keyboard.press('Escape');
  return messages.map((message) => message.trim()).filter((message) => message.startsWith(`${name} failed:`));
}

function failingRun(template: AuditLogRecord, at: Date, error: string): AuditLogRecord {
  return {
    ...template,
    id: randomUUID(),
    timestamp: formatIsoMicros(microsFromDate(at)),
    execution_time: 0.42,
    cache: false,
    stderr: `Traceback (most recent call last):\n  File "/tmp/udf.py", line 5, in udf\n    lat = row['lat']\n${error}\n`,
  };
}

/** The demo user's UDFs with plain names, newest run first (their rows are in the tree's default range). */
function myNewestRuns(wb: Workbench): AuditLogRecord[] {
  const me = wb.fused.users.find((user) => user.token === wb.fused.token);
  assert.ok(me, 'the server maps its demo token to a user');
  const newest = new Map<string, AuditLogRecord>();
  for (const record of wb.fused.records) {
    if (record.user_email !== me.email || !record.udf_name || !/^[A-Za-z0-9_]+$/.test(record.udf_name)) continue;
    const known = newest.get(record.udf_name);
    if (!known || known.timestamp < record.timestamp) newest.set(record.udf_name, record);
  }
  return [...newest.values()].sort((a, b) => (a.timestamp < b.timestamp ? 1 : -1));
}

describe('Watch a UDF', () => {
  let name = '';
  let other = '';
  let template: AuditLogRecord | undefined;

  it('Watch UDF on a tree row: an eye on the row and the UDF in the status bar', async () => {
    const wb = session.wb;
    const newest = myNewestRuns(wb);
    assert.ok(newest.length >= 2, 'the demo user has runs of two UDFs');
    template = newest[0];
    name = template.udf_name as string;
    other = newest[1].udf_name as string;
    await wb.openView();
    watchBeganMs = Date.now();
    await wb.treeContextMenu(name, 'Watch UDF');
    await waitUntil(async () => saysWatched((await wb.treeRows()).find((row) => row.label === name)?.description), { timeout: 30_000, message: () => `the row of ${name} says it is watched` });
    await waitUntil(async () => (await wb.statusBarItems()).some((item) => item.includes(name)), { timeout: 30_000, message: () => 'the status bar shows the watched UDF' });
    const row = await wb.waitForTreeRow(name);
    assert.ok(await row.locator('.codicon-eye').count(), 'the row shows an eye icon');
    // Its own filter while it is the only watched UDF: one udf_name request per poll.
    const polls = await waitForPolls(1);
    assert.match(polls[0].url, new RegExp(`udf_name=${name}(&|$)`), polls[0].url);
  });

  it('the Watch link of a hover watches a second UDF; a poll then reads both with one request', async () => {
    const wb = session.wb;
    fs.writeFileSync(path.join(wb.workspaceDir, 'watch_flow.py'), `import fused\n\nresult = fused.run("${other}")\n`);
    await wb.openWorkspaceFile('watch_flow.py');
    const literal = wb.page.locator('.editor-instance .monaco-editor .view-line span[class*="mtk"]', { hasText: other }).first();
    await literal.waitFor({ state: 'visible', timeout: 30_000 });
    await wb.hover(literal);
    const widget = wb.page.locator('.monaco-hover:not(.hidden)').filter({ visible: true }).last();
    await widget.getByRole('link', { name: 'Watch', exact: true }).click();
    await waitUntil(async () => (await wb.statusBarItems()).some((item) => item.includes('2 watched')), { timeout: 30_000, message: () => 'the status bar counts two watched UDFs' });
    await waitUntil(async () => saysWatched((await wb.treeRows()).find((row) => row.label === other)?.description), { timeout: 30_000, message: () => `the row of ${other} says it is watched` });
    // Polls from now on: each reads every watched UDF of the scope in one unfiltered request.
    const from = requests.length;
    const polls = await waitForPolls(3, from);
    // A poll under way when the second watch began may still have used its own filter; the later ones are shared.
    const later = polls.slice(-2);
    // 'all' (no udf_name, no page token): one unfiltered request answered both names.
    for (const poll of later) assert.equal(poll.shape, 'all', `a shared read, not one per name: ${poll.url}`);
    await wb.page.keyboard.press('Escape');
  });

  it('three failures since watching began raise one notification with their count; an older one is not counted; a later one waits', async () => {
    const wb = session.wb;
    assert.ok(template);
    const now = Date.now();
    wb.fused.addRecords([
      // Before watching began: never announced.
      failingRun(template, new Date(watchBeganMs - 5 * 60_000), "KeyError: 'old'"),
      failingRun(template, new Date(Math.max(watchBeganMs + 1, now - 2000)), "KeyError: 'lat'"),
      failingRun(template, new Date(Math.max(watchBeganMs + 2, now - 1000)), "KeyError: 'lat'"),
      failingRun(template, new Date(Math.max(watchBeganMs + 3, now)), "KeyError: 'lat'"),
    ]);
    const toast = await wb.waitForNotification(`${name} failed:`, 90_000);
    assert.match(toast, new RegExp(`^${name} failed: KeyError: 'lat' \\(3 failures in 1 min\\)`), toast);
    await wb.screenshot('watch-notification');
    await waitUntil(() => announced(wb, name).length >= 1, { timeout: 30_000, message: () => 'the log line of the notification' });
    // Later polls do not announce the same runs again.
    await waitForPolls(2);
    assert.equal(announced(wb, name).length, 1, announced(wb, name).join('\n'));
    assert.equal((await shownFor(wb, name)).length, 1, 'one notification in the window');
    // A failure within the group window waits to be announced with the next ones (10 min).
    wb.fused.addRecords([failingRun(template, new Date(), "KeyError: 'lat'")]);
    await waitForPolls(2);
    assert.equal(announced(wb, name).length, 1, 'a failure within the window after an announcement is held, not announced at once');
    assert.equal((await shownFor(wb, name)).length, 1, 'still one notification in the window');
    assert.ok(!announced(wb, other).length, `nothing about ${other}, which did not fail`);
    // Its Open stderr button opens the newest failure of the group.
    await wb.runCommand('Notifications: Show Notifications');
    const item = wb.page.locator('.notifications-center .notification-list-item', { hasText: `${name} failed:` }).first();
    await item.getByRole('button', { name: 'Open stderr' }).click();
    let seen = { title: '', text: '' };
    await waitUntil(
      async () => {
        seen = { title: await wb.activeTabTitle().catch(() => ''), text: await wb.editorText().catch(() => '') };
        return /^stderr(\.log)?$/.test(seen.title) && seen.text.includes("KeyError: 'lat'");
      },
      { timeout: 30_000, message: () => `the failure's stderr opens (${JSON.stringify(seen)})` },
    );
  });

  it('after a window reload the watch resumes and announces nothing again', async () => {
    const wb = session.wb;
    await wb.reloadWindow();
    // The watch list comes back from workspaceState with the window.
    await waitUntil(async () => (await wb.statusBarItems()).some((item) => item.includes('2 watched')), { timeout: 90_000, message: () => 'the status bar item after the reload' });
    await waitForPolls(3);
    assert.equal(announced(wb, name).length, 1, announced(wb, name).join('\n'));
    assert.deepEqual(await shownFor(wb, name), [], 'no notification after the reload');
  });

  it('the Stop Watching button of a notification stops watching that UDF; the other stays watched', async () => {
    const wb = session.wb;
    const otherRun = myNewestRuns(wb).find((record) => record.udf_name === other);
    assert.ok(otherRun, `a run of ${other} to copy`);
    wb.fused.addRecords([failingRun(otherRun, new Date(), "ValueError: 'bbox'")]);
    const toast = await wb.waitForNotification(`${other} failed:`, 90_000);
    assert.match(toast, new RegExp(`^${other} failed: ValueError: 'bbox'`), toast);
    await wb.runCommand('Notifications: Show Notifications');
    const item = wb.page.locator('.notifications-center .notification-list-item', { hasText: `${other} failed:` }).first();
    await item.getByRole('button', { name: 'Stop Watching' }).click();
    await wb.openView();
    await waitUntil(async () => saysWatched((await wb.treeRows()).find((row) => row.label === other)?.description) === false, { timeout: 30_000, message: () => `the row of ${other} is no longer watched` });
    assert.ok(saysWatched((await wb.treeRows()).find((row) => row.label === name)?.description), `${name} is still watched`);
    // One watched UDF left: the status bar names it instead of counting.
    await waitUntil(async () => (await wb.statusBarItems()).some((entry) => entry.includes(name) && !entry.includes('2 watched')), { timeout: 30_000, message: () => `the status bar shows only ${name} watched` });
  });

  it('Stop Watching from the palette removes the eyes and the status bar item, and polling stops', async () => {
    const wb = session.wb;
    await wb.openView();
    // The other UDF's watch was stopped from its notification (the test before).
    for (const watched of [name]) {
      await wb.runCommand('Fused: Stop Watching UDF');
      await wb.page.locator('.quick-input-widget .quick-input-title').filter({ hasText: 'Stop Watching UDF' }).waitFor({ state: 'visible', timeout: 15_000 });
      await wb.pickQuickPickItem(watched);
      await waitUntil(async () => saysWatched((await wb.treeRows()).find((row) => row.label === watched)?.description) === false, { timeout: 30_000, message: () => `the row of ${watched} is no longer watched` });
    }
    await waitUntil(async () => !(await wb.statusBarItems()).some((item) => item.includes('watched') || item.includes(name)), { timeout: 30_000, message: () => 'no watch status bar item' });
    const from = requests.length;
    // Time itself is what is tested: no poll may come once nothing is watched, and an absence
    // has no event to wait for, so this waits a fixed three poll intervals.
    await wb.page.waitForTimeout(POLL_SECONDS * 3 * 1000);
    assert.deepEqual(watchPolls(from), [], 'no poll after the last UDF stopped being watched');
  });
});
