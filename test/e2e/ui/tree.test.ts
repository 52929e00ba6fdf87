// The Fused Runs tree in a real VS Code (code-server + Chromium) against the local Fused server.
// Every expectation is computed from the records the server serves (fused.records) with the
// API's documented semantics; request counts come from the server's own stats.
// The tests run in order on one workbench: each leaves the view in a known state for the next.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFailing } from '../../../src/api/status';
import type { AuditLogRecord } from '../../../src/api/types';
import { formatLocalTime, statusPresentation } from '../../../src/shared/presentation';
import { runStatus } from '../../../src/api/status';
import { rowKey, runRow, runRowKey, useWorkbench, waitUntil, type TreeRow, type Workbench } from '../harness';

const PAGE_SIZE = 5;
const session = useWorkbench({
  name: 'tree',
  settings: { 'fusedRuns.runs.pageSize': PAGE_SIZE },
  viewport: { width: 1400, height: 1000 },
});

interface DemoUser {
  email: string;
  exec_env_id: string;
  token: string;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** Runs this close to a range boundary may fall on either side (the UI and the test read the clock apart). */
const SLACK_MS = 3 * 60_000;

function demoUser(wb: Workbench): DemoUser {
  const users = wb.fused.users as DemoUser[];
  const user = users.find((u) => u.token === wb.fused.token);
  assert.ok(user, 'the server has a user for its demo token');
  return user;
}

function inScope(wb: Workbench, scope: 'mine' | 'env'): AuditLogRecord[] {
  const user = demoUser(wb);
  return wb.fused.records.filter((r) => (scope === 'mine' ? r.user_email === user.email : r.exec_env_id === user.exec_env_id));
}

/** Keys that must show (a run well inside the range) and keys that may show (a run near its start). */
function expectedKeys(records: AuditLogRecord[], spanMs: number, key: (r: AuditLogRecord) => string | null | undefined): { must: Set<string>; may: Set<string> } {
  const now = Date.now();
  const must = new Set<string>();
  const may = new Set<string>();
  for (const record of records) {
    const k = key(record);
    if (!k) continue;
    const age = now - Date.parse(record.timestamp);
    if (age <= spanMs - SLACK_MS) must.add(k);
    if (age <= spanMs + SLACK_MS) may.add(k);
  }
  return { must, may };
}

function assertShown(shown: string[], expected: { must: Set<string>; may: Set<string> }, what: string): void {
  assert.equal(new Set(shown).size, shown.length, `${what}: no row twice (${shown.join(', ')})`);
  for (const key of expected.must) assert.ok(shown.includes(key), `${what}: ${key} is missing; shown: ${shown.join(', ')}`);
  for (const key of shown) assert.ok(expected.may.has(key), `${what}: ${key} should not be shown`);
  assert.ok(expected.must.size > 0, `${what}: the demo data has something to show`);
}

async function rootRows(wb: Workbench): Promise<TreeRow[]> {
  return (await wb.treeRows()).filter((row) => row.level === 1);
}

/**
 * Whether the side bar shows its progress bar: the tree is loading (withProgress on the view;
 * VS Code draws it on the container's content). It appears a moment after the load starts.
 */
async function viewLoading(wb: Workbench): Promise<boolean> {
  return (await wb.page.locator('.part.sidebar .content > .monaco-progress-container.active').count()) > 0;
}

/**
 * Waits until the tree is not loading and its root rows satisfy `predicate` (and there are
 * some). After a change of scope, range or grouping the old rows stay until the new ones
 * arrive, so pass a predicate that only the new rows satisfy.
 */
async function settledRootRows(wb: Workbench, predicate: (rows: TreeRow[]) => boolean = () => true, timeoutMs = 30_000): Promise<TreeRow[]> {
  let rows: TreeRow[] = [];
  return waitUntil(
    async () => {
      if (await viewLoading(wb)) return false;
      rows = await rootRows(wb);
      return rows.length > 0 && predicate(rows) && rows;
    },
    { timeout: timeoutMs, message: () => `the tree settles on the expected rows (it shows ${JSON.stringify(rows.map((r) => r.label))})` },
  );
}

/** A predicate for settledRootRows: the UDF rows are exactly what `expected` allows. */
function showsKeys(expected: { must: Set<string>; may: Set<string> }, key: (row: TreeRow) => string = (row) => row.label): (rows: TreeRow[]) => boolean {
  return (rows) => {
    const keys = rows.filter((r) => r.expanded !== undefined).map(key);
    return [...expected.must].every((k) => keys.includes(k)) && keys.every((k) => expected.may.has(k));
  };
}

type RangeChoice = 'Last hour' | 'Last 24 hours' | 'Last 7 days' | 'All time';
const RANGE_SHORT: Record<RangeChoice, string> = { 'Last hour': 'last hour', 'Last 24 hours': 'last 24 h', 'Last 7 days': 'last 7 days', 'All time': 'all time' };

interface TreeState {
  scope: 'Mine' | 'Execution environment';
  range: RangeChoice;
  byId: boolean;
  failingOnly: boolean;
  filter: string | null;
}

/** What a fresh workbench shows. */
const DEFAULT_STATE: TreeState = { scope: 'Mine', range: 'Last 24 hours', byId: false, failingOnly: false, filter: null };

/** The view description for a state, as the extension writes it ("Mine · last 24 h · by id · failing only · “x”"). */
function describeTreeState(state: TreeState): string {
  const parts = [state.scope, RANGE_SHORT[state.range]];
  if (state.byId) parts.push('by id');
  if (state.failingOnly) parts.push('failing only');
  if (state.filter) parts.push(`“${state.filter}”`);
  return parts.join(' · ');
}

/**
 * Brings the view to `wanted` (the rest as in a fresh workbench) through the palette, running
 * only the commands whose setting differs, so each test sets up its own state and can run
 * alone; run in order, most calls change nothing. Then waits until the tree has settled on
 * rows that satisfy `rows` (pass one only the new state's rows satisfy) and returns them.
 */
async function ensureState(wb: Workbench, wanted: Partial<TreeState> = {}, rows: (rows: TreeRow[]) => boolean = () => true): Promise<TreeRow[]> {
  const want: TreeState = { ...DEFAULT_STATE, ...wanted };
  await wb.openView();
  const shown = await header(wb);
  if (shown.endsWith(describeTreeState(want))) return settledRootRows(wb, rows);
  const filter = /“(.*)”/.exec(shown)?.[1] ?? null;
  if (filter !== null && filter !== want.filter) {
    await wb.runCommand('Fused: Clear UDF Filter');
    await waitForHeaderWithout(wb, '“');
  }
  if (/failing only/.test(shown) !== want.failingOnly) {
    await wb.runCommand(want.failingOnly ? 'Fused: Show Failing Only' : 'Fused: Show All UDFs');
    if (want.failingOnly) await waitForHeader(wb, 'failing only');
    else await waitForHeaderWithout(wb, 'failing only');
  }
  if (/ · by id/.test(shown) !== want.byId) {
    await wb.runCommand(want.byId ? 'Fused: Group UDFs by ID' : 'Fused: Group UDFs by Name');
    if (want.byId) await waitForHeader(wb, 'by id');
    else await waitForHeaderWithout(wb, 'by id');
  }
  if (!shown.includes(`${want.scope} ·`)) {
    await wb.runCommand('Fused: Toggle Scope (Mine / Execution Environment)');
    await waitForHeader(wb, `${want.scope} ·`);
  }
  if (!shown.includes(` · ${RANGE_SHORT[want.range]}`)) {
    await wb.runCommand('Fused: Set Time Range');
    await wb.waitForQuickInput({ title: /Time Range/i });
    await wb.pickQuickPickItem(want.range);
    await waitForHeader(wb, ` · ${RANGE_SHORT[want.range]}`);
  }
  if (want.filter !== null && filter !== want.filter) {
    await wb.runCommand('Fused: Filter UDFs');
    await wb.waitForQuickInput({ title: 'Fused: Filter UDFs' });
    await wb.fillQuickInput(want.filter);
    await wb.acceptQuickInput();
  }
  await waitForHeader(wb, describeTreeState(want));
  return settledRootRows(wb, rows);
}

async function header(wb: Workbench): Promise<string> {
  const headers = await wb.viewHeaders();
  return headers.find((h) => h.includes('UDFs')) ?? headers.join(' | ');
}

async function waitForHeader(wb: Workbench, text: string): Promise<string> {
  let seen = '';
  return waitUntil(async () => (seen = await header(wb)).includes(text) && seen, {
    timeout: 15_000,
    message: () => `the view header says "${text}" (it says "${seen}")`,
  });
}

async function waitForHeaderWithout(wb: Workbench, text: string): Promise<string> {
  let seen = '';
  return waitUntil(async () => !(seen = await header(wb)).includes(text) && seen, {
    timeout: 15_000,
    message: () => `the view header no longer says "${text}" (it says "${seen}")`,
  });
}

function udfLabels(rows: TreeRow[]): string[] {
  return rows.filter((r) => r.expanded !== undefined).map((r) => r.label);
}

function byShape(wb: Workbench): Record<string, number> {
  return wb.fused.stats().byQuery as Record<string, number>;
}

/**
 * Root reads since the last stats reset: each starts with the range read newest first with an
 * open end (preset ranges leave it open) and no filter; the failing recipe of the status bar
 * always sends an end, and a UDF's runs name the UDF.
 */
function rootReads(wb: Workbench): number {
  return wb.fused.stats().recent.filter((e) => /scan_forward=false/.test(e.url) && !/end_timestamp|page_token|udf_name|udf_id|shared_token/.test(e.url)).length;
}

function count(shapes: Record<string, number>, predicate: (shape: string) => boolean): number {
  return Object.entries(shapes).reduce((sum, [shape, n]) => (predicate(shape) ? sum + n : sum), 0);
}

async function statusBarFailing(wb: Workbench): Promise<number> {
  let items: string[] = [];
  const hit = await waitUntil(async () => (items = await wb.statusBarItems()).map((text) => /(\d+) failing/.exec(text)).find(Boolean), {
    timeout: 30_000,
    message: () => `the status bar shows the failing-UDFs count (it shows ${JSON.stringify(items)})`,
  });
  return Number(hit[1]);
}

describe('Fused Runs tree', () => {
  it('root: one request (a page that reaches the start of the range proves the list) lists my UDFs of the last 24 h by name, with the scope and range in the description', async (t) => {
    const wb = session.wb;
    wb.fused.resetStats();
    await wb.openView();
    // The first read waits for the extension to start and connect (20 s at a load average of 14).
    const rows = await settledRootRows(wb, () => true, 90_000);
    assertShown(udfLabels(rows), expectedKeys(inScope(wb, 'mine'), DAY, (r) => r.udf_name), 'mine, 24 h, by name');
    assert.match(await header(wb), /Mine · last 24 h/);
    // The status bar reads the failing recipe after the root; wait for it so counts are stable.
    await statusBarFailing(wb);
    const shapes = byShape(wb);
    assert.equal(rootReads(wb), 1, `root requests: ${JSON.stringify(shapes)}`);
    // Root and status bar: one page each (the day's runs fit 300), no distinct query, no page 2.
    assert.deepEqual(shapes, { all: 2 }, `root + status bar: ${JSON.stringify(shapes)}`);
    assert.equal((await rootRows(wb)).some((r) => /^may be incomplete/.test(r.label)), false, 'proven complete');
    t.diagnostic(`24-h root + status bar: ${JSON.stringify(shapes)}`);
  });

  it('status bar: the number of UDFs with failing runs in the scope and range', async () => {
    const wb = session.wb;
    await ensureState(wb);
    const now = Date.now();
    const failingNames = new Set(
      inScope(wb, 'mine')
        .filter((r) => now - Date.parse(r.timestamp) <= DAY - SLACK_MS && isFailing(r))
        .map((r) => r.udf_name || null),
    );
    const shown = await statusBarFailing(wb);
    assert.equal(shown, failingNames.size);
    // A click opens the failing summary with what the status bar already read: no request.
    wb.fused.resetStats();
    await wb.page.locator('.part.statusbar .statusbar-item', { hasText: /\d+ failing/ }).first().click();
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Failing UDFs' }).waitFor({ timeout: 15_000 });
    let items: string[] = [];
    await waitUntil(async () => (items = await wb.quickPickItems()).length >= Math.min(shown, 5), {
      timeout: 10_000,
      message: () => `the summary lists the failing UDFs (it lists ${JSON.stringify(items)})`,
    });
    assert.equal(wb.fused.stats().requests, 0, 'the summary came from the status bar');
    await wb.page.keyboard.press('Escape');
  });

  it('expanding a UDF costs one request and lists its runs newest first, each with Code / stderr / stdout / Details', async () => {
    const wb = session.wb;
    const rows = await ensureState(wb, {}, showsKeys(expectedKeys(inScope(wb, 'mine'), DAY, (r) => r.udf_name)));
    const name = udfLabels(rows)[0];
    const mine = inScope(wb, 'mine')
      .filter((r) => r.udf_name === name && Date.now() - Date.parse(r.timestamp) <= DAY - SLACK_MS)
      .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
    wb.fused.resetStats();
    await wb.expandTreeRow(name);
    const firstRun = runRow(mine[0]);
    await wb.waitForTreeRow(firstRun);
    const shapes = byShape(wb);
    assert.deepEqual(Object.values(shapes).reduce((a, b) => a + b, 0), 1, `expansion requests: ${JSON.stringify(shapes)}`);
    assert.equal(count(shapes, (s) => s.startsWith('udf_name')), 1);
    const runs = (await wb.treeRows()).filter((r) => r.level === 2 && r.expanded !== undefined);
    const expected = mine.slice(0, PAGE_SIZE);
    assert.deepEqual(runs.map(rowKey).slice(0, expected.length), expected.map(runRowKey));
    // A run row leads with what tells runs apart: the relative time, then the status in a word;
    // the local date and zone (the same on every row) are in the tooltip, not the label.
    for (const [index, row] of runs.slice(0, expected.length).entries()) {
      assert.match(row.label, /^(just now|\d+ (min|h|d|w|mo|y) ago)$/, `run row label ${row.label}`);
      assert.ok(row.description.startsWith(`${statusPresentation(runStatus(expected[index])).short} · `), `run row description ${row.description}`);
    }
    const tooltip = await wb.hover(firstRun);
    assert.ok(tooltip.includes(formatLocalTime(mine[0].timestamp)), `the tooltip has the local time with its zone: ${tooltip}`);
    await wb.clearHover();
    await wb.expandTreeRow(firstRun);
    // aria-expanded flips before the children render; under load they can come a moment later.
    await wb.waitForTreeRow('Details');
    const parts = (await wb.treeRows()).filter((r) => r.level === 3).map((r) => r.label);
    assert.deepEqual(parts, ['Code', 'stderr', 'stdout', 'Details']);
    // Copy Record ID from the run's context menu.
    await (await wb.waitForTreeRow(firstRun)).click({ button: 'right' });
    const menuItem = wb.page.locator('.context-view .monaco-menu .action-label', { hasText: 'Copy Record ID' });
    await menuItem.waitFor({ state: 'visible', timeout: 10_000 });
    // The menu ignores a release that comes right after it opened; hover, then pick with the keyboard.
    await menuItem.hover();
    await wb.page.keyboard.press('Enter');
    const copied = await wb.waitForNotification('Copied record ID');
    assert.ok(copied.includes(mine[0].id), `copied the run's id: ${copied}`);
    // Collapse again so the root fits on screen for the next tests.
    await (await wb.waitForTreeRow(name)).locator('.monaco-tl-twistie').click();
  });

  it('text filter: Filter UDFs narrows the loaded UDFs without a request; Clear UDF Filter restores them', async () => {
    const wb = session.wb;
    const before = udfLabels(await ensureState(wb, {}, showsKeys(expectedKeys(inScope(wb, 'mine'), DAY, (r) => r.udf_name))));
    const needle = before[0].slice(0, 4).toUpperCase();
    wb.fused.resetStats();
    await wb.runCommand('Fused: Filter UDFs');
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Fused: Filter UDFs' }).waitFor({ timeout: 15_000 });
    await wb.fillQuickInput(needle);
    await wb.acceptQuickInput();
    const expected = before.filter((n) => n.toLowerCase().includes(needle.toLowerCase()));
    const rows = await settledRootRows(wb, (r) => udfLabels(r).length === expected.length);
    assert.deepEqual(udfLabels(rows), expected);
    await waitForHeader(wb, `“${needle}”`);
    assert.equal(wb.fused.stats().requests, 0, 'filtering is done on what is loaded');
    await wb.runCommand('Fused: Clear UDF Filter');
    const restored = await settledRootRows(wb, (r) => udfLabels(r).length === before.length);
    assert.deepEqual(udfLabels(restored), before);
  });

  it('scope: toggling to the execution environment shows its UDFs and says so', async () => {
    const wb = session.wb;
    await ensureState(wb, {}, showsKeys(expectedKeys(inScope(wb, 'mine'), DAY, (r) => r.udf_name)));
    // The view-title button (its icon shows the current scope).
    await wb.page.locator('.part.sidebar .action-label[aria-label^="Scope: Mine"]:visible').click();
    await waitForHeader(wb, 'Execution environment · last 24 h');
    await wb.page.locator('.part.sidebar .action-label[aria-label^="Scope: Execution Environment"]:visible').waitFor({ timeout: 10_000 });
    const expected = expectedKeys(inScope(wb, 'env'), DAY, (r) => r.udf_name);
    const rows = await settledRootRows(wb, showsKeys(expected));
    assertShown(udfLabels(rows), expected, 'exec env, 24 h, by name');
    const mine = expectedKeys(inScope(wb, 'mine'), DAY, (r) => r.udf_name);
    assert.ok([...expected.must].some((n) => !mine.may.has(n)), 'the environment has UDFs that are not mine');
  });

  it('grouping by id over 7 days: two ids sharing a name both show, with their ids', async (t) => {
    const wb = session.wb;
    await ensureState(wb, { scope: 'Execution environment' });
    // The environment's UDFs of 24 h and of 7 days may be the same rows: wait for the 7-day
    // root's own read (newest first, open end) so none of its requests is counted below.
    wb.fused.resetStats();
    await ensureState(wb, { scope: 'Execution environment', range: 'Last 7 days' }, showsKeys(expectedKeys(inScope(wb, 'env'), 7 * DAY, (r) => r.udf_name)));
    await waitUntil(() => rootReads(wb) >= 1, { timeout: 30_000, message: () => `the 7-day root by name is read (${JSON.stringify(byShape(wb))})` });
    await statusBarFailing(wb);
    wb.fused.resetStats();
    await wb.runCommand('Fused: Group UDFs by ID');
    await waitForHeader(wb, 'by id');
    const expected = expectedKeys(inScope(wb, 'env'), 7 * DAY, (r) => r.udf_id);
    const rows = await settledRootRows(wb, showsKeys(expected, (row) => row.description.split(' · ')[1]));
    // Over 7 days the root reads the week's runs in pages (newest first; one read oldest first and
    // a split when they do not fit a page) until every part is read: proven, no mark.
    await statusBarFailing(wb);
    const shapes = byShape(wb);
    assert.equal(count(shapes, (s) => s.startsWith('distinct')), 0, `7-day root: ${JSON.stringify(shapes)}`);
    assert.equal(rows.some((r) => /^may be incomplete/.test(r.label)), false, 'proven complete within the budget');
    t.diagnostic(`7-day root by id (exec env) + status bar: ${JSON.stringify(shapes)}`);
    const ids = rows.filter((r) => r.expanded !== undefined).map((r) => r.description.split(' · ')[1]);
    assertShown(ids, expected, 'exec env, 7 days, by id');
    const namesOfIds = new Map<string, string>();
    for (const record of inScope(wb, 'env')) if (record.udf_id && record.udf_name) namesOfIds.set(record.udf_id, record.udf_name);
    const shared = rows.filter((r) => r.label === 'census_join');
    assert.equal(shared.length, [...expected.must].filter((id) => namesOfIds.get(id) === 'census_join').length);
    assert.ok(shared.length >= 2, 'census_join has two ids in the demo data');
    await wb.runCommand('Fused: Group UDFs by Name');
    await settledRootRows(wb, (r) => r.filter((row) => row.label === 'census_join').length === 1);
  });

  it('failing only: keeps the UDFs with a failing run (stderr or never finished) in the range', async () => {
    const wb = session.wb;
    // Mine over 24 h: some UDFs failed, some did not (in the environment over 7 days every UDF failed at least once).
    await ensureState(wb, {}, showsKeys(expectedKeys(inScope(wb, 'mine'), DAY, (r) => r.udf_name)));
    wb.fused.resetStats();
    await wb.runCommand('Fused: Show Failing Only');
    await waitForHeader(wb, 'failing only');
    const failing = expectedKeys(inScope(wb, 'mine').filter(isFailing), DAY, (r) => r.udf_name);
    const all = expectedKeys(inScope(wb, 'mine'), DAY, (r) => r.udf_name);
    assert.ok(failing.must.size < all.must.size, 'some UDFs have no failing run, so the filter is visible');
    const rows = await settledRootRows(wb, showsKeys(failing));
    assertShown(udfLabels(rows), failing, 'failing only');
    assert.ok(rows.filter((r) => r.expanded !== undefined).every((r) => / failing$/.test(r.description)), 'each row says how many runs failed');
    assert.equal(rootReads(wb), 0, 'the failing filter does not read the root again');
    await wb.runCommand('Fused: Show All UDFs');
    await settledRootRows(wb, showsKeys(all));
  });

  it('time range: Last hour, and a custom range with a refused then accepted start', async () => {
    const wb = session.wb;
    await ensureState(wb, {}, showsKeys(expectedKeys(inScope(wb, 'mine'), DAY, (r) => r.udf_name)));
    await wb.runCommand('Fused: Set Time Range');
    await wb.waitForQuickInput();
    await wb.pickQuickPickItem('Last hour');
    await waitForHeader(wb, 'last hour');
    const hour = expectedKeys(inScope(wb, 'mine'), HOUR, (r) => r.udf_name);
    const rows = await settledRootRows(wb, (r) => udfLabels(r).every((n) => hour.may.has(n)));
    if (hour.must.size) assertShown(udfLabels(rows), hour, 'mine, last hour');
    else assert.ok(udfLabels(rows).every((n) => hour.may.has(n)));

    await wb.runCommand('Fused: Set Time Range');
    await wb.waitForQuickInput();
    await wb.pickQuickPickItem('Custom range…');
    // The same widget moves on to the next step: wait for its title (it fails after 15 s if it never shows).
    const startPrompt = await wb.waitForQuickInput({ title: /Custom Time Range \(1\/2\)/ });
    assert.match(startPrompt.title, /Custom Time Range \(1\/2\)/);
    await wb.fillQuickInput('2026-02-30');
    await wb.page.locator('.quick-input-widget .quick-input-message', { hasText: 'has no day 30' }).waitFor({ timeout: 10_000 });
    // Three days ago to two days ago, local time.
    const start = new Date(Date.now() - 3 * DAY);
    const end = new Date(Date.now() - 2 * DAY);
    const local = (d: Date) => formatLocalTime(d.toISOString()).slice(0, 16).replace(' ', 'T');
    await wb.fillQuickInput(local(start));
    await wb.acceptQuickInput();
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: '(2/2)' }).waitFor({ timeout: 10_000 });
    await wb.fillQuickInput(local(end));
    await wb.acceptQuickInput();
    await waitForHeader(wb, `${local(start).replace('T', ' ')} – ${local(end).replace('T', ' ')}`);
    const from = Math.floor(start.getTime() / 60_000) * 60_000;
    const to = Math.floor(end.getTime() / 60_000) * 60_000;
    const inRange = inScope(wb, 'mine').filter((r) => Date.parse(r.timestamp) >= from && Date.parse(r.timestamp) <= to);
    const expected = new Set(inRange.map((r) => r.udf_name).filter((n): n is string => !!n));
    const custom = await settledRootRows(wb, (r) => udfLabels(r).length === expected.size);
    assert.deepEqual(new Set(udfLabels(custom)), expected);
  });

