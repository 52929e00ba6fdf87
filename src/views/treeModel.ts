// The UDF tree's state and the decisions that do not need VS Code: which query each level
// sends, how the proven UDF list becomes UDF rows, filters, time ranges, and
// merging pages. Kept free of the `vscode` import so it is unit-tested in plain Node.
import * as l10n from '@vscode/l10n';
import { compareInstants, isNewerRun } from '../api/instants';
import type { AuditLogQuery, AuditLogRecord, DistinctType } from '../api/types';
import { LIMITS } from '../api/types';
import { describeRange, rangeBounds, reviveRange, type TimeRange } from '../time/range';
import { scopeQuery, type Scope } from '../shared/scope';

export type GroupBy = DistinctType;

export interface ViewState {
  scope: Scope;
  groupBy: GroupBy;
  range: TimeRange;
  /** Only UDFs with a failing run (stderr non-blank or never completed) in the range. */
  failingOnly: boolean;
  /** Case-insensitive substring over UDF names (and ids when grouped by id); '' = off. */
  textFilter: string;
}

/** 24 hours by default: the root then costs one distinct request. */
export const DEFAULT_VIEW_STATE: ViewState = {
  scope: 'mine',
  groupBy: 'names',
  range: { kind: 'preset', preset: 'day' },
  failingOnly: false,
  textFilter: '',
};


/** A UDF row of the root. */
export interface UdfEntry {
  /** udf_name when grouped by name, udf_id when grouped by id. */
  key: string;
  groupBy: GroupBy;
  name: string;
  udfId?: string;
  /** The newest run of this UDF in the scanned range. */
  latest: AuditLogRecord;
  /** Grouped by id and another id has the same name. */
  nameShared: boolean;
}

export interface UdfEntries {
  entries: UdfEntry[];
  /** Records that could not be keyed (no udf_name / udf_id) and are not shown. */
  unkeyed: number;
}

/** Distinct (or merged day-window) records as UDF rows, newest latest run first, one row per key. */
export function buildUdfEntries(records: readonly AuditLogRecord[], groupBy: GroupBy): UdfEntries {
  const byKey = new Map<string, AuditLogRecord>();
  let unkeyed = 0;
  for (const record of records) {
    const key = groupBy === 'names' ? record.udf_name : record.udf_id;
    if (typeof key !== 'string' || key === '') {
      unkeyed++;
      continue;
    }
    const known = byKey.get(key);
    if (!known || isNewerRun(record, known)) byKey.set(key, record);
  }
  const nameCounts = new Map<string, number>();
  for (const record of byKey.values()) {
    const name = record.udf_name ?? '';
    nameCounts.set(name, (nameCounts.get(name) ?? 0) + 1);
  }
  const entries: UdfEntry[] = [...byKey].map(([key, latest]) => ({
    key,
    groupBy,
    name: latest.udf_name || (groupBy === 'ids' ? `(unnamed ${key})` : key),
    udfId: latest.udf_id ?? undefined,
    latest,
    nameShared: groupBy === 'ids' && (nameCounts.get(latest.udf_name ?? '') ?? 0) > 1,
  }));
  entries.sort((a, b) => compareNewestFirst(a.latest, b.latest) || a.name.localeCompare(b.name) || a.key.localeCompare(b.key));
  return { entries, unkeyed };
}

function compareNewestFirst(a: AuditLogRecord, b: AuditLogRecord): number {
  return compareInstants(b.timestamp, a.timestamp);
}

/**
 * Filters: text (case-insensitive substring of the name, and of the id when grouped by id)
 * and failing-only (names from the failing recipe, which groups by udf_name, so in id
 * grouping every id of a failing name is kept).
 */
export function filterEntries(entries: readonly UdfEntry[], state: Pick<ViewState, 'textFilter' | 'failingOnly'>, failingNames?: ReadonlySet<string>): UdfEntry[] {
  const needle = state.textFilter.trim().toLocaleLowerCase();
  return entries.filter((entry) => {
    if (needle) {
      const haystacks = [entry.name, entry.groupBy === 'ids' ? entry.key : ''];
      if (!haystacks.some((text) => text.toLocaleLowerCase().includes(needle))) return false;
    }
    if (state.failingOnly) {
      if (!failingNames) return false;
      if (!failingNames.has(entry.latest.udf_name ?? entry.name)) return false;
    }
    return true;
  });
}

