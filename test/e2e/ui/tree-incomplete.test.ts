// The burst day in a real VS Code: 6 021 runs in the last 24 h (20 sparse, one run of a rare
// UDF early, then 6 000 runs in the last three hours), the case where one distinct query
// silently misses a UDF. With a request budget too small to read it all, the tree marks what it
// could not read ("may be incomplete: <local time range>") and Scan Fully reads it with progress
// and a request count; with the default budget the tree proves the day complete by splitting.
// The failing summary opened from the status bar keeps the notice that a day window was cut.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { BURST_RARE_NAME } from '../../server/scenarios';
import { useWorkbench, waitUntil, type TreeRow, type Workbench } from '../harness';

const SMALL_BUDGET = 8;
const session = useWorkbench({
  name: 'tree-incomplete',
  server: { scenario: { name: 'burst' } },
  settings: { 'fusedRuns.udfs.requestBudget': SMALL_BUDGET },
  viewport: { width: 1400, height: 1000 },
});

const HOUR = 3600_000;
const MARK = /^may be incomplete: (\d{1,2} \w{3}) (\d\d:\d\d)(?:–| – (\d{1,2} \w{3}) )(\d\d:\d\d)$/;

function names(wb: Workbench): string[] {
  return [...new Set(wb.fused.records.map((r) => r.udf_name).filter((n): n is string => !!n))].sort();
}

async function rootRows(wb: Workbench): Promise<TreeRow[]> {
  return (await wb.treeRows()).filter((row) => row.level === 1);
}

/** Waits until the root rows satisfy `predicate` and are the same on two polls in a row (settled). */
async function settledRoot(wb: Workbench, predicate: (rows: TreeRow[]) => boolean, timeoutMs = 60_000): Promise<TreeRow[]> {
  let last = '';
  let rows: TreeRow[] = [];
  return waitUntil(
    async () => {
      rows = await rootRows(wb);
      const snapshot = JSON.stringify(rows);
      const settled = snapshot === last && predicate(rows);
      last = snapshot;
      return settled && rows;
    },
    { timeout: timeoutMs, interval: 300, maxInterval: 300, message: () => `the tree settled: ${JSON.stringify(rows)}` },
  );
}

/** Waits until the server has served a request and then none for `quietMs` (the tree finished reading). */
async function serverQuiet(wb: Workbench, quietMs = 1500, timeoutMs = 60_000): Promise<void> {
  let last = -1;
  let since = Date.now();
  await waitUntil(
    () => {
      const now = wb.fused.stats().requests;
      if (now !== last) {
        last = now;
        since = Date.now();
        return false;
      }
      return now > 0 && Date.now() - since >= quietMs;
    },
    { timeout: timeoutMs, interval: 200, maxInterval: 200, message: () => `the server went quiet (${last} requests)` },
  );
}

const udfRows = (rows: TreeRow[]) => rows.filter((r) => r.expanded !== undefined).map((r) => r.label).sort();
const markRows = (rows: TreeRow[]) => rows.filter((r) => /^may be incomplete: /.test(r.label));

/** The local instant of "14 Nov 09:05" in this year (the tree shows local time; TZ is set above). */
function localInstant(day: string, time: string): number {
  const year = new Date().getFullYear();
  return Date.parse(`${day} ${year} ${time}`);
}