  it('Load more pages a UDF to its end: no duplicates, nothing missing, one request per click burst', async () => {
    const wb = session.wb;
    // All my runs; pick a UDF with several pages of runs.
    const counts = new Map<string, AuditLogRecord[]>();
    for (const record of inScope(wb, 'mine')) if (record.udf_name) counts.set(record.udf_name, [...(counts.get(record.udf_name) ?? []), record]);
    const [name, runs] = [...counts].filter(([, list]) => list.length > 3 * PAGE_SIZE && list.length <= 30).sort((a, b) => a[1].length - b[1].length)[0];
    assert.ok(name, 'a demo UDF with 16..30 runs');
    await ensureState(wb, { range: 'All time', filter: name }, (r) => udfLabels(r).includes(name));
    wb.fused.resetStats();
    await wb.expandTreeRow(name);
    await wb.waitForTreeRow('Load more…');
    assert.equal(count(byShape(wb), (s) => s.startsWith('udf_name')), 1, 'the first page is one request');
    // A double click while the page is on its way (the server is slowed down) loads one page.
    wb.fused.setFaults({ latencyMs: 1500, match: { udf_name: name } });
    await wb.clearHover();
    await wb.treeRow('Load more…').dblclick();
    await wb.waitForTreeRow('Loading…');
    await wb.waitForTreeRow('Load more…');
    wb.fused.clearFaults();
    assert.equal(count(byShape(wb), (s) => s.startsWith('udf_name')), 2, `a double click is one request: ${JSON.stringify(byShape(wb))}`);
    const runRows = async () => (await wb.treeRows()).filter((r) => r.level === 2 && r.expanded !== undefined).length;
    const more = wb.treeRow('Load more…');
    let clicks = 1;
    // Each page replaces "Loading…" with its runs and, while there are more, a new "Load more…".
    while (await more.isVisible()) {
      const shownBefore = await runRows();
      await wb.clearHover();
      await more.click();
      clicks++;
      // One reading of the rows: "Load more…" turns into "Loading…" in place, so two separate
      // reads could see neither (the CI saw the loop end while the third page was loading).
      await waitUntil(async () => {
        const rows = await wb.treeRows();
        const loading = rows.some((r) => r.label === 'Loading…');
        const moreShown = rows.some((r) => r.label === 'Load more…');
        const runsShown = rows.filter((r) => r.level === 2 && r.expanded !== undefined).length;
        return !loading && (runsShown > shownBefore || !moreShown);
      }, {
        timeout: 15_000,
        message: `click ${clicks} on Load more adds runs or ends the list (${shownBefore} shown before)`,
      });
      assert.ok(clicks < 20, 'Load more ends');
    }
    const expected = [...runs].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
    const shown = (await wb.treeRows()).filter((r) => r.level === 2 && r.expanded !== undefined);
    assert.deepEqual(shown.map(rowKey), expected.map(runRowKey));
    const pages = Math.ceil(runs.length / PAGE_SIZE);
    const requests = count(byShape(wb), (s) => s.startsWith('udf_name'));
    // One request per page; when the last page is exactly full the server may hand out one more (empty) page.
    assert.ok(requests === pages || requests === pages + 1, `${requests} requests for ${pages} pages (${runs.length} runs)`);
    assert.equal(requests, clicks + 1);
  });

