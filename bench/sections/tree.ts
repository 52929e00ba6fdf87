// Tree: from clicking the Fused Runs icon to the first UDF rows, and from clicking a UDF's twistie
// to its runs, at 0 and 150 ms injected round trip. Each sample is a fresh window on a new folder,
// so opening the view also activates the extension, as it does the first time a user opens it in
// a window.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchWorkbench, type Workbench } from '../../test/e2e/harness/workbench';
import type { BenchContext, SectionResult } from '../context';
import { extensionHostPids, waitForHostStarted } from '../extHost';
import type { Row } from '../report';
import { launchWithRetry, Retrier } from '../retry';
import { formatMs, round, summarize } from '../stats';
import { timeToScreen, waitForQuietPage, type ScreenTiming } from '../ui';

export const TREE_LATENCIES_MS = [0, 150] as const;
/** A UDF row (collapsible); info rows such as the scan-cap warning have no aria-expanded. */
const UDF_ROW = '.part.sidebar .monaco-list-row[role="treeitem"][aria-level="1"][aria-expanded]';
/** A run row under a UDF (runs are collapsible: they hold their details). */
const RUN_ROW = '.part.sidebar .monaco-list-row[role="treeitem"][aria-level="2"][aria-expanded]';

/**
 * Waits until the local server saw no new request for `quietMs` (after at least `atLeast`
 * requests, if they come within the timeout); returns what it counted.
 */
export async function settledRequests(wb: Workbench, quietMs = 1500, atLeast = 0, timeoutMs = 60_000): Promise<{ requests: number; byQuery: Record<string, number> }> {
  const deadline = Date.now() + timeoutMs;
  while (wb.fused.stats().requests < atLeast && Date.now() < deadline) await wb.page.waitForTimeout(100);
  let last = wb.fused.stats().requests;
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    await wb.page.waitForTimeout(200);
    const now = wb.fused.stats().requests;
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) break;
  }
  const stats = wb.fused.stats();
  return { requests: stats.requests, byQuery: { ...stats.byQuery } };
}

/**
 * A new window on a new, empty workspace folder: VS Code keeps the layout (which container is
 * showing, what is expanded) per folder, so nothing of ours is restored and the extension is
 * not active. Then lets the new extension host finish starting, as a person would.
 */
