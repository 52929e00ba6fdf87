// The two recipes of the fused.api.log documentation:
// - recentlyUsedUdfs: the UDFs used in the last days, newest run per key. The documented loop
//   asks one distinct query per day window, which silently misses UDFs when a window holds
//   more runs than the distinct scan cap; here the list is proven whole, or the windows that
//   could not be proven are returned (see completeness.ts);
// - failingUdfs: regular queries per day window, newest first, grouped by UDF name.
// Windows and parts are fetched concurrently with a bound; the first failure cancels the rest.

import * as l10n from '@vscode/l10n';
import { mapWithConcurrency } from './concurrency';
import { DEFAULT_PROOF_CONCURRENCY, provenDistinct, type ProofProgress, type TimeWindow, type UnprovenWindow } from './completeness';
import { FusedApiError } from './errors';
import { newestRunFirst, isNewerRun, isoMicros } from './instants';
import { collectRecords, pageBound, type PageSource, type PagingLog } from './paging';
import { hasError, isFailing, isIncomplete } from './status';
import { LIMITS, type AuditLogQuery, type AuditLogRecord, type DistinctType } from './types';
import { parseIsoTimestamp } from './validate';

export { mapWithConcurrency } from './concurrency';
export type { TimeWindow } from './completeness';

const DAY_MS = 24 * 60 * 60 * 1000;

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
    if (Number.isNaN(value.getTime())) throw new FusedApiError('validation', l10n.t('{0} is not a valid date.', field));
    return value.getTime();
  }
  const parsed = parseIsoTimestamp(value);
  if ('problem' in parsed) throw new FusedApiError('validation', l10n.t('{0}: {1}', field, parsed.problem));
  return parsed.ms;
}

/** The whole range the options describe, as instants: [end - days, end] unless start is given. */
export function recipeRange(options: WindowOptions): { startMs: number; endMs: number } {
  const days = options.days ?? 7;
  if (!(days > 0) || !Number.isFinite(days)) throw new FusedApiError('validation', l10n.t('days must be a positive number; got {0}.', String(days)));
  const endMs = options.end !== undefined ? toMs(options.end, 'end') : (options.now ?? new Date()).getTime();
  const startMs = options.start !== undefined ? toMs(options.start, 'start') : endMs - days * DAY_MS;
  if (startMs > endMs) throw new FusedApiError('validation', l10n.t('The start of the range is after its end.'));
  return { startMs, endMs };
}

/**
 * Splits the range into one-day windows, newest first, the way the documented recipe does:
 * [end-1d, end], [end-2d, end-1d], ... The oldest window is cut at `start`. Neighbouring
 * windows share their boundary instant (the range is inclusive), so callers de-duplicate.
 */
export function dayWindows(options: WindowOptions): TimeWindow[] {
  const { startMs, endMs } = recipeRange(options);
  const windows: TimeWindow[] = [];
  for (let windowEnd = endMs; ; windowEnd -= DAY_MS) {
    const windowStart = Math.max(startMs, windowEnd - DAY_MS);
    windows.push({ start: new Date(windowStart).toISOString(), end: new Date(windowEnd).toISOString() });
    if (windowStart <= startMs) break;
  }
  return windows;
}

/** True when `a` is more recent than `b`, by instant (ties: the larger id, the server's order). */
export function isNewer(a: Pick<AuditLogRecord, 'timestamp' | 'id'>, b: Pick<AuditLogRecord, 'timestamp' | 'id'>): boolean {
  return isNewerRun(a, b);
}

export function newestFirst(a: AuditLogRecord, b: AuditLogRecord): number {
  return newestRunFirst(a, b);
}

// ---------------------------------------------------------------------------------------------
// Recently used UDFs

