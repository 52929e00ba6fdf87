// The numbers behind the insights panel, from the runs the panel loaded: runs per bucket by
// status, durations with their percentiles, failure and cache-hit ratios against the previous
// range, errors grouped by kind, runs by user and by engine. Pure (no `vscode`, no DOM) and
// linear or n·log n in the number of runs, so 10,000 runs aggregate in milliseconds.

import { isFailing, runStatus } from '../api/status';
import type { AuditLogRecord, RunStatus } from '../api/types';
import { describeError, errorKey, parseFailure, type ParsedError } from './errorGroups';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Up to two days a bucket is an hour (at most 48 bars); longer ranges count per day. */
export const HOURLY_UP_TO_MS = 2 * DAY_MS;

export type BucketUnit = 'hour' | 'day';

/** The statuses in the order the stacked bars draw them (bottom first). */
export const STATUSES: readonly RunStatus[] = ['ok', 'cached', 'incomplete', 'failed'];

export function chooseBucket(spanMs: number): BucketUnit {
  return spanMs <= HOURLY_UP_TO_MS ? 'hour' : 'day';
}

/** Minutes east of UTC at an instant (the machine's zone unless a test gives another). */
export type ZoneOffset = (ms: number) => number;
export const localZoneOffset: ZoneOffset = (ms) => -new Date(ms).getTimezoneOffset();

/** Start of the hour or local day that holds `ms`. */
export function bucketStart(ms: number, unit: BucketUnit, offset: ZoneOffset = localZoneOffset): number {
  if (unit === 'hour') {
    // Whole hours of local time (zones at :30 and :45 offsets included).
    const shift = offset(ms) * 60_000;
    return Math.floor((ms + shift) / HOUR_MS) * HOUR_MS - shift;
  }
  const shift = offset(ms) * 60_000;
  const start = Math.floor((ms + shift) / DAY_MS) * DAY_MS - shift;
  // Across a daylight-saving change the day started at the other offset.
  const startShift = offset(start) * 60_000;
  return startShift === shift ? start : Math.floor((ms + startShift) / DAY_MS) * DAY_MS - startShift;
}

/** The next bucket's start (a local day may last 23 or 25 hours). */
export function nextBucket(start: number, unit: BucketUnit, offset: ZoneOffset = localZoneOffset): number {
  if (unit === 'hour') return start + HOUR_MS;
  return bucketStart(start + DAY_MS + 2 * HOUR_MS, 'day', offset);
}

/**
 * The p-th percentile (0..100) of sorted values, interpolating between the two nearest ranks
 * (numpy's default, "linear"); undefined for no values.
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export interface Ratio {
  numerator: number;
  denominator: number;
  /** numerator / denominator, undefined when there is nothing to divide by. */
  value?: number;
}

export function ratio(numerator: number, denominator: number): Ratio {
  return denominator > 0 ? { numerator, denominator, value: numerator / denominator } : { numerator, denominator };
}

export type Trend = 'up' | 'down' | 'same';

/** Up or down by more than half a tenth of a percentage point (what the panel can show), else same. */
export function trendOf(current: Ratio, previous: Ratio | undefined): Trend | undefined {
  if (current.value === undefined || previous?.value === undefined) return undefined;
  const delta = Math.round((current.value - previous.value) * 1000);
  return delta > 0 ? 'up' : delta < 0 ? 'down' : 'same';
}

/** Failing runs (stderr non-blank or never completed, the documented rule) over all runs. */
export function failureRatio(records: readonly AuditLogRecord[]): Ratio {
  let failing = 0;
  for (const record of records) if (isFailing(record)) failing++;
  return ratio(failing, records.length);
}

/** Runs served from cache over runs that say whether they were (`cache` true or false). */
export function cacheHitRatio(records: readonly AuditLogRecord[]): Ratio {
  let hits = 0;
  let known = 0;
  for (const record of records) {
    if (typeof record.cache !== 'boolean') continue;
    known++;
    if (record.cache) hits++;
  }
  return ratio(hits, known);
}