async function freshWindow(wb: Workbench, label: string): Promise<void> {
  const folder = path.join(wb.runDir, 'workspaces', label);
  fs.mkdirSync(folder, { recursive: true });
  const previous = extensionHostPids(wb.codeServer.process.pid).at(-1);
  await wb.page.goto(`${wb.codeServer.url}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await wb.waitForWorkbench(120_000);
  await waitForHostStarted(wb.codeServer.process.pid, wb.codeServer.userDataDir, { afterPid: previous });
}

interface TreeSample {
  latencyMs: number;
  openToFirstRows: ScreenTiming;
  expandToRuns: ScreenTiming;
  udf: string;
}

/** One sample in a fresh window; with `countRequests`, also what opening and expanding asked the server. */
async function treeSample(wb: Workbench, latencyMs: number, folder: string, countRequests: boolean): Promise<{ sample: TreeSample; requests?: Record<string, unknown> }> {
  await freshWindow(wb, folder);
  if (latencyMs > 0) wb.fused.setFaults({ latencyMs });
  else wb.fused.clearFaults();
  wb.fused.resetStats();
  const icon = wb.activityBarItem('Fused Runs');
  await icon.waitFor({ state: 'visible' });
  await waitForQuietPage(wb);
  const openToFirstRows = await timeToScreen(wb, 'mousedown', { selector: UDF_ROW, visibleOnly: true }, () => icon.click());
  const opened = countRequests ? await settledRequests(wb) : undefined;
  wb.fused.resetStats();
  const row = wb.page.locator(UDF_ROW).filter({ has: wb.page.locator('.monaco-tl-twistie.collapsible.collapsed') }).first();
  const udf = ((await row.locator('.label-name').first().textContent()) ?? '').trim();
  await waitForQuietPage(wb);
  const expandToRuns = await timeToScreen(wb, 'mousedown', { selector: RUN_ROW, visibleOnly: true }, () => row.locator('.monaco-tl-twistie').click());
  const expanded = countRequests ? await settledRequests(wb) : undefined;
  return { sample: { latencyMs, openToFirstRows, expandToRuns, udf }, requests: countRequests ? { openView: opened, expandUdf: expanded } : undefined };
}

export async function benchTree(ctx: BenchContext): Promise<SectionResult> {
  const retrier = new Retrier(ctx.log);
  const wb = await launchWithRetry(retrier, () => launchWorkbench({ name: 'bench-tree', extensionPath: ctx.extensionDir }));
  const samples: TreeSample[] = [];
  let requests: Record<string, unknown> | undefined;
  try {
    for (const latencyMs of TREE_LATENCIES_MS) {
      for (let index = 0; index < ctx.options.uiSamples; index++) {
        const label = `tree @${latencyMs} ms #${index + 1}`;
        const taken = await retrier.run(label, () => treeSample(wb, latencyMs, `latency-${latencyMs}-${index}-${retrier.count}`, index === 0));
        if (taken.requests) requests = { ...requests, [`@${latencyMs}ms`]: taken.requests };
        samples.push(taken.sample);
        ctx.log(`${label}: first rows ${round(taken.sample.openToFirstRows.ms)} ms, runs of ${taken.sample.udf} ${round(taken.sample.expandToRuns.ms)} ms`);
      }
    }
  } catch (error) {
    const shot = await wb.screenshot('FAILED-bench-tree').catch(() => 'no screenshot');
    const rows = await wb.treeRows().catch(() => []);
    throw new Error(`${(error as Error).message} (rows ${JSON.stringify(rows.slice(0, 5))}; screenshot ${shot}; logs in ${wb.runDir})`);
  } finally {
    wb.fused.clearFaults();
    await wb.close();
  }
  const rows: Row[] = [];
  const data: Record<string, unknown> = {
    method:
      'Page-side timing: from the mousedown on the activity-bar icon (or the UDF twistie) to the first animation frame that shows a UDF row (or a run row). Each sample is a new window on a new empty folder (no restored layout, extension not active), left until its extension host has finished starting (onStartupFinished activations logged, then <= 5% CPU over 1 s), so opening the view activates the extension. Latency injected by the local server before every response. Requests counted by the server until 1.5 s without one.',
    records: 'local server defaults (2000 generated records)',
    retriedSamples: retrier.count,
    requests,
    samples: samples.map((entry) => ({ ...entry, openToFirstRows: roundTiming(entry.openToFirstRows), expandToRuns: roundTiming(entry.expandToRuns) })),
  };
  for (const latencyMs of TREE_LATENCIES_MS) {
    const at = samples.filter((entry) => entry.latencyMs === latencyMs);
    if (at.length === 0) continue;
    const open = summarize(at.map((entry) => entry.openToFirstRows.ms));
    const expand = summarize(at.map((entry) => entry.expandToRuns.ms));
    data[`@${latencyMs}ms`] = { openToFirstRows: open, expandToRuns: expand };
    const counted = requests?.[`@${latencyMs}ms`] as { openView?: { requests: number }; expandUdf?: { requests: number } } | undefined;
    rows.push({ section: 'tree', metric: `open view → first rows @${latencyMs} ms`, value: `${formatMs(open)}${counted?.openView ? `, ${counted.openView.requests} req` : ''}` });
    rows.push({ section: 'tree', metric: `expand UDF → runs @${latencyMs} ms`, value: `${formatMs(expand)}${counted?.expandUdf ? `, ${counted.expandUdf.requests} req` : ''}` });
  }
  return { rows, data };
}

function roundTiming(timing: ScreenTiming): ScreenTiming {
  return { ms: round(timing.ms), longestTaskMs: round(timing.longestTaskMs), longestFrameGapMs: round(timing.longestFrameGapMs) };
}
