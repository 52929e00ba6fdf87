// One poll of the watch list: as few requests as the API allows, then watchModel's rules.
//
// The audit-log API takes one filter per query (udf_name OR udf_id OR shared_token), so it
// cannot be asked for "runs of a, b or c". Per scope, a poll therefore reads ONE unfiltered,
// newest-first query from the oldest point any watched UDF needs (its last seen run, less an
// overlap) and sorts the runs by name itself: one request when fewer than a page of runs
// happened in the scope since the last poll, which is the common case at a poll every minute
// or two. Only when the scope was busier than the page budget (3 pages, 900 runs) does it fall
// back to one udf_name query per watched name that the shared read did not reach, so a watched
// UDF is never skipped because others were busy. One watched name in a scope is read with its
// own filter from the start (one request either way, and fewer records).

import { iteratePages, type PageSource } from '../api/paging';
import { LIMITS, type AuditLogQuery, type AuditLogRecord } from '../api/types';
import { scopeQuery } from '../shared/scope';
import { applyRuns, readFromMs, type WatchEntry, type WatchNotification } from './watchModel';

export const POLL_PAGES = 3;

export interface PollResult {
  entries: WatchEntry[];
  notifications: WatchNotification[];
  requests: number;
  /** Names read with their own query because the shared read did not reach back far enough. */
  fallbackNames: string[];
  /** Names whose runs since the last poll exceeded even their own budget (older ones were skipped). */
  overflowNames: string[];
}

interface Read {
  records: AuditLogRecord[];
  /** Every run from `fromMs` on was read. */
  complete: boolean;
  /** The oldest timestamp read (epoch ms). */
  oldestMs: number;
}

export async function pollWatched(source: PageSource, entries: readonly WatchEntry[], now: Date, options: { signal?: AbortSignal; pages?: number } = {}): Promise<PollResult> {
  const pages = options.pages ?? POLL_PAGES;
  let requests = 0;
  const counted: PageSource = {
    query: (query, queryOptions) => {
      requests++;
      return source.query(query, queryOptions);
    },
  };
  const read = async (query: AuditLogQuery): Promise<Read> => {
    const records: AuditLogRecord[] = [];
    let complete = false;
    for await (const page of iteratePages(counted, query, { signal: options.signal, maxRecords: pages * LIMITS.maxLimit })) {
      records.push(...page.items);
      complete = page.next_page_token === null && !page.trimmed;
    }
    const oldestMs = records.reduce((min, r) => Math.min(min, Date.parse(r.timestamp) || min), Number.POSITIVE_INFINITY);
    return { records, complete, oldestMs };
  };

  const runsByName = new Map<string, AuditLogRecord[]>();
  const fallbackNames: string[] = [];
  const overflowNames: string[] = [];
  for (const scope of ['mine', 'execEnv'] as const) {
    const group = entries.filter((entry) => entry.scope === scope);
    if (group.length === 0) continue;
    let uncovered = group;
    if (group.length > 1) {
      const fromMs = Math.min(...group.map(readFromMs));
      const shared = await read({ ...scopeQuery(scope), start_timestamp: new Date(fromMs).toISOString(), scan_forward: false, limit: LIMITS.maxLimit });
      // Runs newer than the oldest one read are all there, whatever their name.
      uncovered = shared.complete ? [] : group.filter((entry) => readFromMs(entry) < shared.oldestMs);
      for (const entry of group) {
        if (uncovered.includes(entry)) continue;
        runsByName.set(entry.name, shared.records.filter((r) => r.udf_name === entry.name));
      }
      if (uncovered.length) fallbackNames.push(...uncovered.map((entry) => entry.name));
    }
    for (const entry of uncovered) {
      const own = await read({ udf_name: entry.name, ...scopeQuery(scope), start_timestamp: new Date(readFromMs(entry)).toISOString(), scan_forward: false, limit: LIMITS.maxLimit });
      if (!own.complete) overflowNames.push(entry.name);
      runsByName.set(entry.name, own.records);
    }
  }

  const notifications: WatchNotification[] = [];
  const next = entries.map((entry) => {
    const applied = applyRuns(entry, runsByName.get(entry.name) ?? [], now);
    if (applied.notification) notifications.push(applied.notification);
    return applied.entry;
  });
  return { entries: next, notifications, requests, fallbackNames, overflowNames };
}
