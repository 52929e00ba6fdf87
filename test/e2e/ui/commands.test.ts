// The query commands in a real VS Code (code-server + Chromium) against the local Fused server:
// each palette command's fallback prompt, validation messages, the Query Results view (Load
// more, error row + Retry after a fault, Clear), the failing summary (sorting, opening a row)
// and Export Runs to CSV / JSON Lines. Every expectation is computed from the records the
// server serves (fused.records) with the API's documented semantics.
// The tests run in order on one workbench.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Locator } from 'playwright-core';
import { summarizeFailures } from '../../../src/api/recipes';
import { isFailing } from '../../../src/api/status';
import { RECORD_FIELDS, type AuditLogRecord } from '../../../src/api/types';
import { parse } from 'csv-parse/sync';
import { sortFailingSummaries } from '../../../src/shared/failingSummary';
import type { FailingSortKey } from '../../../src/shared/commands';
import { rowKey, runRowKey, useWorkbench, waitUntil, type Workbench } from '../harness';

/** The export read back with an independent RFC 4180 parser (csv-parse). */
const parseCsv = (text: string): string[][] => parse(text, { record_delimiter: '\r\n' }) as string[][];

const PAGE_SIZE = 5;
const session = useWorkbench({
  name: 'commands',
  settings: { 'fusedRuns.results.pageSize': PAGE_SIZE },
  viewport: { width: 1400, height: 1400 },
});

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** Runs this close to a range boundary may fall on either side (the UI and the test read the clock apart). */
const SLACK_MS = 3 * 60_000;

interface DemoUser {
  email: string;
  exec_env_id: string;
  token: string;
}

function demoUser(wb: Workbench): DemoUser {
  const user = (wb.fused.users as DemoUser[]).find((u) => u.token === wb.fused.token);
  assert.ok(user, 'the server has a user for its demo token');
  return user;
}

function mine(wb: Workbench): AuditLogRecord[] {
  const user = demoUser(wb);
  return wb.fused.records.filter((r) => r.user_email === user.email);
}

function inEnv(wb: Workbench): AuditLogRecord[] {
  const user = demoUser(wb);
  return wb.fused.records.filter((r) => r.exec_env_id === user.exec_env_id);
}

function newestFirst(records: AuditLogRecord[]): AuditLogRecord[] {
  return [...records].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || (a.id < b.id ? 1 : -1));
}

/** The Query Results pane: the side-bar pane whose header shows `title` (case-insensitive). */
function resultsPane(wb: Workbench, title: string): Locator {
  const pattern = new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  return wb.page.locator('.part.sidebar .pane').filter({ has: wb.page.locator('.pane-header', { hasText: pattern }) }).first();
}

async function paneHeader(pane: Locator): Promise<string> {
  return ((await pane.locator('.pane-header').innerText()) ?? '').replace(/\s+/g, ' ').trim();
}

async function paneRows(pane: Locator): Promise<{ label: string; description: string; ariaLabel: string; level: number }[]> {
  return pane.locator('.monaco-list-row[role="treeitem"]').evaluateAll((rows) =>
    rows.map((row) => ({
      label: (row.querySelector('.label-name')?.textContent ?? '').trim(),
      description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
      ariaLabel: row.getAttribute('aria-label') ?? '',
      level: Number(row.getAttribute('aria-level') ?? '1'),
    })),
  );
}

/** Waits until the results pane titled `title` shows level-1 rows satisfying `predicate`; a run row is given by its rowKey ("name run at local time"). */
async function waitForResults(wb: Workbench, title: string, predicate: (labels: string[], header: string) => boolean, timeoutMs = 30_000): Promise<{ labels: string[]; header: string }> {
  let labels: string[] = [];
  let header = '';
  return waitUntil(
    async () => {
      const pane = resultsPane(wb, title);
      if ((await pane.count()) === 0) return false;
      header = await paneHeader(pane);
      labels = (await paneRows(pane)).filter((r) => r.level === 1).map(rowKey);
      return predicate(labels, header) && { labels, header };
    },
    { timeout: timeoutMs, message: () => `results "${title}" match (header "${header}", rows ${JSON.stringify(labels)})` },
  );
}

