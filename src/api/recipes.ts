// The two recipes of the fused.api.log documentation, over day windows:
// - recentlyUsedUdfs: distinct queries per window merged keeping the newest record per key;
// - failingUdfs: regular queries per window, newest first, grouped by UDF name.
// Windows are fetched concurrently with a small bound; the first failure cancels the rest.

import { CancelledError, FusedApiError } from './errors';
import { collectRecords, type PageSource } from './paging';
import { hasError, isFailing, isIncomplete } from './status';
import { LIMITS, type AuditLogQuery, type AuditLogRecord, type DistinctType } from './types';
import { parseIsoTimestamp } from './validate';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TimeWindow {
  /** ISO 8601 (UTC, "Z"), inclusive. */
  start: string;
  /** ISO 8601 (UTC, "Z"), inclusive. */
  end: string;
}

export interface WindowOptions {
  /** How many days back from `end` (or `now`). Default 7. Ignored when both start and end are given. */
  days?: number;
  /** Default: the current time. */
  now?: Date;
  /** Explicit range; a string must be ISO 8601 with an offset. */
  start?: Date | string;
  end?: Date | string;
}

function toMs(value: Date | string, field: string): number {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new FusedApiError('validation', `${field} is not a valid date.`);
    return value.getTime();
  }
  const parsed = parseIsoTimestamp(value);
  if ('problem' in parsed) throw new FusedApiError('validation', `${field} "${value}" ${parsed.problem}.`);
  return parsed.ms;
}

/**
 * Splits the range into one-day windows, newest first, the way the documented recipe does:
 * [end-1d, end], [end-2d, end-1d], ... The oldest window is cut at `start`. Neighbouring
 * windows share their boundary instant (the range is inclusive), so callers de-duplicate.
 */
export function dayWindows(options: WindowOptions): TimeWindow[] {
  const days = options.days ?? 7;
  if (!(days > 0) || !Number.isFinite(days)) throw new FusedApiError('validation', `days must be a positive number; got ${String(days)}.`);
  const endMs = options.end !== undefined ? toMs(options.end, 'end') : (options.now ?? new Date()).getTime();
  const startMs = options.start !== undefined ? toMs(options.start, 'start') : endMs - days * DAY_MS;
  if (startMs > endMs) throw new FusedApiError('validation', 'The start of the range is after its end.');
  const windows: TimeWindow[] = [];
  for (let windowEnd = endMs; ; windowEnd -= DAY_MS) {
    const windowStart = Math.max(startMs, windowEnd - DAY_MS);
    windows.push({ start: new Date(windowStart).toISOString(), end: new Date(windowEnd).toISOString() });
    if (windowStart <= startMs) break;
  }
  return windows;
}

/**
 * Runs `task` over `items` with at most `concurrency` at once, results in input order.
 * The first failure aborts the shared signal (so in-flight requests stop) and is rethrown.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal | undefined,
  task: (item: T, index: number, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  if (signal?.aborted) throw new CancelledError();
  signal?.addEventListener('abort', onAbort, { once: true });
  const results = new Array<R>(items.length);
  let next = 0;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length && firstError === undefined) {
      const index = next++;
      try {
        results[index] = await task(items[index], index, controller.signal);
      } catch (error) {
        if (firstError === undefined) {
          firstError = error;
          controller.abort();
        }
      }
    }
  };
  try {
    const workers = Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length));
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (firstError !== undefined) {
    throw signal?.aborted ? new CancelledError() : firstError;
  }
  return results;
}

function timeOf(record: Pick<AuditLogRecord, 'timestamp'>): number {
  const ms = Date.parse(record.timestamp);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/** True when `a` is more recent than `b` (by instant; by text when either does not parse). */
export function isNewer(a: Pick<AuditLogRecord, 'timestamp'>, b: Pick<AuditLogRecord, 'timestamp'>): boolean {
  const ta = timeOf(a);
  const tb = timeOf(b);
  if (Number.isFinite(ta) && Number.isFinite(tb)) return ta > tb;
  return a.timestamp > b.timestamp;
}

