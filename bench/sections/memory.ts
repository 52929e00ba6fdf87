// Memory of the extension host: heap (after full GCs, read in the host by the probe extension)
// and resident set (/proc/<pid>/status) added by loading 5,000 records into the Query Results
// view, and what stays after opening and closing 20 run documents (nothing should).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchWorkbench } from '../../test/e2e/harness/workbench';
import type { BenchContext, SectionResult } from '../context';
import { PROBE_DIR_ENV, writeProbeExtension } from '../extensions';
import { residentMemory, waitForHostStarted, waitForIdle } from '../extHost';
import { Probe } from '../probe';
import type { Row } from '../report';
import { launchWithRetry, Retrier } from '../retry';
import { formatBytes } from '../stats';

export const RECORDS_TO_LOAD = 5000;
export const DOCUMENTS_TO_OPEN = 20;
const PAGE_SIZE = 300;

interface Snapshot {
  heapUsed: number;
  heapTotal: number;
  external: number;
  rss: number;
  /** VmRSS from /proc, read from outside the host: should agree with rss. */
  procRss: number;
  /** VmHWM: the host's peak resident set so far. */
  procPeak: number;
}

export async function benchMemory(ctx: BenchContext): Promise<SectionResult> {
  const probePath = writeProbeExtension(ctx.tempDir);
  const probeDir = path.join(ctx.tempDir, 'memory-probe');
  const retrier = new Retrier(ctx.log);
  const wb = await launchWithRetry(retrier, () => launchWorkbench({
    name: 'bench-memory',
    extensionPath: ctx.extensionDir,
    extraExtensions: [probePath],
    env: { [PROBE_DIR_ENV]: probeDir },
    // Enough runs in the execution environment for 5,000; no 10 MB record, so the figure is per record.
    server: { records: 12_000, hugePayloadBytes: 0 },
    settings: { 'fusedRuns.results.pageSize': PAGE_SIZE },
  }));
  try {
    const probe = new Probe(probeDir, wb);
    const manifest = JSON.parse(fs.readFileSync(path.join(ctx.extensionDir, 'package.json'), 'utf8')) as { publisher: string; name: string };
    const hostPid = (await waitForHostStarted(wb.codeServer.process.pid, wb.codeServer.userDataDir)).pid;
    await probe.call({ action: 'activate', id: `${manifest.publisher}.${manifest.name}` });
    const snapshot = async (): Promise<Snapshot> => {
      await waitForIdle(hostPid, { timeoutMs: 20_000 });
      const value = await probe.call<{ pid: number; memoryUsage: NodeJS.MemoryUsage }>({ action: 'memory' });
      if (value.pid !== hostPid) throw new Error(`the probe runs in process ${value.pid}, not the extension host ${hostPid} found in /proc`);
      const proc = residentMemory(hostPid);
      const usage = value.memoryUsage;
      return { heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, rss: usage.rss, procRss: proc.rss, procPeak: proc.peak };
    };
    const baseline = await snapshot();

    // 5,000 records: the team's runs over the whole data set, newest first, 300 a page, "Load more" until there are enough.
    const me = wb.fused.users.find((user) => user.token === wb.fused.token);
    const inScope = wb.fused.records.filter((record) => record.exec_env_id === me?.exec_env_id);
    if (inScope.length < RECORDS_TO_LOAD) throw new Error(`only ${inScope.length} runs in the execution environment`);
    const range = { start_timestamp: inScope[0].timestamp, end_timestamp: new Date().toISOString(), execEnv: true };
    const pages = Math.ceil(RECORDS_TO_LOAD / PAGE_SIZE);
    wb.fused.resetStats();
    await probe.call({
      action: 'execMany',
      calls: [{ command: 'fusedRuns.showRunsInTimeRange', args: [range] }, ...Array.from({ length: pages - 1 }, () => ({ command: 'fusedRuns.results.loadMore' }))],
    });
    // Other views may ask too (the UDF tree shows when the container opens): count this query's pages.
    const stamp = encodeURIComponent(range.start_timestamp);
    const pageRequests = wb.fused.stats().recent.filter((entry) => entry.url.includes(stamp) && entry.status === 200).length;
    const loaded = Math.min(inScope.length, pageRequests * PAGE_SIZE);
    if (loaded < RECORDS_TO_LOAD) throw new Error(`only ${loaded} records were loaded (${pageRequests} pages)`);
    const afterRecords = await snapshot();

    // 20 run documents: the code of the 20 newest runs, loaded first and so no longer in the record cache, opened one after another, then closed.
    const newestFirst = [...inScope].reverse();
    const documents = newestFirst.filter((record) => typeof record.udf_data === 'string' && record.udf_data.length > 0).slice(0, DOCUMENTS_TO_OPEN);
    await probe.call({ action: 'execMany', calls: documents.map((record) => ({ command: 'fusedRuns.openCode', args: [{ id: record.id, udf_name: record.udf_name }] })) });
    const whileOpen = await snapshot();
    const openDocuments = await probe.call<{ byScheme: Record<string, number>; tabs: number }>({ action: 'documents' });
    await wb.runCommand('View: Close All Editors');
    await wb.page.locator('.editor-group-container .tabs-container .tab').first().waitFor({ state: 'detached', timeout: 30_000 });
    const afterClose = await snapshot();
    const heldAfterClose = await probe.call<{ byScheme: Record<string, number>; tabs: number }>({ action: 'documents' });

    const delta = (to: Snapshot, from: Snapshot) => ({
      heapUsed: to.heapUsed - from.heapUsed,
      heapTotal: to.heapTotal - from.heapTotal,
      external: to.external - from.external,
      rss: to.rss - from.rss,
      procRss: to.procRss - from.procRss,
      procPeak: to.procPeak - from.procPeak,
    });
    const added = { records: delta(afterRecords, baseline), documentsOpen: delta(whileOpen, afterRecords), documentsClosed: delta(afterClose, afterRecords) };
    const rows: Row[] = [
      { section: 'memory', metric: 'extension host after activation: heap / RSS', value: `${formatBytes(baseline.heapUsed)} / ${formatBytes(baseline.procRss)}` },
      {
        section: 'memory',
        metric: `added by ${loaded} records in Query Results: heap / RSS`,
        value: `${formatBytes(added.records.heapUsed)} / ${formatBytes(added.records.procRss)} (RSS peak ${formatBytes(afterRecords.procPeak)})`,
      },
      { section: 'memory', metric: `added while ${documents.length} run documents are open: heap / RSS`, value: `${formatBytes(added.documentsOpen.heapUsed)} / ${formatBytes(added.documentsOpen.procRss)}` },
      {
        section: 'memory',
        metric: `left after closing them: heap / RSS`,
        value: `${formatBytes(added.documentsClosed.heapUsed)} / ${formatBytes(added.documentsClosed.procRss)}; host still holds ${heldAfterClose.byScheme['fused-run'] ?? 0} fused-run documents`,
      },
    ];
    return {
      rows,
      data: {
        method:
          'Probe extension (generated by the bench, installed only in its workbench) reads process.memoryUsage() in the extension host after full GCs (v8 --expose-gc at run time); RSS also from /proc/<pid>/status VmRSS. Each snapshot waits until the host used <= 5% CPU over 1 s. Records: Fused: Show Runs in Time Range (execution environment, whole data set) with 300 a page, then Load More until >= 5,000. Documents: Fused: Open Run Code of 20 runs (fetched by id: the record cache keeps the 200 loaded last, the oldest), then View: Close All Editors.',
        hostPid,
        recordsLoaded: loaded,
        pageRequests,
        documentsOpened: documents.length,
        openDocuments,
        heldAfterClose,
        snapshots: { baseline, afterRecords, whileOpen, afterClose },
        added,
      },
    };
  } finally {
    await wb.close();
  }
}
