// Opt-in auto-refresh of the Fused Runs tree in a real VS Code: the root is read again once per
// interval while the view is visible, never sooner than the minimum, and not while it is hidden.
// Users cannot go under 30 s; the harness lowers that minimum to MIN_SECONDS through the
// test-only environment variable FUSED_RUNS_TEST_AUTO_REFRESH_MIN_SECONDS (read by
// src/views/autoRefresh.ts), so the test takes seconds, not minutes.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useWorkbench, waitUntil, type Workbench } from '../harness';

const MIN_SECONDS = 3;
/** When each root read (the tree's newest-first read of the range) was answered, and how. */
const rootReadTimes: number[] = [];
const rootReads: { at: number; status: number | string; ms: number }[] = [];

const session = useWorkbench({
  name: 'tree-autorefresh',
  env: { FUSED_RUNS_TEST_AUTO_REFRESH_MIN_SECONDS: String(MIN_SECONDS) },
  // 1 s asks for less than the minimum: the extension must still wait MIN_SECONDS.
  // The failing-UDFs status bar is off: every audit-log request is then the tree's own.
  settings: { 'fusedRuns.autoRefresh.enabled': true, 'fusedRuns.autoRefresh.intervalSeconds': 1, 'fusedRuns.statusBar.failingUdfs': false },
  server: {
    onRequest: (entry) => {
      // Root reads: the range read newest first with an open end (the status bar's failing recipe
      // always sends an end; a UDF's runs name the UDF).
      if (/scan_forward=false/.test(entry.url) && !/end_timestamp|page_token|udf_name|udf_id|shared_token/.test(entry.url)) {
        rootReads.push({ at: Date.now(), status: entry.status, ms: entry.ms });
        if (entry.status !== 'aborted') rootReadTimes.push(Date.now());
      }
    },
  },
});

async function waitForReads(atLeast: number, timeoutMs: number): Promise<number> {
  await waitUntil(() => rootReadTimes.length >= atLeast, { timeout: timeoutMs, message: () => `${atLeast} root reads reached the server (${rootReadTimes.length} did)` });
  return rootReadTimes[atLeast - 1];
}

async function showExplorer(wb: Workbench): Promise<void> {
  await wb.page.locator('.part.activitybar .action-item a[aria-label^="Explorer"]').first().click();
  await waitUntil(async () => /explorer/i.test(await wb.sideBarTitle()), { timeout: 10_000, message: 'the side bar shows the Explorer' });
}

describe('Fused Runs tree auto-refresh', () => {
  it('reads the root again after the minimum interval, not sooner, while the view is visible', async () => {
    const wb = session.wb;
    await wb.openView();
    const before = rootReadTimes.length;
    // Two consecutive automatic reads: their spacing is the interval the extension used.
    const first = await waitForReads(before + 1, 30_000);
    const second = await waitForReads(before + 2, 30_000);
    const elapsed = second - first;
    assert.ok(elapsed >= MIN_SECONDS * 1000 - 20, `the second read came after ${elapsed} ms; the minimum interval is ${MIN_SECONDS} s`);
    // Well under the 30 s a user gets: the lowered minimum is what the timer used.
    assert.ok(elapsed < 25_000, `the second read came after ${elapsed} ms`);
  });

  it('does not refresh while the view is hidden, and refreshes again once it shows', async () => {
    const wb = session.wb;
    await wb.openView();
    await waitForReads(rootReadTimes.length + 1, 30_000);
    const before = rootReadTimes.length;
    await showExplorer(wb);
    const hiddenAt = Date.now();
    // Time itself is what is tested here: nothing may happen while the view is hidden, and when
    // nothing happens there is no event to wait for, so this waits a fixed four intervals.
    await wb.page.waitForTimeout(4 * MIN_SECONDS * 1000);
    // A timer that fired just before the extension heard of the hide may still send one read;
    // none may come later than one interval after the view hid.
    const late = rootReadTimes.slice(before).filter((at) => at > hiddenAt + MIN_SECONDS * 1000);
    assert.deepEqual(late.map((at) => at - hiddenAt), [], 'reads (ms after hiding) while the view was hidden');
    // Shown again: the timer starts over, and the next read comes within about one interval.
    const count = rootReadTimes.length;
    const shownAt = Date.now();
    await wb.openView();
    const next = await waitForReads(count + 1, 30_000);
    assert.ok(next - shownAt < 20_000, `the first read after showing the view came after ${next - shownAt} ms`);
  });

  it('leaves a root read slower than the interval to finish: the timer does not abort it', async () => {
    const wb = session.wb;
    await wb.openView();
    await waitForReads(rootReadTimes.length + 1, 30_000);
    const from = rootReads.length;
    // The next audit-log request (the refresh's root read) takes three intervals. The timer set
    // after the last read fires while it is on its way; it must let it finish, not start a new
    // read that aborts it (a network slower than the interval would then never show a result).
    const slowMs = 3 * MIN_SECONDS * 1000;
    wb.fused.setFaults({ latencyMs: slowMs, times: 1 });
    await wb.runCommand('Fused: Refresh');
    const slow = (read: { ms: number }) => read.ms >= slowMs;
    await waitUntil(() => rootReads.slice(from).some((read) => slow(read) || read.status === 'aborted'), {
      timeout: 60_000,
      message: () => `the slow root read was answered or aborted (seen: ${JSON.stringify(rootReads.slice(from))})`,
    });
    assert.deepEqual(rootReads.slice(from).filter((read) => read.status === 'aborted'), [], 'no root read was aborted');
    const slowEnd = rootReads.slice(from).find(slow)?.at ?? 0;
    assert.equal(rootReads.slice(from).find(slow)?.status, 200, 'the slow read finished');
    // The next read comes one interval after the slow one ended, not before.
    const next = await waitForReads(rootReadTimes.filter((at) => at <= slowEnd).length + 1, 30_000);
    assert.deepEqual(rootReads.slice(from).filter((read) => read.status === 'aborted'), [], 'no root read was aborted afterwards');
    assert.ok(next - slowEnd >= MIN_SECONDS * 1000 - 20, `the next read came ${next - slowEnd} ms after the slow one ended; the minimum interval is ${MIN_SECONDS} s`);
  });
});