export interface Buckets {
  unit: BucketUnit;
  /** Bucket starts, epoch ms, ascending and contiguous. */
  starts: number[];
  counts: Record<RunStatus, number[]>;
  /** Percentiles of execution_time (s) of the completed runs in each bucket; null = none. */
  p50: (number | null)[];
  p95: (number | null)[];
}

/** Every bucket from the one holding `fromMs` to the one holding `toMs`, runs counted by status. */
export function bucketRuns(records: readonly AuditLogRecord[], fromMs: number, toMs: number, unit: BucketUnit, offset: ZoneOffset = localZoneOffset): Buckets {
  const starts: number[] = [];
  const last = bucketStart(Math.max(fromMs, toMs), unit, offset);
  // A bound on the loop whatever the input: 10 years of days, or 100 days of hours.
  const maxBuckets = unit === 'hour' ? 2400 : 3660;
  for (let start = bucketStart(fromMs, unit, offset); start <= last && starts.length < maxBuckets; start = nextBucket(start, unit, offset)) starts.push(start);
  const counts: Record<RunStatus, number[]> = { ok: zeros(starts.length), failed: zeros(starts.length), incomplete: zeros(starts.length), cached: zeros(starts.length) };
  const durations: number[][] = starts.map(() => []);
  for (const record of records) {
    const ms = Date.parse(record.timestamp);
    if (!Number.isFinite(ms)) continue;
    const index = indexOfBucket(starts, ms);
    if (index < 0) continue;
    counts[runStatus(record)][index]++;
    const seconds = record.execution_time;
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) durations[index].push(seconds);
  }
  const p50: (number | null)[] = [];
  const p95: (number | null)[] = [];
  for (const values of durations) {
    values.sort((a, b) => a - b);
    p50.push(percentile(values, 50) ?? null);
    p95.push(percentile(values, 95) ?? null);
  }
  return { unit, starts, counts, p50, p95 };
}

function zeros(length: number): number[] {
  return new Array<number>(length).fill(0);
}

/** Binary search: the bucket whose start is the last one at or before `ms`; -1 outside. */
function indexOfBucket(starts: readonly number[], ms: number): number {
  if (starts.length === 0 || ms < starts[0]) return -1;
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= ms) low = mid;
    else high = mid - 1;
  }
  return low;
}

export interface ErrorGroup {
  type: string;
  /** The normalised message (numbers, ids, paths masked). */
  message: string;
  /** The newest run's own message, unmasked. */
  example: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** The newest run with this error. */
  latestRunId: string;
}

/** Failed runs grouped by exception type and normalised message, most frequent first. */
export function groupErrors(records: readonly AuditLogRecord[]): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup & { firstMs: number; lastMs: number }>();
  for (const record of records) {
    const parsed: ParsedError | undefined = parseFailure(record);
    if (!parsed) continue;
    const ms = Date.parse(record.timestamp);
    const key = errorKey(parsed);
    const known = groups.get(key);
    if (!known) {
      groups.set(key, {
        type: parsed.type,
        message: key.slice(parsed.type.length + 1),
        example: describeError(parsed, 300),
        count: 1,
        firstSeen: record.timestamp,
        lastSeen: record.timestamp,
        latestRunId: record.id,
        firstMs: ms,
        lastMs: ms,
      });
      continue;
    }
    known.count++;
    if (ms < known.firstMs) {
      known.firstMs = ms;
      known.firstSeen = record.timestamp;
    }
    if (ms > known.lastMs || (ms === known.lastMs && record.id > known.latestRunId)) {
      known.lastMs = ms;
      known.lastSeen = record.timestamp;
      known.latestRunId = record.id;
      known.example = describeError(parsed, 300);
    }
  }
  return [...groups.values()]
    .sort((a, b) => b.count - a.count || b.lastMs - a.lastMs || a.type.localeCompare(b.type))
    .map(({ firstMs: _first, lastMs: _last, ...group }) => group);
}