export function newestFirst(a: AuditLogRecord, b: AuditLogRecord): number {
  if (isNewer(a, b)) return -1;
  if (isNewer(b, a)) return 1;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Recently used UDFs

export interface RecentlyUsedOptions extends WindowOptions {
  distinctType: DistinctType;
  execEnv?: boolean;
  /** Windows fetched at once. Default 3. */
  concurrency?: number;
  /** Per-window scan cap sent as max_records_to_scan. Default 5000 (the maximum), as in the recipe. */
  maxRecordsToScan?: number;
  /** Probe each window to detect the scan cap (one small extra request per window). Default true. */
  detectCap?: boolean;
  signal?: AbortSignal;
}

export interface CappedWindow extends TimeWindow {
  /**
   * 'missed': a run seen by the probe is missing (or newer) in the distinct reply: proof the
   * scan stopped early. 'estimated': the window's run rate suggests more runs than the cap.
   */
  reason: 'missed' | 'estimated';
  /** Estimated runs in the window, when known. */
  estimatedRuns?: number;
}

export interface RecentlyUsedResult {
  /** One record per key (udf_name or udf_id), newest first. */
  records: AuditLogRecord[];
  /** Windows whose distinct answer may be missing UDFs because of the scan cap. */
  cappedWindows: CappedWindow[];
}

/** Newest runs read per window to check the distinct answer. Small: records may be large. */
export const CAP_PROBE_LIMIT = 20;

function keyOf(record: AuditLogRecord, distinctType: DistinctType): string | undefined {
  const key = distinctType === 'names' ? record.udf_name : record.udf_id;
  return typeof key === 'string' && key !== '' ? key : undefined;
}

function mergeNewest(into: Map<string, AuditLogRecord>, records: readonly AuditLogRecord[], distinctType: DistinctType): void {
  for (const record of records) {
    const key = keyOf(record, distinctType);
    if (key === undefined) continue;
    const current = into.get(key);
    if (!current || isNewer(record, current)) into.set(key, record);
  }
}

/**
 * The server scans at most max_records_to_scan raw records per distinct query and does not say
 * whether it stopped early, so a distinct reply alone can never show that UDFs are missing.
 * Distinct keeps "the most recent execution" of each UDF, so the scan runs newest first and a
 * capped scan loses the OLDEST part of the window. Rule used here, per window: read the
 * window's CAP_PROBE_LIMIT oldest runs with a regular query (scan_forward=true).
 *  - If a probed run's key is absent from the distinct reply, or is newer than the distinct
 *    record for its key, the scan demonstrably missed runs: capped ('missed').
 *  - If the probe shows the window has no more runs than that (no next page), the window is
 *    capped only if even those exceed the cap.
 *  - Otherwise estimate the window's run count from how much of the window the probed runs
 *    cover (count x window length / covered span); above the cap: capped ('estimated').
 * The probed runs are also merged into the result: they are real runs the scan may have missed.
 */
export function judgeCap(
  window: TimeWindow,
  distinctItems: readonly AuditLogRecord[],
  probe: { items: readonly AuditLogRecord[]; hasMore: boolean; oldestFirst: boolean },
  distinctType: DistinctType,
  cap: number,
): CappedWindow | undefined {
  const byKey = new Map<string, AuditLogRecord>();
  mergeNewest(byKey, distinctItems, distinctType);
  for (const record of probe.items) {
    const key = keyOf(record, distinctType);
    if (key === undefined) continue;
    const known = byKey.get(key);
    if (!known || isNewer(record, known)) return { ...window, reason: 'missed' };
  }
  if (!probe.hasMore) {
    return probe.items.length > cap ? { ...window, reason: 'estimated', estimatedRuns: probe.items.length } : undefined;
  }
  const times = probe.items.map(timeOf).filter(Number.isFinite);
  if (times.length === 0) return undefined;
  const windowStart = Date.parse(window.start);
  const windowEnd = Date.parse(window.end);
  const coveredMs = probe.oldestFirst
    ? Math.min(Math.max(...times), windowEnd) - windowStart
    : windowEnd - Math.max(Math.min(...times), windowStart);
  const estimatedRuns = Math.round((probe.items.length * Math.max(1, windowEnd - windowStart)) / Math.max(1, coveredMs));
  return estimatedRuns > cap ? { ...window, reason: 'estimated', estimatedRuns } : undefined;
}

function scope(execEnv: boolean | undefined): Pick<AuditLogQuery, 'exec_env'> {
  return execEnv ? { exec_env: true } : {};
}

export async function recentlyUsedUdfs(source: PageSource, options: RecentlyUsedOptions): Promise<RecentlyUsedResult> {
  const { distinctType, signal } = options;
  const cap = options.maxRecordsToScan ?? LIMITS.maxRecordsToScan;
  const detectCap = options.detectCap ?? true;
  const windows = dayWindows(options);
  const perWindow = await mapWithConcurrency(windows, options.concurrency ?? 3, signal, async (window, _index, windowSignal) => {
    const range = { start_timestamp: window.start, end_timestamp: window.end, ...scope(options.execEnv) };
    const distinct = await source.query(
      { distinct: true, distinct_type: distinctType, max_records_to_scan: cap, ...range },
      { signal: windowSignal },
    );
    if (!detectCap) return { items: distinct.items, probed: [] as AuditLogRecord[], capped: undefined };
    const probe = await source.query({ ...range, limit: CAP_PROBE_LIMIT, scan_forward: true }, { signal: windowSignal });
    const probeResult = { items: probe.items, hasMore: probe.next_page_token !== null, oldestFirst: true };
    return { items: distinct.items, probed: probe.items, capped: judgeCap(window, distinct.items, probeResult, distinctType, cap) };
  });

  const newest = new Map<string, AuditLogRecord>();
  const cappedWindows: CappedWindow[] = [];
  for (const result of perWindow) {
    mergeNewest(newest, result.items, distinctType);
    mergeNewest(newest, result.probed, distinctType);
    if (result.capped) cappedWindows.push(result.capped);
  }
  return { records: [...newest.values()].sort(newestFirst), cappedWindows };
}

// ---------------------------------------------------------------------------------------------
// Failing UDFs

export interface FailingUdfsOptions extends WindowOptions {
  execEnv?: boolean;
  /** Stop reading a window after this many records, as in the recipe. Default 5000. */
  maxRecordsPerWindow?: number;
  /** Windows fetched at once. Default 3. */
  concurrency?: number;
  signal?: AbortSignal;
}

export interface FailingUdfSummary {
  /** null groups the failing runs that carry no UDF name. */
  udf_name: string | null;
  /** Distinct failing runs (by id). */
  failure_count: number;
  /** Timestamp of the newest failing run. */
  last_failure: string;
  /** The newest non-blank stderr, or null when every failure left stderr empty (infrastructure). */
  sample_error: string | null;
  /** Failing runs with stderr. */
  error_count: number;
  /** Failing runs without execution_time (never completed). */
  incomplete_count: number;
}

export interface FailingUdfsReport {
  summaries: FailingUdfSummary[];
  /** Windows that held more than maxRecordsPerWindow runs, so older failures in them were not read. */
  truncatedWindows: TimeWindow[];
  /** Runs read in total (all windows, de-duplicated). */
  scannedRuns: number;
}

/** Groups failing runs (given newest first) by UDF name, sorted by count then recency. */
export function summarizeFailures(recordsNewestFirst: readonly AuditLogRecord[]): FailingUdfSummary[] {
  const groups = new Map<string | null, FailingUdfSummary & { newest: AuditLogRecord }>();
  const seen = new Set<string>();
  for (const record of recordsNewestFirst) {
    if (seen.has(record.id) || !isFailing(record)) continue;
    seen.add(record.id);
    const name = typeof record.udf_name === 'string' && record.udf_name !== '' ? record.udf_name : null;
    let group = groups.get(name);
    if (!group) {
      group = { udf_name: name, failure_count: 0, last_failure: record.timestamp, sample_error: null, error_count: 0, incomplete_count: 0, newest: record };
      groups.set(name, group);
    }
    group.failure_count++;
    if (hasError(record)) {
      group.error_count++;
      if (group.sample_error === null) group.sample_error = record.stderr as string;
    }
    if (isIncomplete(record)) group.incomplete_count++;
    if (isNewer(record, group.newest)) {
      group.newest = record;
      group.last_failure = record.timestamp;
    }
  }
  return [...groups.values()]
    .map(({ newest: _newest, ...summary }) => summary)
    .sort((a, b) => b.failure_count - a.failure_count || timeOf({ timestamp: b.last_failure }) - timeOf({ timestamp: a.last_failure }));
}

/** The failing-UDFs recipe with what was left unread. */
export async function failingUdfsReport(source: PageSource, options: FailingUdfsOptions = {}): Promise<FailingUdfsReport> {
  const maxRecords = options.maxRecordsPerWindow ?? 5000;
  const windows = dayWindows(options);
  const perWindow = await mapWithConcurrency(windows, options.concurrency ?? 3, options.signal, (window, _index, windowSignal) =>
    collectRecords(
      source,
      { start_timestamp: window.start, end_timestamp: window.end, limit: LIMITS.maxLimit, scan_forward: false, ...scope(options.execEnv) },
      { signal: windowSignal, maxRecords },
    ),
  );
  const ordered: AuditLogRecord[] = [];
  const ids = new Set<string>();
  const truncatedWindows: TimeWindow[] = [];
  perWindow.forEach((result, index) => {
    if (result.truncated) truncatedWindows.push(windows[index]);
    // Windows are newest first and each is read newest first; keep that order across windows.
    for (const record of [...result.records].sort(newestFirst)) {
      if (ids.has(record.id)) continue;
      ids.add(record.id);
      ordered.push(record);
    }
  });
  return { summaries: summarizeFailures(ordered), truncatedWindows, scannedRuns: ordered.length };
}

/** The documented failing-UDFs recipe: summaries sorted by failure_count, then last_failure. */
export async function failingUdfs(source: PageSource, options: FailingUdfsOptions = {}): Promise<FailingUdfSummary[]> {
  return (await failingUdfsReport(source, options)).summaries;
}