/** Waits for the quick pick to list items satisfying `predicate` (it loads asynchronously). */
async function waitForItems(wb: Workbench, predicate: (items: string[]) => boolean, timeoutMs = 20_000): Promise<string[]> {
  let items: string[] = [];
  return waitUntil(async () => predicate((items = await wb.quickPickItems())) && items, {
    timeout: timeoutMs,
    message: () => `the quick pick lists the expected items (it lists ${JSON.stringify(items)})`,
  });
}

/** Waits for the input box's validation message to match. */
async function waitForMessage(wb: Workbench, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  let message = '';
  return waitUntil(async () => pattern.test((message = (await wb.waitForQuickInput()).message)) && message, {
    timeout: timeoutMs,
    message: () => `the prompt says ${String(pattern)} (it says "${message}")`,
  });
}

async function waitForQuickInputTitle(wb: Workbench, pattern: RegExp, timeoutMs = 15_000): Promise<void> {
  await wb.waitForQuickInput({ title: pattern, timeoutMs });
}

/** Clears the Query Results view if it shows anything (the Clear command is offered only then). */
async function clearResults(wb: Workbench): Promise<void> {
  await wb.openView();
  if ((await wb.viewHeaders()).length <= 1) return;
  await wb.runCommand('Fused: Clear Query Results');
  await waitUntil(async () => (await wb.viewHeaders()).length === 1, { timeout: 10_000, message: async () => `only the UDFs view shows (headers: ${JSON.stringify(await wb.viewHeaders())})` });
}

function count(wb: Workbench, predicate: (shape: string) => boolean): number {
  return Object.entries(wb.fused.stats().byQuery).reduce((sum, [shape, n]) => (predicate(shape) ? sum + (n as number) : sum), 0);
}

/** A UDF name I ran between `min` and `max` times (so paging has a few pages, all rows fit on screen). */
function nameWithRuns(wb: Workbench, min: number, max: number): string {
  const counts = new Map<string, number>();
  for (const r of mine(wb)) if (r.udf_name) counts.set(r.udf_name, (counts.get(r.udf_name) ?? 0) + 1);
  const hit = [...counts].filter(([name, n]) => n >= min && n <= max && /^[\w-]+$/.test(name)).sort((a, b) => b[1] - a[1])[0];
  assert.ok(hit, `the demo data has a UDF of mine with ${min}..${max} runs: ${JSON.stringify([...counts])}`);
  return hit[0];
}

