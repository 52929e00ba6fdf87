// The two recipes exactly as the fused.api.log documentation writes them (see
// /work/shared/reference/fused-api-log.md, "Recipes from the documentation"): one day-window
// after another, each paged to the end before the next starts. `npm run bench` times them
// against src/api/recipes.ts through the same client, server and data. Kept literal on
// purpose (a Python loop transcribed line by line), so the comparison is with what a user of
// the SDK would write, not with a second optimised implementation.
import type { PageSource } from '../src/api/paging';
import type { AuditLogQuery, AuditLogRecord } from '../src/api/types';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Python's `datetime.isoformat()` of an aware UTC datetime: microseconds and "+00:00". */
export function pythonIsoformat(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2025-04-01T00:00:00.123Z
  return `${iso.slice(0, 23)}000+00:00`;
}

function scope(execEnv: boolean): Pick<AuditLogQuery, 'exec_env'> {
  return execEnv ? { exec_env: true } : {};
}

/**
 * "Recently used UDFs (last 7 days)": one distinct query per day-window (max_records_to_scan
 * 5000), newest window first, keeping the newest record per name. Distinct answers are one
 * page by contract, so "paged to the end" is that one response.
 */
export async function documentedRecentlyUsed(source: PageSource, now: Date, execEnv: boolean): Promise<Map<string, AuditLogRecord>> {
  const allNames = new Map<string, AuditLogRecord>();
  for (let daysAgo = 0; daysAgo < 7; daysAgo++) {
    const windowStart = pythonIsoformat(now.getTime() - (daysAgo + 1) * DAY_MS);
    const windowEnd = pythonIsoformat(now.getTime() - daysAgo * DAY_MS);
    const result = await source.query({
      distinct: true,
      distinct_type: 'names',
      start_timestamp: windowStart,
      end_timestamp: windowEnd,
      max_records_to_scan: 5000,
      ...scope(execEnv),
    });
    for (const record of result.items ?? []) {
      const name = record.udf_name;
      const known = name ? allNames.get(name) : undefined;
      if (name && (known === undefined || (record.timestamp ?? '') > (known.timestamp ?? ''))) allNames.set(name, record);
    }
  }
  return allNames;
}

export interface DocumentedFailingSummary {
  udf_name: string;
  failure_count: number;
  last_failure: string;
  sample_error: string | null;
}

export interface DocumentedWindowRead {
  start: string;
  end: string;
  pages: number;
  records: number;
  /** Wall time of this window's page chain alone (the loop reads one window at a time). */
  ms: number;
}

export interface DocumentedFailingResult {
  summaries: DocumentedFailingSummary[];
  windows: DocumentedWindowRead[];
}

/**
 * "Failing UDFs (last 7 days)": page through each day-window newest first (limit 300, stop at
 * 5000 records), then has_error = stderr non-blank, incomplete = execution_time is None,
 * failing = either; group by udf_name (as pandas does, runs without a name are dropped) with
 * failure_count (count of ids), last_failure (max timestamp) and sample_error (first stderr),
 * sorted by failure_count descending.
 */
export async function documentedFailing(source: PageSource, now: Date, execEnv: boolean, clock: () => number = () => performance.now()): Promise<DocumentedFailingResult> {
  const items: AuditLogRecord[] = [];
  const windows: DocumentedWindowRead[] = [];
  for (let daysAgo = 0; daysAgo < 7; daysAgo++) {
    const windowStart = pythonIsoformat(now.getTime() - (daysAgo + 1) * DAY_MS);
    const windowEnd = pythonIsoformat(now.getTime() - daysAgo * DAY_MS);
    const started = clock();
    const windowItems: AuditLogRecord[] = [];
    let pageToken: string | null = null;
    let pages = 0;
    for (;;) {
      const query: AuditLogQuery = { start_timestamp: windowStart, end_timestamp: windowEnd, limit: 300, scan_forward: false, ...scope(execEnv) };
      if (pageToken) query.page_token = pageToken;
      const result = await source.query(query);
      pages++;
      windowItems.push(...result.items);
      pageToken = result.next_page_token ?? null;
      if (!pageToken || windowItems.length >= 5000) break;
    }
    items.push(...windowItems.slice(0, 5000));
    windows.push({ start: windowStart, end: windowEnd, pages, records: Math.min(windowItems.length, 5000), ms: clock() - started });
  }

  const groups = new Map<string, { ids: string[]; last: string; sample: string | null }>();
  for (const record of items) {
    const hasError = typeof record.stderr === 'string' && record.stderr.trim() !== '';
    const incomplete = record.execution_time === null || record.execution_time === undefined;
    if (!(hasError || incomplete) || !record.udf_name) continue;
    let group = groups.get(record.udf_name);
    if (!group) groups.set(record.udf_name, (group = { ids: [], last: record.timestamp, sample: null }));
    group.ids.push(record.id);
    if (record.timestamp > group.last) group.last = record.timestamp;
    if (group.sample === null && hasError) group.sample = record.stderr as string;
  }
  const summaries = [...groups.entries()]
    .map(([name, group]) => ({ udf_name: name, failure_count: group.ids.length, last_failure: group.last, sample_error: group.sample }))
    .sort((a, b) => b.failure_count - a.failure_count);
  return { summaries, windows };
}
