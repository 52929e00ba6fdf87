// The UDF insights panel in a real VS Code (code-server + Chromium) against the local Fused
// server: opened from the tree's UDF row, the palette and a hover; its numbers (read through the
// "Show tables" text alternative) against the server's own records; a point click opens that
// run; a theme change recolours the charts; hostile error text stays text; no CSP violation;
// the panel comes back after a reload; 10,000 runs draw (the time is measured and printed); a
// range over the run budget says so and Load more reads the rest.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { ConsoleMessage, FrameLocator } from 'playwright-core';
import { isFailing, runStatus } from '../../../src/api/status';
import type { AuditLogRecord, RunStatus } from '../../../src/api/types';
import { formatDuration } from '../../../src/shared/presentation';
import { insightsScenario } from '../../server/insightsScenario';
import { useWorkbench, waitUntil, type Workbench } from '../harness';

const NAME = 'insights_demo';
const BIG = 'insights_big';
const BIG_RUNS = 10_000;
const session = useWorkbench({ name: 'insights', viewport: { width: 1500, height: 1000 }, settings: { 'fusedRuns.insights.runBudget': BIG_RUNS } });

const cspReports: string[] = [];

/** The demo user's runs of a UDF (the tree's default scope is "mine"), as the server serves them. */
function myRuns(wb: Workbench, name: string): AuditLogRecord[] {
  const me = wb.fused.users.find((user) => user.token === wb.fused.token);
  assert.ok(me, 'the server maps its demo token to a user');
  return wb.fused.records.filter((record) => record.udf_name === name && record.user_email === me.email);
}

function countByStatus(runs: readonly AuditLogRecord[]): Record<RunStatus, number> {
  const result: Record<RunStatus, number> = { ok: 0, failed: 0, incomplete: 0, cached: 0 };
  for (const run of runs) result[runStatus(run)]++;
  return result;
}

/** numpy's default percentile, written out here so the panel's numbers are checked independently. */
function linearPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  return sorted[low] + (sorted[Math.ceil(rank)] - sorted[low]) * (rank - low);
}

function numberOf(text: string | null): number {
  return Number((text ?? '').replace(/,/g, '').trim());
}

async function insightsFrame(wb: Workbench, heading: string): Promise<FrameLocator> {
  const frame = wb.webviewFrame();
  await frame.locator('h1[data-testid="insights-title"]').filter({ hasText: heading }).waitFor({ state: 'visible', timeout: 60_000 });
  await frame.locator('main#app[aria-busy="false"]').waitFor({ state: 'attached', timeout: 60_000 });
  return frame;
}

async function showTables(frame: FrameLocator): Promise<void> {
  const toggle = frame.locator('button[data-action="toggleTables"]');
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
  await frame.locator('main#app[data-view="tables"]').waitFor({ state: 'attached', timeout: 10_000 });
}

async function showCharts(frame: FrameLocator): Promise<void> {
  const toggle = frame.locator('button[data-action="toggleTables"]');
  if ((await toggle.getAttribute('aria-pressed')) === 'true') await toggle.click();
  await frame.locator('main#app[data-view="charts"]').waitFor({ state: 'attached', timeout: 10_000 });
}

async function closeEditors(wb: Workbench): Promise<void> {
  await wb.runCommand('View: Close All Editors');
  await wb.page.locator('iframe.webview.ready').filter({ visible: true }).first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
}

/** Closes the editors, then opens a UDF's insights through "Fused: Show UDF Insights" in the palette. */
async function openFromPalette(wb: Workbench, name: string): Promise<void> {
  await closeEditors(wb);
  await wb.runCommand('Fused: Show UDF Insights');
  await wb.page.locator('.quick-input-widget .quick-input-title').filter({ hasText: 'Show UDF Insights' }).waitFor({ state: 'visible', timeout: 15_000 });
  await wb.fillQuickInput(name);
  await wb.pickQuickPickItem(name);
}