/** The first page of a UDF's runs, newest first. Load more re-sends it with the page token. */
export function runsQuery(entry: Pick<UdfEntry, 'groupBy' | 'key'>, state: Pick<ViewState, 'scope' | 'range'>, pageSize: number, now: Date): AuditLogQuery {
  return {
    ...(entry.groupBy === 'names' ? { udf_name: entry.key } : { udf_id: entry.key }),
    ...scopeQuery(state.scope),
    ...rangeBounds(state.range, now),
    scan_forward: false,
    limit: clampPageSize(pageSize),
  };
}

/** One page of every run in the view's scope and range, newest first (the code lenses' one request per file). */
export function rangeRunsQuery(state: Pick<ViewState, 'scope' | 'range'>, limit: number, now: Date): AuditLogQuery {
  return { ...scopeQuery(state.scope), ...rangeBounds(state.range, now), scan_forward: false, limit: clampPageSize(limit) };
}

/** The page-size setting as a valid `limit` (1..300, default 50). */
export function clampPageSize(value: unknown): number {
  const number = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : 50;
  return Math.min(LIMITS.maxLimit, Math.max(1, number));
}

/** Appends a page, skipping ids already shown (a token may repeat a record, never skip one). */
export function mergeRuns(existing: readonly AuditLogRecord[], incoming: readonly AuditLogRecord[]): { records: AuditLogRecord[]; added: number } {
  const seen = new Set(existing.map((r) => r.id));
  const records = [...existing];
  for (const record of incoming) {
    if (seen.has(record.id)) continue;
    seen.add(record.id);
    records.push(record);
  }
  return { records, added: records.length - existing.length };
}

/** One line for the view's description: scope, range, and active filters. */
export function describeState(state: ViewState, timeZone?: string): string {
  const parts = [state.scope === 'mine' ? l10n.t('Mine') : l10n.t('Execution environment'), describeRange(state.range, timeZone)];
  if (state.groupBy === 'ids') parts.push(l10n.t('by id'));
  if (state.failingOnly) parts.push(l10n.t('failing only'));
  if (state.textFilter.trim()) parts.push(`“${state.textFilter.trim()}”`);
  return parts.join(' · ');
}

/** Reads persisted state defensively: anything malformed falls back to the default for that field. */
export function reviveViewState(value: unknown): ViewState {
  const state: ViewState = { ...DEFAULT_VIEW_STATE };
  if (!value || typeof value !== 'object') return state;
  const raw = value as Record<string, unknown>;
  if (raw.scope === 'mine' || raw.scope === 'execEnv') state.scope = raw.scope;
  if (raw.groupBy === 'names' || raw.groupBy === 'ids') state.groupBy = raw.groupBy;
  if (typeof raw.failingOnly === 'boolean') state.failingOnly = raw.failingOnly;
  if (typeof raw.textFilter === 'string') state.textFilter = raw.textFilter.slice(0, 200);
  state.range = reviveRange(raw.range) ?? state.range;
  return state;
}

/** The shortest auto-refresh interval: the `fusedRuns.autoRefresh.intervalSeconds` minimum. */
export const MIN_AUTO_REFRESH_SECONDS = 30;

/**
 * TEST ONLY. The auto-refresh minimum the end-to-end tests ask for through the environment
 * variable FUSED_RUNS_TEST_AUTO_REFRESH_MIN_SECONDS, which their harness sets on the code-server
 * process, so the auto-refresh test waits seconds instead of 30 s per refresh. It is not a
 * setting: nothing in VS Code's UI or settings reaches it. Only whole seconds from 1 to 29 lower
 * the minimum; anything else (unset, junk, 0, more) keeps 30 s.
 */
export function testAutoRefreshMinimumSeconds(raw: string | undefined): number {
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return MIN_AUTO_REFRESH_SECONDS;
  const seconds = Number(raw.trim());
  return seconds >= 1 && seconds < MIN_AUTO_REFRESH_SECONDS ? seconds : MIN_AUTO_REFRESH_SECONDS;
}

/**
 * Auto-refresh delay: the interval (at least `minimumSeconds`, which is 30 s outside tests),
 * doubled per consecutive 429 up to 10 min, or Retry-After if longer.
 */
export function autoRefreshDelayMs(intervalSeconds: unknown, consecutiveRateLimits: number, retryAfterMs?: number, minimumSeconds = MIN_AUTO_REFRESH_SECONDS): number {
  const seconds = typeof intervalSeconds === 'number' && Number.isFinite(intervalSeconds) ? Math.max(minimumSeconds, intervalSeconds) : 60;
  const base = seconds * 1000;
  const backedOff = Math.min(Math.max(base, 10 * 60_000), base * 2 ** Math.max(0, Math.min(10, consecutiveRateLimits)));
  return Math.max(backedOff, retryAfterMs ?? 0);
}