describe('Fused Runs tree over the burst day', () => {
  it(`with a budget of ${SMALL_BUDGET} requests: the part it could not read is marked at the top, in local time, and the rare UDF is listed`, async () => {
    const wb = session.wb;
    assert.equal(wb.fused.records.length, 6021);
    await wb.openView();
    const rows = await settledRoot(wb, (r) => markRows(r).length > 0 && udfRows(r).length > 0);
    const marks = markRows(rows);
    assert.equal(rows.indexOf(marks[0]), 0, 'the mark is the first row');
    for (const mark of marks) {
      assert.equal(mark.description, 'Scan fully');
      const parts = MARK.exec(mark.label);
      assert.ok(parts, `label ${mark.label}`);
      const start = localInstant(parts[1], parts[2]);
      const end = localInstant(parts[3] ?? parts[1], parts[4]);
      // Only the burst (the last three hours) is left unread: the sparse runs were read.
      assert.ok(start >= Date.now() - 3 * HOUR - 5 * 60_000 && end <= Date.now() + 60_000 && start <= end, `${mark.label} lies in the last three hours`);
    }
    assert.deepEqual(udfRows(rows), names(wb), 'every UDF of the day is listed, the rare one too');
    assert.ok(udfRows(rows).includes(BURST_RARE_NAME));
  });

  it('the failing summary opened from the status bar keeps the notice that a day window was cut, named in local time', async () => {
    const wb = session.wb;
    const item = wb.page.locator('.part.statusbar .statusbar-item', { hasText: /\d+ failing/ }).first();
    await item.waitFor({ timeout: 60_000 });
    wb.fused.resetStats();
    await item.click();
    const picker = await wb.waitForQuickInput({ title: 'Failing UDFs', placeholder: /had over 5000 runs/ });
    assert.match(picker.placeholder, /One day window had over 5000 runs \(\d{1,2} \w{3} \d\d:\d\d – \d{1,2} \w{3} \d\d:\d\d\); older failures in it were not read/);
    assert.equal(wb.fused.stats().requests, 0, 'the summary came from the status bar');
    await wb.page.keyboard.press('Escape');
  });

  it('Scan Fully reads the marked window with progress and a request count, then the mark goes away', async () => {
    const wb = session.wb;
    const before = markRows(await rootRows(wb));
    assert.ok(before.length > 0);
    // Slow responses, so the progress can be read while the scan runs.
    wb.fused.setFaults({ latencyMs: 400 });
    wb.fused.resetStats();
    await (await wb.waitForTreeRow(before[0].label)).click();
    try {
      const progress = await wb.waitForNotification(/scanning .* fully.*[\d,]+ runs read · \d+ requests?/, 30_000);
      assert.match(progress, new RegExp(`scanning ${before[0].label.replace('may be incomplete: ', '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} fully`));
    } finally {
      wb.fused.clearFaults();
    }
    const done = await wb.waitForNotification(/^Scanned .* fully: [\d,]+ runs in \d+ requests\. Its UDFs are complete\.$/, 120_000);
    const requests = Number(/ in (\d+) requests/.exec(done)?.[1]);
    assert.equal(requests, wb.fused.stats().requests, 'the count the user sees is what the server served');
    const rows = await settledRoot(wb, (r) => markRows(r).length === before.length - 1);
    assert.deepEqual(udfRows(rows), names(wb));
  });

  it('with the default budget (set back in the Settings editor, then Refresh) the day is proven complete by splitting: no mark', async () => {
    const wb = session.wb;
    await wb.runCommand('Preferences: Open User Settings');
    const editor = wb.page.locator('.settings-editor');
    await editor.waitFor({ state: 'visible', timeout: 15_000 });
    await editor.locator('.suggest-input-container .monaco-editor textarea, .suggest-input-container .native-edit-context').first().focus();
    await wb.page.keyboard.type('fusedRuns.udfs.requestBudget');
    // The one setting found, by its title (the editor lists others until the search applies).
    // 64 is the default, so the Settings editor removes the user's 8 from settings.json rather
    // than writing 64. It writes after a debounce and may re-render the row meanwhile, so the
    // value is typed again until settings.json no longer holds 8 (what the extension reads).
    const settingsFile = path.join(wb.codeServer.userDataDir, 'User', 'settings.json');
    const budgetInFile = () => /"fusedRuns\.udfs\.requestBudget"\s*:\s*(\d+)/.exec(fs.readFileSync(settingsFile, 'utf8'))?.[1];
    const setBack = () => budgetInFile() === undefined || budgetInFile() === '64';
    assert.equal(budgetInFile(), String(SMALL_BUDGET), 'the small budget is in settings.json before');
    for (let attempt = 0; attempt < 4 && !setBack(); attempt++) {
      const item = editor.locator('.setting-item', { has: wb.page.locator('.setting-item-title', { hasText: 'Request Budget' }) }).first();
      const input = item.locator('input').first();
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill('64');
      await input.press('Tab');
      await waitUntil(setBack, { timeout: 10_000, message: 'settings.json no longer holds the small budget' }).catch(() => undefined);
    }
    assert.ok(setBack(), `the Settings editor set fusedRuns.udfs.requestBudget back to its default (settings.json holds ${budgetInFile()})`);
    // Back to the tree (the settings editor may open over the workbench).
    await wb.page.keyboard.press('Escape');
    await wb.openView();
    // Refresh until a read with the new budget has finished (the setting is written asynchronously).
    const deadline = Date.now() + 60_000;
    let rows: TreeRow[] = [];
    while (Date.now() < deadline) {
      wb.fused.resetStats();
      await wb.runCommand('Fused: Refresh');
      await serverQuiet(wb);
      rows = await settledRoot(wb, (r) => udfRows(r).length > 0);
      if (markRows(rows).length === 0) break;
    }
    assert.deepEqual(markRows(rows), [], 'proven complete');
    assert.deepEqual(udfRows(rows), names(wb));
    assert.ok(wb.fused.stats().requests > SMALL_BUDGET, 'it took more requests than the small budget allowed');
  });
});