describe('UDF insights panel', () => {
  before(() => {
    const wb = session.wb;
    // Within the tree's default range (the last day), so the panel sees every one of them.
    wb.fused.addRecords(insightsScenario({ name: NAME, count: 900, spanMs: 20 * 3_600_000 }));
    wb.page.on('console', (message: ConsoleMessage) => {
      if (/Content Security Policy|Refused to (execute|load|apply)/i.test(message.text())) cspReports.push(message.text());
    });
  });

  it('opens from the tree\u2019s UDF row, and its tables match the server\u2019s runs', async () => {
    const wb = session.wb;
    await wb.openView();
    await wb.treeContextMenu(NAME, 'Show UDF Insights');
    const frame = await insightsFrame(wb, NAME);
    const runs = myRuns(wb, NAME);
    assert.ok(runs.length > 300, `the demo user has many runs of ${NAME} (${runs.length})`);
    const basis = frame.locator('[data-insights="basis"]');
    assert.equal(await basis.getAttribute('data-runs'), String(runs.length));
    assert.equal(await basis.getAttribute('data-complete'), 'true');
    assert.match((await basis.textContent()) ?? '', new RegExp(`based on ${runs.length.toLocaleString('en-US')} runs`));

    await showTables(frame);
    // Totals per status.
    const expected = countByStatus(runs);
    const total = frame.locator('table[data-table="runs"] tr[data-bucket-start="total"]');
    for (const status of ['ok', 'cached', 'incomplete', 'failed'] as const) {
      assert.equal(numberOf(await total.locator(`td[data-col="${status}"]`).textContent()), expected[status], `total ${status}`);
    }
    assert.equal(numberOf(await total.locator('td[data-col="all"]').textContent()), runs.length);
    // Every bucket: the server's runs whose timestamp falls between its start and the next one's.
    const starts = (await frame.locator('table[data-table="runs"] tbody tr').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-bucket-start')))));
    assert.ok(starts.length >= 20, `hourly buckets over the day (${starts.length})`);
    const allCells = await frame.locator('table[data-table="runs"] tbody td[data-col="all"]').allTextContents();
    const failedCells = await frame.locator('table[data-table="runs"] tbody td[data-col="failed"]').allTextContents();
    starts.forEach((start, i) => {
      const end = i + 1 < starts.length ? starts[i + 1] : Infinity;
      const inBucket = runs.filter((run) => Date.parse(run.timestamp) >= start && Date.parse(run.timestamp) < end);
      assert.equal(numberOf(allCells[i]), inBucket.length, `runs in bucket ${new Date(start).toISOString()}`);
      assert.equal(numberOf(failedCells[i]), countByStatus(inBucket).failed, `failed runs in bucket ${new Date(start).toISOString()}`);
    });
    // p50 / p95 over every run with an execution time.
    const durations = runs.map((run) => run.execution_time).filter((s): s is number => typeof s === 'number');
    assert.equal(((await total.locator('td[data-col="p50"]').textContent()) ?? '').trim(), formatDuration(linearPercentile(durations, 50)));
    assert.equal(((await total.locator('td[data-col="p95"]').textContent()) ?? '').trim(), formatDuration(linearPercentile(durations, 95)));
    // The run table lists every run with a duration, its duration as the server has it.
    const secondsShown = await frame.locator('table[data-table="durations"] td[data-col="seconds"]').evaluateAll((cells) => cells.map((cell) => Number(cell.getAttribute('data-seconds'))));
    assert.deepEqual([...secondsShown].sort((a, b) => a - b), [...durations].sort((a, b) => a - b));
    // Failure rate: failing runs (the documented rule, src/api/status) over all.
    const failing = runs.filter((run) => isFailing(run)).length;
    assert.equal(((await frame.locator('[data-ratio="failure"] [data-insights="value"]').textContent()) ?? '').trim(), `${((failing / runs.length) * 100).toFixed(1)} %`);
    const hits = runs.filter((run) => run.cache === true).length;
    assert.equal(((await frame.locator('[data-ratio="cacheHit"] [data-insights="value"]').textContent()) ?? '').trim(), `${((hits / runs.length) * 100).toFixed(1)} %`);
    // By user: one user ("mine"), every run.
    const userRows = await frame.locator('table[data-table="users"] tbody tr').count();
    assert.equal(userRows, 1);
    assert.equal(numberOf(await frame.locator('table[data-table="users"] td[data-col="runs"]').textContent()), runs.length);
    // By engine, against the server.
    const engines = new Map<string, number>();
    for (const run of runs) engines.set(run.execution_engine ?? '(no engine)', (engines.get(run.execution_engine ?? '(no engine)') ?? 0) + 1);
    const engineRows = await frame.locator('table[data-table="engines"] tbody tr').evaluateAll((rows) => rows.map((row) => [row.querySelector('th')?.textContent ?? '', row.querySelector('td[data-col="runs"]')?.textContent ?? '']));
    assert.deepEqual(new Map(engineRows.map(([label, count]) => [label, Number(count.replace(/,/g, ''))])), engines);
    // Errors: the four kinds of the scenario, each grouped once, counts adding up to the failed runs with an error.
    const errorCounts = await frame.locator('table[data-table="errors"] td[data-col="count"]').allTextContents();
    // Every failing run is in one group: the four exceptions, and runs that never finished.
    assert.equal(errorCounts.reduce((sum, text) => sum + numberOf(text), 0), failing);
    const types = new Set(await frame.locator('table[data-table="errors"] td[data-col="type"]').allTextContents());
    assert.deepEqual([...types].sort(), ['(did not finish)', 'KeyError', 'ValueError', 'rasterio.errors.RasterioIOError', 'requests.exceptions.HTTPError']);
    // Numbers, paths and ids vary per run and are masked, so each kind is (about) one group.
    assert.ok(errorCounts.length <= 6, `${errorCounts.length} groups for four kinds of error`);
    await wb.screenshot('insights-tables');
  });

  it('keeps hostile error text as text, and no CSP violation happened', async () => {
    const wb = session.wb;
    const frame = await insightsFrame(wb, NAME);
    const hostile = frame.locator('table[data-table="errors"] tr[data-error-type="ValueError"] td[data-col="message"]').first();
    const text = (await hostile.textContent()) ?? '';
    assert.match(text, /<script>alert\("insights"\)<\/script> \[quit\]\(command:workbench\.action\.quit\) tile <(id|n)>/, text);
    assert.equal(await frame.locator('table[data-table="errors"] script, table[data-table="errors"] a').count(), 0, 'no element was made of the message');
    assert.deepEqual(cspReports, []);
  });

  it('a point click on the execution-time chart opens that run\u2019s details', async () => {
    const wb = session.wb;
    const frame = await insightsFrame(wb, NAME);
    await showCharts(frame);
    const chart = frame.locator('#chart-durations');
    await chart.locator('canvas').waitFor({ state: 'visible', timeout: 10_000 });
    // The keyboard selects a run inside the plot (End is the newest, at the very edge; five pages
    // back is mid-chart); the test then clicks where that point is drawn.
    await chart.focus();
    await wb.page.keyboard.press('End');
    const newestId = await chart.getAttribute('data-selected-run');
    for (let i = 0; i < 5; i++) await wb.page.keyboard.press('PageDown');
    const tooltip = (await frame.locator('#tooltip-durations').textContent()) ?? '';
    const id = await chart.getAttribute('data-selected-run');
    assert.ok(id, 'End selected a run');
    const run = wb.fused.records.find((record) => record.id === id);
    assert.ok(run, 'the selected run is one the server serves');
    const newest = myRuns(wb, NAME).filter((r) => typeof r.execution_time === 'number').sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))[0];
    assert.equal(newestId, newest.id, 'End selects the newest run with an execution time');
    assert.equal(run.udf_name, NAME);
    assert.ok(tooltip.includes(formatDuration(run.execution_time)) && tooltip.includes(run.user_email ?? '\u0000'), `tooltip: ${tooltip}`);
    const x = Number(await chart.getAttribute('data-selected-x'));
    const y = Number(await chart.getAttribute('data-selected-y'));
    await chart.locator('.u-over').click({ position: { x, y } });
    const details = wb.webviewFrame();
    await details.locator('tr[data-field="id"] .value').filter({ hasText: id }).waitFor({ state: 'visible', timeout: 30_000 });
  });

  it('opens from the palette and from a hover link, and recolours with the theme (screenshots)', async () => {
    const wb = session.wb;
    await openFromPalette(wb, NAME);
    let frame = await insightsFrame(wb, NAME);
    await showCharts(frame);
    const colours: Record<string, string> = {};
    for (const [theme, themeClass] of [
      ['Dark Modern', 'vs-dark'],
      ['Light Modern', 'vs'],
      ['Dark High Contrast', 'hc-black'],
    ] as const) {
      await wb.runCommand('Preferences: Color Theme');
      await wb.page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'Light Modern' }).first().waitFor({ state: 'visible', timeout: 15_000 });
      await wb.fillQuickInput(theme);
      await wb.pickQuickPickItem(theme);
      await wb.page.locator(`.monaco-workbench.${themeClass}`).waitFor({ state: 'attached', timeout: 20_000 });
      // The chart reads its colours from the theme again: wait until they are the theme's own.
      let seen = '';
      let themeRed = '';
      await waitUntil(
        async () => {
          seen = (await frame.locator('#chart-runs').getAttribute('data-colors')) ?? '';
          themeRed = await frame.locator('body').evaluate(() => (globalThis as unknown as { getComputedStyle(e: unknown): { getPropertyValue(p: string): string }; document: { body: unknown } }).getComputedStyle((globalThis as unknown as { document: { body: unknown } }).document.body).getPropertyValue('--vscode-charts-red').trim());
          return Boolean(seen && themeRed && (JSON.parse(seen) as Record<string, string>).failed === themeRed);
        },
        { timeout: 15_000, message: () => `${theme}: the chart's colours ${seen} use the theme's red ${themeRed}` },
      ).catch(() => undefined); // the assertion below says what differs
      assert.equal((JSON.parse(seen) as Record<string, string>).failed, themeRed, `${theme}: failed bars in the theme's red`);
      colours[theme] = seen;
      await wb.page.mouse.move(700, 990);
      const file = await wb.screenshot(`insights-theme-${theme}`);
      process.stdout.write(`# insights theme ${theme}: ${seen} -> ${file}\n`);
    }
    assert.notEqual(colours['Dark Modern'], colours['Light Modern'], 'light and dark themes colour the bars differently');
    assert.deepEqual(cspReports, []);

    // A hover over the UDF's name in Python code has an "Insights" link.
    await closeEditors(wb);
    fs.mkdirSync(path.join(wb.workspaceDir, 'flows'), { recursive: true });
    fs.writeFileSync(path.join(wb.workspaceDir, 'flows', 'insights_hover.py'), ['import fused', '', '', '@fused.udf', `def ${NAME}(bbox=None):`, '    return 1', ''].join('\n'));
    await wb.openWorkspaceFile('flows/insights_hover.py');
    const token = wb.page.locator('.editor-instance .monaco-editor .view-lines span', { hasText: new RegExp(`^${NAME}$`) }).first();
    await token.waitFor({ state: 'visible', timeout: 20_000 });
    const text = await wb.hover(token, 30_000);
    assert.match(text, /Insights/, text);
    await wb.page.locator('.monaco-hover:not(.hidden) a').filter({ hasText: /^Insights$/ }).first().click();
    frame = await insightsFrame(wb, NAME);
    assert.equal(await frame.locator('[data-insights="basis"]').getAttribute('data-runs'), String(myRuns(wb, NAME).length));
  });

  it(`draws ${BIG_RUNS.toLocaleString('en-US')} runs (draw time measured in this Chromium)`, async () => {
    const wb = session.wb;
    wb.fused.addRecords(insightsScenario({ name: BIG, count: BIG_RUNS, spanMs: 20 * 3_600_000, users: ['ada'], seed: 7 }));
    await openFromPalette(wb, BIG);
    const frame = await insightsFrame(wb, BIG);
    await showCharts(frame);
    // Draw again with the charts on screen, and read the time the page measured (to two frames after).
    await frame.locator(`body[data-drawn-runs="${BIG_RUNS}"]`).waitFor({ state: 'attached', timeout: 60_000 });
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      await frame.locator('button[data-action="toggleTables"]').click();
      await frame.locator('main#app[data-view="tables"]').waitFor({ state: 'attached' });
      await frame.locator('body').evaluate((body) => body.removeAttribute('data-draw-ms'));
      await frame.locator('button[data-action="toggleTables"]').click();
      await frame.locator('body[data-draw-ms]').waitFor({ state: 'attached', timeout: 20_000 });
      times.push(Number(await frame.locator('body').getAttribute('data-draw-ms')));
    }
    const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    process.stdout.write(`# insights: ${BIG_RUNS} runs drawn in ${times.map((t) => `${t.toFixed(0)} ms`).join(', ')} (load average ${load})\n`);
    assert.equal(await frame.locator('[data-insights="basis"]').getAttribute('data-runs'), String(BIG_RUNS));
    assert.ok(Math.min(...times) < 1000, `10,000 runs draw in under a second (${times.join(', ')} ms)`);
    await wb.screenshot('insights-10000-runs');
  });
  it('a range with more runs than the budget says so; Load more reads the rest', async () => {
    const wb = session.wb;
    const name = 'insights_more';
    // 300 more of my runs in the range than the session's budget (BIG_RUNS): one budget, then Load more.
    const total = BIG_RUNS + 300;
    wb.fused.addRecords(insightsScenario({ name, count: total, spanMs: 20 * 3_600_000, users: ['ada'], seed: 11 }));
    assert.equal(myRuns(wb, name).length, total, `the scenario gave the demo user ${total} runs`);
    await openFromPalette(wb, name);
    const frame = await insightsFrame(wb, name);
    const basis = frame.locator('[data-insights="basis"]');
    assert.equal(await basis.getAttribute('data-runs'), String(BIG_RUNS), 'one budget read');
    assert.equal(await basis.getAttribute('data-complete'), 'false');
    assert.match((await basis.textContent()) ?? '', /based on 10,000 runs: the newest in the range, back to .*; older runs are not loaded/);
    const more = frame.locator('button[data-action="loadMore"]');
    wb.fused.resetStats();
    await more.click();
    await frame.locator(`[data-insights="basis"][data-runs="${total}"]`).waitFor({ state: 'attached', timeout: 60_000 });
    await frame.locator('main#app[aria-busy="false"]').waitFor({ state: 'attached', timeout: 60_000 });
    // Load more continued from where the budget stopped, not from the range's start: the budget
    // ended inside the 34th page of 300 (runs 9,901-10,200, 100 kept), so that page is read again
    // from its token (nothing skipped) and then the last one (10,201-10,300): two pages.
    const pages = wb.fused.stats().recent.filter((entry) => entry.shape.startsWith('udf_name'));
    assert.equal(pages.length, 2, `Load more read two pages: ${JSON.stringify(pages.map((e) => e.url))}`);
    assert.ok(pages.every((entry) => entry.url.includes('page_token=')), 'both pages continue from a page token');
    assert.equal(await basis.getAttribute('data-complete'), 'true');
    assert.match((await basis.textContent()) ?? '', /based on 10,300 runs: every run in the range/);
    assert.equal(await more.count(), 0, 'no Load more once every run is in');
    await wb.screenshot('insights-load-more');
  });

  it('comes back after a window reload', async () => {
    const wb = session.wb;
    // Its own panel: the test before leaves the 10,000-run UDF's panel open.
    await openFromPalette(wb, NAME);
    await insightsFrame(wb, NAME);
    await wb.reloadWindow();
    // Under load the new window and extension host can take minutes to start: wait for them first.
    await wb.activityBarItem().waitFor({ state: 'visible', timeout: 180_000 });
    await wb.openView();
    await wb.waitForTreeRow(NAME, 180_000);
    const frame = await insightsFrame(wb, NAME);
    assert.equal(await frame.locator('[data-insights="basis"]').getAttribute('data-runs'), String(myRuns(wb, NAME).length));
  });

});