export interface Breakdown {
  label: string;
  runs: number;
  failing: number;
}

/** Runs (and failing runs) per value of a field, most runs first; a missing value is its own row. */
export function breakdown(records: readonly AuditLogRecord[], keyOf: (record: AuditLogRecord) => string | null | undefined, missing: string): Breakdown[] {
  const rows = new Map<string, Breakdown>();
  for (const record of records) {
    const raw = keyOf(record);
    const label = typeof raw === 'string' && raw.trim() !== '' ? raw : missing;
    let row = rows.get(label);
    if (!row) rows.set(label, (row = { label, runs: 0, failing: 0 }));
    row.runs++;
    if (isFailing(record)) row.failing++;
  }
  return [...rows.values()].sort((a, b) => b.runs - a.runs || a.label.localeCompare(b.label));
}

export const byUser = (records: readonly AuditLogRecord[]): Breakdown[] => breakdown(records, (r) => r.user_email ?? r.user_id, '(no user)');
export const byEngine = (records: readonly AuditLogRecord[]): Breakdown[] => breakdown(records, (r) => r.execution_engine, '(no engine)');

/** One point per completed run, oldest first, for the execution-time chart. */
export interface DurationPoints {
  /** Epoch seconds (uPlot's x unit). */
  t: number[];
  seconds: number[];
  /** Index into STATUSES. */
  status: number[];
  /** Index into the view's run ids. */
  run: number[];
  /** Index into the view's users. */
  user: number[];
}

export interface RunTable {
  ids: string[];
  users: string[];
  points: DurationPoints;
  /** Runs with no execution_time (not drawn on a log scale). */
  withoutDuration: number;
}

/**
 * Columns for the scatter chart: runs with a duration, oldest first; every run's id (a click
 * opens it) and its user by index, so 10,000 points cost a few arrays of numbers.
 */
export function runTable(records: readonly AuditLogRecord[]): RunTable {
  const sorted = records
    .map((record) => ({ record, ms: Date.parse(record.timestamp) }))
    .filter((entry) => Number.isFinite(entry.ms))
    .sort((a, b) => a.ms - b.ms || (a.record.id < b.record.id ? -1 : 1));
  const ids: string[] = [];
  const users: string[] = [];
  const userIndex = new Map<string, number>();
  const points: DurationPoints = { t: [], seconds: [], status: [], run: [], user: [] };
  let withoutDuration = 0;
  for (const { record, ms } of sorted) {
    const seconds = record.execution_time;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      withoutDuration++;
      continue;
    }
    const user = record.user_email ?? record.user_id ?? '(no user)';
    let u = userIndex.get(user);
    if (u === undefined) {
      u = users.length;
      users.push(user);
      userIndex.set(user, u);
    }
    points.t.push(ms / 1000);
    points.seconds.push(seconds);
    points.status.push(STATUSES.indexOf(runStatus(record)));
    points.run.push(ids.length);
    points.user.push(u);
    ids.push(record.id);
  }
  return { ids, users, points, withoutDuration };
}

/** Percentiles over every completed run of the range. */
export function overallPercentiles(records: readonly AuditLogRecord[]): { p50?: number; p95?: number; completed: number } {
  const values = records
    .map((r) => r.execution_time)
    .filter((s): s is number => typeof s === 'number' && Number.isFinite(s) && s >= 0)
    .sort((a, b) => a - b);
  return { p50: percentile(values, 50), p95: percentile(values, 95), completed: values.length };
}

/** Runs that fall in [startMs, endMs) by their timestamp (the previous range's end is the current start). */
export function inWindow(records: readonly AuditLogRecord[], startMs: number, endMs: number): AuditLogRecord[] {
  return records.filter((record) => {
    const ms = Date.parse(record.timestamp);
    return ms >= startMs && ms < endMs;
  });
}