  it('Copy Record ID from the palette offers the loaded runs and copies the one picked', async () => {
    const wb = session.wb;
    // Whatever the view shows: the UDFs' latest runs at least (and the runs a test before paged in).
    await wb.openView();
    await settledRootRows(wb);
    await wb.runCommand('Fused: Copy Record ID');
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'Fused: Copy Record ID' }).waitFor({ timeout: 15_000 });
    const items = await wb.quickPickItems();
    assert.ok(items.length > 0);
    await wb.page.locator('.quick-input-widget .monaco-list-row').first().click();
    const message = await wb.waitForNotification('Copied record ID');
    const id = /Copied record ID (\S+)/.exec(message)?.[1];
    assert.ok(id && wb.fused.records.some((r) => r.id === id), `copied a served id (${message})`);
  });

  it('a failed refresh keeps what is shown and adds an error row; Retry recovers', async () => {
    const wb = session.wb;
    const before = udfLabels(await ensureState(wb, {}, showsKeys(expectedKeys(inScope(wb, 'mine'), DAY, (r) => r.udf_name))));
    wb.fused.setFaults({ status: 500, body: '{"detail":"database unavailable"}' });
    await wb.runCommand('Fused: Refresh');
    const errorRow = await wb.waitForTreeRow('Refresh failed');
    const rows = await rootRows(wb);
    const error = rows.find((r) => r.label === 'Refresh failed');
    assert.match(error?.description ?? '', /500/);
    // What was shown stays, in order (the error row on top may push the last row out of the rendered area).
    const still = udfLabels(rows);
    assert.ok(still.length >= before.length - 2, `rows kept: ${still.length} of ${before.length}`);
    assert.deepEqual(still, before.slice(0, still.length), 'what was shown stays');
    wb.fused.clearFaults();
    wb.fused.resetStats();
    await wb.clearHover();
    await errorRow.click();
    await settledRootRows(wb, (r) => !r.some((row) => row.label === 'Refresh failed'));
    assert.ok(wb.fused.stats().requests >= 1);
  });

  it('a failed page under a UDF keeps the root, shows "Could not load runs", and Retry loads it', async () => {
    const wb = session.wb;
    const name = udfLabels(await ensureState(wb, {}, showsKeys(expectedKeys(inScope(wb, 'mine'), DAY, (r) => r.udf_name)))).find((n) => n !== 'dem_slope') as string;
    wb.fused.setFaults({ status: 503, match: { udf_name: name } });
    await wb.expandTreeRow(name);
    const errorRow = await wb.waitForTreeRow('Could not load runs', 60_000);
    const error = (await wb.treeRows()).find((r) => r.label === 'Could not load runs');
    assert.match(error?.description ?? '', /503/);
    assert.equal(error?.level, 2);
    wb.fused.clearFaults();
    await wb.clearHover();
    await errorRow.click();
    const newest = inScope(wb, 'mine')
      .filter((r) => r.udf_name === name)
      .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))[0];
    await wb.waitForTreeRow(runRow(newest));
    assert.equal((await wb.treeRows()).some((r) => r.label === 'Could not load runs'), false);
    await (await wb.waitForTreeRow(name)).locator('.monaco-tl-twistie').click();
  });

  it('Open Demo Settings opens the settings filtered to the API and explains npm run demo', async () => {
    const wb = session.wb;
    await wb.runCommand('Fused: Open Demo Settings');
    // The message follows once the settings editor has opened (over 10 s at a load of 20).
    await wb.page.locator('.settings-editor').waitFor({ state: 'visible', timeout: 60_000 });
    await wb.waitForNotification('npm run demo', 30_000);
    const search = await wb.page.locator('.settings-editor .suggest-input-container .view-lines').innerText();
    assert.match(search.replace(/\u00a0/g, ' '), /fusedRuns\.api/);
  });
});