export interface RecentlyUsedOptions extends WindowOptions {
  distinctType: DistinctType;
  execEnv?: boolean;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
  /** max_records_to_scan of the distinct queries over windows that stay unproven. Default 5000. */
  maxRecordsToScan?: number;
  /** Most requests in all (default DEFAULT_PROOF_BUDGET, 64); what it cannot prove is returned in cappedWindows. */
  budget?: number;
  /** Runs per page read to prove completeness (1..300, default 300). */
  pageLimit?: number;
  onProgress?: (progress: ProofProgress) => void;
  signal?: AbortSignal;
}

/** A window whose UDFs may be incomplete: the request budget ran out before it was proven. */
export type CappedWindow = UnprovenWindow;

export interface RecentlyUsedResult {
  /** One record per key (udf_name or udf_id), newest first. */
  records: AuditLogRecord[];
  /** Windows whose UDFs may be incomplete (empty when the whole range is proven). */
  cappedWindows: CappedWindow[];
  /** Requests made. */
  requests: number;
  /** Runs read to prove completeness. */
  runsRead: number;
}

/**
 * The recently-used recipe, proven: the newest run per key over the last `days` days (or
 * start..end), whole unless `cappedWindows` says which windows may be missing UDFs. With few
 * runs this is one request (one page reaches the range's start); see completeness.ts.
 */
export async function recentlyUsedUdfs(source: PageSource, options: RecentlyUsedOptions): Promise<RecentlyUsedResult> {
  const { startMs, endMs } = recipeRange(options);
  const result = await provenDistinct(source, {
    distinctType: options.distinctType,
    execEnv: options.execEnv,
    start: options.start ?? new Date(startMs),
    end: options.end ?? new Date(endMs),
    budget: options.budget,
    pageLimit: options.pageLimit,
    maxRecordsToScan: options.maxRecordsToScan,
    concurrency: options.concurrency,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  return { records: result.records, cappedWindows: result.unproven, requests: result.requests, runsRead: result.runsRead };
}

// ---------------------------------------------------------------------------------------------
// Failing UDFs

export interface FailingUdfsOptions extends WindowOptions {
  execEnv?: boolean;
  /** Stop reading a window after this many records, as in the recipe. Default 5000. */
  maxRecordsPerWindow?: number;
  /** Runs per page (1..300). Default 300, as in the recipe. */
  pageLimit?: number;
  /** Windows fetched at once. Default 8 (a week's windows in one round trip). */
  concurrency?: number;
  /** Told the page bound of each window, and warned when a window stops at it. */
  log?: PagingLog;
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
    .sort((a, b) => b.failure_count - a.failure_count || (isoMicros(b.last_failure) ?? -Infinity) - (isoMicros(a.last_failure) ?? -Infinity) || 0);
}

/** The failing-UDFs recipe with what was left unread. */
export async function failingUdfsReport(source: PageSource, options: FailingUdfsOptions = {}): Promise<FailingUdfsReport> {
  const maxRecords = options.maxRecordsPerWindow ?? LIMITS.maxRecordsToScan;
  const limit = options.pageLimit ?? LIMITS.maxLimit;
  const windows = dayWindows(options);
  const windowQuery = (window: TimeWindow): AuditLogQuery => ({
    start_timestamp: window.start,
    end_timestamp: window.end,
    limit,
    scan_forward: false,
    ...(options.execEnv ? { exec_env: true } : {}),
  });
  options.log?.info(
    `Failing UDFs: ${windows.length} day window${windows.length === 1 ? '' : 's'}, each read newest first up to ${maxRecords} runs (at most ${pageBound(windowQuery(windows[0]), { maxRecords })} pages of ${limit}).`,
  );
  const perWindow = await mapWithConcurrency(windows, options.concurrency ?? DEFAULT_PROOF_CONCURRENCY, options.signal, (window, _index, windowSignal) =>
    collectRecords(source, windowQuery(window), { signal: windowSignal, maxRecords, log: options.log, label: `Failing UDFs, window ${window.start} – ${window.end}` }),
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
