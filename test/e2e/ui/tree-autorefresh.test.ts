// Opt-in auto-refresh of the Fused Runs tree in a real VS Code: with the shortest interval
// (30 s) the root is read again while the view is visible, and not while it is hidden.
// Slow by nature (it waits for the timer), so it has its own file.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useWorkbench, type Workbench } from '../harness';

const session = useWorkbench({
  name: 'tree-autorefresh',
  // 10 s asks for less than the minimum: the extension must still wait 30 s.
  settings: { 'fusedRuns.autoRefresh.enabled': true, 'fusedRuns.autoRefresh.intervalSeconds': 10 },
});

function distinctRequests(wb: Workbench): number {
  const shapes = wb.fused.stats().byQuery as Record<string, number>;
  return Object.entries(shapes).reduce((sum, [shape, n]) => (shape.startsWith('distinct') ? sum + n : sum), 0);
}

async function waitForDistinct(wb: Workbench, atLeast: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (distinctRequests(wb) >= atLeast) return Date.now();
    await wb.page.waitForTimeout(250);
  }
  throw new Error(`only ${distinctRequests(wb)} distinct requests within ${timeoutMs} ms`);
}

describe('Fused Runs tree auto-refresh', () => {
  it('reads the root again after the 30 s minimum while the view is visible', async () => {
    const wb = session.wb;
    wb.fused.resetStats();
    await wb.openView();
    const first = await waitForDistinct(wb, 1, 30_000);
    const second = await waitForDistinct(wb, 2, 60_000);
    const elapsed = second - first;
    assert.ok(elapsed >= 29_000, `the second read came after ${elapsed} ms; the minimum interval is 30 s`);
    assert.ok(elapsed < 45_000, `the second read came after ${elapsed} ms`);
  });

  it('does not refresh while the view is hidden', async () => {
    const wb = session.wb;
    // Show the Explorer instead of Fused Runs.
    await wb.page.locator('.part.activitybar .action-item a[aria-label^="Explorer"]').first().click();
    await wb.page.locator('.part.sidebar .monaco-list-row[role="treeitem"]', { hasText: 'dem_' }).first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
    const before = distinctRequests(wb);
    await wb.page.waitForTimeout(40_000);
    assert.equal(distinctRequests(wb), before, 'no request while hidden');
    // Shown again: the timer starts over, and the next read comes within one interval.
    await wb.openView();
    await waitForDistinct(wb, before + 1, 45_000);
  });
});