describe('Fused query commands', () => {
  it('Show Runs of UDF by Name: the QuickPick lists my distinct names; picking one shows its runs newest first, Load more pages to the end without duplicates', async () => {
    const wb = session.wb;
    await wb.openView();
    const name = nameWithRuns(wb, PAGE_SIZE * 2 + 1, 30);
    const expectedNames = new Set(mine(wb).map((r) => r.udf_name).filter((n): n is string => !!n));

    await wb.runCommand('Fused: Show Runs of UDF by Name');
    await waitForQuickInputTitle(wb, /Show Runs of UDF by Name · mine/);
    // The list is virtualised: the rows rendered are a prefix; each must be one of my names, none twice.
    const items = await waitForItems(wb, (list) => list.length >= Math.min(expectedNames.size, 8));
    for (const label of items) assert.ok(expectedNames.has(label), `${label} is not a UDF name of mine`);
    assert.equal(new Set(items).size, items.length, 'no name twice');

    wb.fused.resetStats();
    await wb.fillQuickInput(name);
    await wb.acceptQuickInput();
    const runs = newestFirst(mine(wb).filter((r) => r.udf_name === name));
    const title = `udf_name = ${name}`;
    // The pane's header is updated a moment after its rows: wait for both.
    const first = await waitForResults(wb, title, (labels, header) => labels[PAGE_SIZE] === 'Load more…' && /more available/i.test(header));
    assert.deepEqual(first.labels.slice(0, PAGE_SIZE), runs.slice(0, PAGE_SIZE).map(runRowKey));
    assert.equal(first.labels[PAGE_SIZE], 'Load more…');
    assert.match(first.header, new RegExp(`${PAGE_SIZE} runs · more available`, 'i'));
    assert.equal(count(wb, (s) => s === 'udf_name'), 1, JSON.stringify(wb.fused.stats().byQuery));

    // Load more until the end; each click is one request with the next page token.
    for (let pages = 1; pages < Math.ceil(runs.length / PAGE_SIZE); pages++) {
      const pane = resultsPane(wb, title);
      // The mouse rests on the row clicked last; its tooltip would cover the next Load more.
      await wb.clearHover();
      await pane.locator('.monaco-list-row[role="treeitem"]', { has: wb.page.locator('.label-name', { hasText: /^Load more…$/ }) }).click();
      await waitForResults(wb, title, (labels) => labels.filter((l) => l !== 'Load more…' && l !== 'Loading…').length >= Math.min(runs.length, (pages + 1) * PAGE_SIZE));
    }
    const all = await waitForResults(wb, title, (labels, header) => !labels.includes('Load more…') && !labels.includes('Loading…') && !/more available/i.test(header));
    assert.deepEqual(all.labels, runs.map(runRowKey));
    assert.equal(new Set(all.labels).size, all.labels.length, 'no run twice');
    assert.match(all.header, new RegExp(`${runs.length} runs`, 'i'));
    assert.equal(count(wb, (s) => s === 'udf_name+page'), Math.ceil(runs.length / PAGE_SIZE) - 1);
    await wb.screenshot('results-after-load-more');
  });

  it('Show Runs of UDF by Name: a typed name that is not listed is queried as typed; an empty answer says so', async () => {
    const wb = session.wb;
    await wb.openView();
    await wb.runCommand('Fused: Show Runs of UDF by Name');
    await waitForQuickInputTitle(wb, /Show Runs of UDF by Name/);
    await waitForItems(wb, (list) => list.length > 1);
    await wb.fillQuickInput('no_such_udf_anywhere');
    const items = await waitForItems(wb, (list) => list.includes('no_such_udf_anywhere'));
    assert.deepEqual(items, ['no_such_udf_anywhere']);
    await wb.acceptQuickInput();
    const shown = await waitForResults(wb, 'udf_name = no_such_udf_anywhere', (labels) => labels.length === 1 && labels[0] !== 'Loading…');
    assert.deepEqual(shown.labels, ['No runs match this query']);
  });

  it('Show Run by Record ID: blank or over-long input is refused with a reason; a real id shows that run', async () => {
    const wb = session.wb;
    await wb.openView();
    const record = newestFirst(mine(wb).filter((r) => r.udf_name && /^[\w-]+$/.test(r.udf_name)))[3];
    await wb.runCommand('Fused: Show Run by Record ID');
    await waitForQuickInputTitle(wb, /Show Run by Record ID/);
    // Ids that are not UUIDs are accepted (a server may hand them out); blank or runaway input is not.
    await wb.fillQuickInput('   ');
    assert.match(await waitForMessage(wb, /Enter an audit record id/), /Enter an audit record id/);
    await wb.fillQuickInput('x'.repeat(1025));
    await waitForMessage(wb, /at most 1024/);
    await wb.acceptQuickInput();
    assert.equal(await wb.quickInputVisible(), true, 'invalid input does not close the prompt');
    await wb.fillQuickInput(record.id);
    await wb.acceptQuickInput();
    const shown = await waitForResults(wb, `id = ${record.id}`, (labels) => labels[0] === runRowKey(record));
    assert.deepEqual(shown.labels, [runRowKey(record)]);
    // A list that mixes UDFs labels a run "name · 5 min ago"; the description starts with its status.
    const [row] = (await paneRows(resultsPane(wb, `id = ${record.id}`))).filter((r) => r.level === 1);
    assert.match(row.label, new RegExp(`^${record.udf_name} · (just now|\\d+ (min|h|d|w|mo|y) ago)$`), `results row label ${row.label}`);
    assert.match(row.description, /^(Succeeded|Failed|Incomplete|Cached) · /, `results row description ${row.description}`);
    // ...and its details open beside (the details webview, titled with the UDF name and time).
    await waitUntil(async () => (await wb.tabTitles()).some((t) => t.startsWith(`${record.udf_name} ·`)), {
      timeout: 15_000,
      message: async () => `a details tab titled "${record.udf_name} · …" opens (tabs: ${JSON.stringify(await wb.tabTitles())})`,
    });
  });

  it('Show Run by Record ID: an unknown id gets the not-found message', async () => {
    const wb = session.wb;
    await wb.openView();
    await wb.runCommand('Fused: Show Run by Record ID');
    await waitForQuickInputTitle(wb, /Show Run by Record ID/);
    await wb.fillQuickInput('00000000-0000-4000-8000-00000000dead');
    await wb.acceptQuickInput();
    const message = await wb.waitForNotification(/Show run 00000000-0000-4000-8000-00000000dead failed/);
    assert.match(message, /not found|no audit|does not exist|404/i);
  });

  it('Show Runs of UDF by ID: the QuickPick lists my UDFs with their ids; the typed id shows its runs', async () => {
    const wb = session.wb;
    await wb.openView();
    const runsById = new Map<string, AuditLogRecord[]>();
    for (const r of mine(wb)) if (r.udf_id) runsById.set(r.udf_id, [...(runsById.get(r.udf_id) ?? []), r]);
    const [udfId, runs] = [...runsById].sort((a, b) => b[1].length - a[1].length)[0];
    await wb.runCommand('Fused: Show Runs of UDF by ID');
    await waitForQuickInputTitle(wb, /Show Runs of UDF by ID · mine/);
    await waitForItems(wb, (list) => list.length >= Math.min(2, runsById.size));
    await wb.fillQuickInput(udfId);
    await waitForItems(wb, (list) => list.length === 1);
    await wb.acceptQuickInput();
    const expected = newestFirst(runs).slice(0, PAGE_SIZE).map(runRowKey);
    const shown = await waitForResults(wb, `udf_id = ${udfId}`, (labels) => expected.every((label, i) => labels[i] === label));
    assert.deepEqual(shown.labels.slice(0, expected.length), expected);
  });

  it('Show Runs for Shared Token: validates the token, accepts a share link, shows the runs', async () => {
    const wb = session.wb;
    await wb.openView();
    const shared = newestFirst(mine(wb).filter((r) => typeof r.shared_token === 'string' && r.shared_token.length > 0));
    assert.ok(shared.length > 0, 'the demo data has runs of mine through a shared link');
    const token = shared[0].shared_token as string;
    const runs = shared.filter((r) => r.shared_token === token);
    await wb.runCommand('Fused: Show Runs for Shared Token');
    await waitForQuickInputTitle(wb, /Show Runs for Shared Token/);
    await wb.fillQuickInput('two words');
    await waitForMessage(wb, /no spaces/);
    await wb.fillQuickInput(`https://www.fused.io/server/v1/realtime-shared/${token}/run/file?dtype_out_raster=png`);
    await wb.acceptQuickInput();
    const expected = runs.slice(0, PAGE_SIZE).map(runRowKey);
    const shown = await waitForResults(wb, `shared_token = ${token}`, (labels) => expected.every((label, i) => labels[i] === label));
    assert.deepEqual(shown.labels.slice(0, expected.length), expected);
  });

  it('Show Runs in Time Range: a custom range reads a local time like the tree does, refuses an impossible date and an end before the start; a preset shows the newest runs', async () => {
    const wb = session.wb;
    await wb.openView();
    await wb.runCommand('Fused: Show Runs in Time Range');
    await waitForQuickInputTitle(wb, /Show Runs in Time Range/);
    await wb.pickQuickPickItem('Custom range…');
    await waitForQuickInputTitle(wb, /start/);
    await wb.fillQuickInput('2026-02-30');
    await waitForMessage(wb, /"2026-02-30" is not a date: 2026-02 has no day 30/);
    // No offset (Python's str(datetime) form): accepted as local time and shown back with its offset.
    await wb.fillQuickInput('2026-11-25 10:00:00');
    await waitForMessage(wb, /Local time: 2026-11-25T10:00:00[+-]\d\d:\d\d/);
    await wb.acceptQuickInput();
    await waitForQuickInputTitle(wb, /end/);
    await wb.fillQuickInput('2026-11-25T09:00:00');
    await waitForMessage(wb, /"2026-11-25T09:00:00" is before the start time "2026-11-25 10:00:00"/);
    await wb.page.keyboard.press('Escape');

    await wb.runCommand('Fused: Show Runs in Time Range');
    await waitForQuickInputTitle(wb, /Show Runs in Time Range/);
    await wb.pickQuickPickItem('Last 24 hours');
    await waitForQuickInputTitle(wb, /scope/);
    await wb.pickQuickPickItem(/Execution environment/);
    const expected = newestFirst(inEnv(wb).filter((r) => Date.now() - Date.parse(r.timestamp) <= DAY - SLACK_MS)).slice(0, PAGE_SIZE).map(runRowKey);
    assert.equal(expected.length, PAGE_SIZE, 'the demo data has runs in the last day');
    const shown = await waitForResults(wb, 'exec env', (labels) => expected.every((label, i) => labels[i] === label));
    assert.deepEqual(shown.labels.slice(0, PAGE_SIZE), expected);
  });

  it('Show Distinct UDFs: refuses a scan over 5000, then lists one row per UDF id of the execution environment', async () => {
    const wb = session.wb;
    await wb.openView();
    await wb.runCommand('Fused: Show Distinct UDFs');
    await waitForQuickInputTitle(wb, /Show Distinct UDFs/);
    await wb.pickQuickPickItem(/UDF ids · execution environment/);
    await waitForQuickInputTitle(wb, /records to scan/);
    await wb.fillQuickInput('6000');
    await waitForMessage(wb, /at most 5000/);
    await wb.fillQuickInput('5000');
    await waitForMessage(wb, /^How many raw records .*Press 'Enter' to confirm/);
    wb.fused.resetStats();
    await wb.acceptQuickInput();
    const env = inEnv(wb);
    assert.ok(env.length <= 5000, 'one scan covers the environment');
    // Runs without a udf_id form one group of their own (the local server's reading of "one record per unique UDF").
    const newestById = new Map<string | null, AuditLogRecord>();
    for (const r of newestFirst(env)) if (!newestById.has(r.udf_id ?? null)) newestById.set(r.udf_id ?? null, r);
    const expectedLabels = new Set([...newestById.values()].map(runRowKey));
    const shown = await waitForResults(
      wb,
      'distinct ids',
      (labels, header) => labels.length > 0 && labels.every((label) => expectedLabels.has(label)) && new RegExp(`${newestById.size} runs`, 'i').test(header),
    );
    for (const label of shown.labels) assert.ok(expectedLabels.has(label), `${label} is not the newest run of an id`);
    assert.equal(count(wb, (s) => s === 'distinct:ids+exec_env'), 1);
  });

  it('Show Failing UDFs: the summary matches the recipe, re-sorts by name and last failure, and a row opens its failing runs', async () => {
    const wb = session.wb;
    await wb.openView();
    await wb.runCommand('Fused: Show Failing UDFs');
    await waitForQuickInputTitle(wb, /Failing UDFs · last 7 days · mine · most failures first/);
    const now = Date.now();
    const inWeek = newestFirst(mine(wb).filter((r) => now - Date.parse(r.timestamp) <= 7 * DAY));
    const nearEdge = mine(wb).some((r) => isFailing(r) && Math.abs(now - Date.parse(r.timestamp) - 7 * DAY) < SLACK_MS);
    const summaries = summarizeFailures(inWeek);
    assert.ok(summaries.length > 2, 'the demo data has failing UDFs');
    const expectedOrder = (key: FailingSortKey) => sortFailingSummaries(summaries, key).map((s) => s.udf_name ?? '(runs without a UDF name)');

    // The list is virtualised: compare the rows rendered with the same prefix of the expected order.
    const byCount = await waitForItems(wb, (list) => list.length >= Math.min(summaries.length, 8) && (nearEdge || list.join() === expectedOrder('count').slice(0, list.length).join()), 60_000);
    assert.ok(byCount.length > 0);
    const titleButton = (tooltip: string) => wb.page.locator(`.quick-input-widget .quick-input-titlebar .action-label[aria-label^="${tooltip}"]`).first();
    await titleButton('Sort by name').click();
    await waitForQuickInputTitle(wb, /name A–Z/);
    const byName = await wb.quickPickItems();
    if (!nearEdge) assert.deepEqual(byName, expectedOrder('name').slice(0, byName.length));
    await titleButton('Sort by last failure').click();
    await waitForQuickInputTitle(wb, /most recent failure first/);
    const byRecent = await wb.quickPickItems();
    if (!nearEdge) assert.deepEqual(byRecent, expectedOrder('lastFailure').slice(0, byRecent.length));
    assert.notDeepEqual(byName, byRecent);
    await wb.screenshot('failing-summary');

    const target = sortFailingSummaries(summaries, 'lastFailure').find((s) => s.udf_name && /^[\w-]+$/.test(s.udf_name));
    assert.ok(target?.udf_name);
    await wb.pickQuickPickItem(target.udf_name);
    const failing = inWeek.filter((r) => r.udf_name === target.udf_name && isFailing(r));
    const expectedFailing = failing.slice(0, 10).map(runRowKey);
    const shown = await waitForResults(wb, `udf_name = ${target.udf_name} · failing`, (labels) => expectedFailing.every((label, i) => labels[i] === label));
    const runs = shown.labels.filter((l) => l !== 'Load more…');
    assert.deepEqual(runs.slice(0, Math.min(failing.length, 10)), failing.slice(0, 10).map(runRowKey));
    assert.match(shown.header, /failing runs only/i);

    // Exporting these results writes what the view lists: the UDF's failing runs only.
    const file = path.join(wb.workspaceDir, `failing-${target.udf_name}.jsonl`);
    await wb.runCommand('Fused: Export Runs');
    await waitForQuickInputTitle(wb, /Export Runs/);
    await wb.pickQuickPickItem('JSON Lines');
    await wb.saveDialog(file);
    await wb.waitForNotification(/Exported [\d,]+ runs? to failing-/);
    const exported = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as AuditLogRecord);
    for (const record of exported) assert.ok(record.udf_name === target.udf_name && isFailing(record), `${record.id} is a failing run of ${target.udf_name}`);
    if (!nearEdge) assert.deepEqual(exported.map((r) => r.id), failing.map((r) => r.id));
  });

  it('the failing-UDFs status bar item opens the summary it already read, without a request', async () => {
    const wb = session.wb;
    await wb.openView();
    const item = wb.page.locator('.part.statusbar .statusbar-item', { hasText: /\d+ failing/ }).first();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    const shownCount = Number(/(\d+) failing/.exec(await item.innerText())?.[1]);
    wb.fused.resetStats();
    await item.click();
    await waitForQuickInputTitle(wb, /Failing UDFs · .* · mine · most failures first/);
    const items = await waitForItems(wb, (list) => list.length >= Math.min(shownCount, 8));
    assert.ok(items.length <= shownCount);
    assert.equal(wb.fused.stats().requests, 0, 'the picker reused the status bar summary');
    await wb.page.keyboard.press('Escape');
  });

  it('Show Recently Used UDFs: one row per UDF name I used in the last 7 days, newest first', async () => {
    const wb = session.wb;
    await wb.openView();
    await wb.runCommand('Fused: Show Recently Used UDFs');
    await waitForQuickInputTitle(wb, /Show Recently Used UDFs/);
    await wb.pickQuickPickItem(/UDF names · mine/);
    const now = Date.now();
    const newestByName = new Map<string, AuditLogRecord>();
    for (const r of newestFirst(mine(wb).filter((x) => now - Date.parse(x.timestamp) <= 7 * DAY - SLACK_MS))) {
      if (r.udf_name && !newestByName.has(r.udf_name)) newestByName.set(r.udf_name, r);
    }
    const expected = [...newestByName.values()].map(runRowKey);
    const shown = await waitForResults(wb, 'recently used UDF names', (labels) => expected.slice(0, 8).every((label, i) => labels[i] === label), 60_000);
    assert.deepEqual(shown.labels.slice(0, 8), expected.slice(0, 8));
  });

  it('Export Runs: the current results to CSV through the save dialog; the file holds exactly the query\'s runs', async () => {
    const wb = session.wb;
    await wb.openView();
    const name = nameWithRuns(wb, PAGE_SIZE * 2 + 1, 30);
    await wb.runCommand('Fused: Show Runs of UDF by Name');
    await waitForQuickInputTitle(wb, /Show Runs of UDF by Name/);
    await waitForItems(wb, (list) => list.includes(name));
    await wb.fillQuickInput(name);
    await wb.acceptQuickInput();
    await waitForResults(wb, `udf_name = ${name}`, (labels) => labels.length >= PAGE_SIZE);

    const file = path.join(wb.workspaceDir, `export-${name}.csv`);
    await wb.runCommand('Fused: Export Runs');
    await waitForQuickInputTitle(wb, /Export Runs/);
    await wb.pickQuickPickItem('CSV');
    await wb.saveDialog(file);
    await wb.waitForNotification(/Exported [\d,]+ runs? to/);
    const rows = parseCsv(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(rows[0], [...RECORD_FIELDS]);
    const expected = newestFirst(mine(wb).filter((r) => r.udf_name === name));
    assert.deepEqual(rows.slice(1).map((row) => row[0]), expected.map((r) => r.id));
    const stderrColumn = RECORD_FIELDS.indexOf('stderr');
    rows.slice(1).forEach((row, index) => {
      const stderr = expected[index].stderr ?? '';
      assert.equal(row[stderrColumn], /^[=+\-@\t\r]/.test(stderr) ? `'${stderr}` : stderr);
    });
  });

  it('Export Runs without results: prompts for the runs, writes JSON Lines of every run of the environment', async () => {
    const wb = session.wb;
    await clearResults(wb);
    const file = path.join(wb.workspaceDir, 'export-env.jsonl');
    await wb.runCommand('Fused: Export Runs');
    await waitForQuickInputTitle(wb, /Export Runs/);
    await wb.pickQuickPickItem(/All runs in my execution environment/);
    await waitForQuickInputTitle(wb, /Export Runs/);
    await wb.pickQuickPickItem('JSON Lines');
    await wb.saveDialog(file);
    await wb.waitForNotification(/Exported [\d,]+ runs? to/, 60_000);
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as AuditLogRecord);
    const expected = newestFirst(inEnv(wb));
    assert.equal(lines.length, expected.length);
    assert.deepEqual(lines.map((r) => r.id), expected.map((r) => r.id));
    const byId = new Map(expected.map((r) => [r.id, r]));
    for (const line of lines) assert.deepEqual(line.stderr ?? null, byId.get(line.id)?.stderr ?? null);
  });

  it('Export Runs: Cancel on the progress notification aborts the request and writes nothing', async () => {
    const wb = session.wb;
    await wb.openView();
    const name = nameWithRuns(wb, PAGE_SIZE + 1, 1000);
    await wb.runCommand('Fused: Show Runs of UDF by Name');
    await waitForQuickInputTitle(wb, /Show Runs of UDF by Name/);
    await waitForItems(wb, (list) => list.includes(name));
    await wb.fillQuickInput(name);
    await wb.acceptQuickInput();
    await waitForResults(wb, `udf_name = ${name}`, (labels) => labels.length > PAGE_SIZE);
    const file = path.join(wb.workspaceDir, `cancelled-${name}.jsonl`);
    // Every request for this UDF now takes 20 s to answer: the export is still waiting when cancelled.
    wb.fused.setFaults({ latencyMs: 20_000, match: { udf_name: name } });
    try {
      wb.fused.resetStats();
      await wb.runCommand('Fused: Export Runs');
      await waitForQuickInputTitle(wb, /Export Runs/);
      await wb.pickQuickPickItem('JSON Lines');
      await wb.saveDialog(file, { waitForFile: false });
      const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: /Exporting runs/ }).first();
      await toast.waitFor({ state: 'visible', timeout: 15_000 });
      const started = Date.now();
      // The export's first page is now held by the server. (Other readers of this UDF, such as the
      // results view reloading when the window regains focus after the save dialog, may ask too:
      // the count is not asserted to be exactly one.)
      await waitUntil(() => count(wb, (s) => s.startsWith('udf_name')) > 0, { timeout: 10_000, message: 'the export asks for its first page' });
      const aborted = (): number => wb.fused.stats().recent.filter((e) => e.shape.startsWith('udf_name') && e.status === 'aborted').length;
      assert.equal(aborted(), 0, 'nothing was aborted before Cancel');
      await toast.hover();
      await toast.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
      await wb.waitForNotification(`Export cancelled; cancelled-${name}.jsonl was not written.`);
      assert.ok(Date.now() - started < 15_000, 'cancelling did not wait for the slow reply');
      // The server saw the client go away: Cancel aborted the HTTP request, not only the wait for it.
      await waitUntil(() => aborted() > 0, { timeout: 5_000, message: 'the server logs the export request as aborted' });
    } finally {
      wb.fused.clearFaults();
    }
    assert.equal(fs.existsSync(file), false);
    assert.deepEqual(fs.readdirSync(wb.workspaceDir).filter((f) => f.endsWith('.part')), []);
  });

  it('a server fault shows the error with Retry in a notification and as a row; Retry after recovery shows the runs', async () => {
    const wb = session.wb;
    await wb.openView();
    const name = nameWithRuns(wb, PAGE_SIZE + 1, 1000);
    // Start from an empty view so the failed query is a new one (a failed reload of the same
    // query rightly keeps the rows it had).
    await clearResults(wb);
    wb.fused.setFaults({ status: 500, match: { udf_name: name } });
    try {
      await wb.runCommand('Fused: Show Runs of UDF by Name');
      await waitForQuickInputTitle(wb, /Show Runs of UDF by Name/);
      await waitForItems(wb, (list) => list.includes(name));
      await wb.fillQuickInput(name);
      await wb.acceptQuickInput();
      const message = await wb.waitForNotification(/server error \(500\)/);
      assert.match(message, new RegExp(`udf_name = ${name} failed`));
      const shown = await waitForResults(wb, `udf_name = ${name}`, (labels) => labels.some((l) => /server error \(500\)/.test(l)));
      assert.equal(shown.labels.length, 1);
    } finally {
      wb.fused.clearFaults();
    }
    const pane = resultsPane(wb, `udf_name = ${name}`);
    await pane.locator('.monaco-list-row[role="treeitem"]').first().click();
    const expected = newestFirst(mine(wb).filter((r) => r.udf_name === name)).slice(0, PAGE_SIZE).map(runRowKey);
    const recovered = await waitForResults(wb, `udf_name = ${name}`, (labels) => expected.every((label, i) => labels[i] === label));
    assert.deepEqual(recovered.labels.slice(0, PAGE_SIZE), expected);
  });

  it('Clear Query Results hides the view', async () => {
    const wb = session.wb;
    await wb.openView();
    if ((await wb.viewHeaders()).length <= 1) {
      // No results are shown yet (the test runs alone): show one run first.
      const record = newestFirst(mine(wb).filter((r) => r.udf_name && /^[\w-]+$/.test(r.udf_name)))[0];
      await wb.runCommand('Fused: Show Run by Record ID');
      await waitForQuickInputTitle(wb, /Show Run by Record ID/);
      await wb.fillQuickInput(record.id);
      await wb.acceptQuickInput();
      await waitForResults(wb, `id = ${record.id}`, (labels) => labels[0] === runRowKey(record));
    }
    assert.equal((await wb.viewHeaders()).length, 2, 'the UDFs view and the results view show');
    await wb.runCommand('Fused: Clear Query Results');
    await waitUntil(async () => (await wb.viewHeaders()).length === 1, {
      timeout: 10_000,
      message: async () => `the results view is gone (headers: ${JSON.stringify(await wb.viewHeaders())})`,
    });
    assert.match((await wb.viewHeaders())[0], /UDFs/);
  });
});
