// The watch list and what each poll does to it, without `vscode`: which runs are new, which of
// them failed, when a failure is announced and when it waits to be grouped with the next ones,
// and what is remembered (per workspace) so a reload never announces a run twice. Unit-tested
// with fixed clocks; the service (watchService.ts) only stores, polls and shows.

import * as l10n from '@vscode/l10n';
import { hasError, isIncomplete } from '../api/status';
import type { AuditLogRecord } from '../api/types';
import { describeError, parseFailure } from '../insights/errorGroups';
import type { Scope } from '../shared/scope';

/** Failures of one UDF within this window after an announcement wait and are announced together. */
export const GROUP_WINDOW_MS = 10 * 60_000;
/**
 * A run with no execution_time and no stderr may still be running (its record is updated when
 * it ends): it counts as "did not finish" only once it is this old.
 */
export const INCOMPLETE_GRACE_MS = 10 * 60_000;
/**
 * Each poll reads again from this long before the newest run seen: a run's timestamp is when it
 * started, so a long run can be written behind runs already seen. Ids seen in this overlap are
 * remembered, so nothing is counted twice.
 */
export const OVERLAP_MS = 15 * 60_000;
/** The poll interval's floor (the setting's minimum; tests lower it through the environment only). */
export const MIN_WATCH_SECONDS = 60;
export const DEFAULT_WATCH_SECONDS = 120;
const MAX_BACKOFF_MS = 10 * 60_000;

/** A failing run waiting to be announced with the next ones. */
export interface HeldFailure {
  id: string;
  timestamp: string;
  /** `KeyError: 'lat'` (record text: shown through messageText by the service). */
  error: string;
}

export interface WatchEntry {
  name: string;
  scope: Scope;
  /** When watching began (ISO): older runs are never announced. */
  since: string;
  /** The newest run timestamp seen (epoch ms). */
  cursorMs: number;
  /** Ids seen within OVERLAP_MS of the cursor, with their time (epoch ms). */
  seen: [string, number][];
  /** Runs without a result yet, younger than INCOMPLETE_GRACE_MS when last read: looked at again. */
  pending: [string, number][];
  /** Failures waiting for the group window to pass. */
  held: HeldFailure[];
  lastNotifiedMs?: number;
}

export interface WatchNotification {
  name: string;
  scope: Scope;
  /** The newest failure of the group: Open stderr and Details open it. */
  latest: HeldFailure;
  count: number;
  /** From the oldest to the newest failure of the group. */
  spanMs: number;
  /** "flaky_geocoder failed: KeyError: 'lat' (3 failures in 10 min)". */
  text: string;
}

export function newEntry(name: string, scope: Scope, now: Date): WatchEntry {
  return { name, scope, since: now.toISOString(), cursorMs: now.getTime(), seen: [], pending: [], held: [] };
}

/** The state kept per workspace, read back defensively (a bad entry is dropped, not trusted). */
export function reviveWatchList(value: unknown): WatchEntry[] {
  if (!Array.isArray(value)) return [];
  const entries: WatchEntry[] = [];
  for (const raw of value as unknown[]) {
    if (typeof raw !== 'object' || raw === null) continue;
    const e = raw as Record<string, unknown>;
    if (typeof e.name !== 'string' || e.name === '' || e.name.length > 1024) continue;
    if (e.scope !== 'mine' && e.scope !== 'execEnv') continue;
    if (typeof e.since !== 'string' || !Number.isFinite(Date.parse(e.since))) continue;
    if (entries.some((known) => known.name === e.name)) continue;
    const cursorMs = typeof e.cursorMs === 'number' && Number.isFinite(e.cursorMs) ? e.cursorMs : Date.parse(e.since);
    const pairs = (list: unknown): [string, number][] =>
      Array.isArray(list) ? list.filter((p): p is [string, number] => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'number' && Number.isFinite(p[1])).slice(-5000) : [];
    const held = Array.isArray(e.held)
      ? (e.held as unknown[]).filter((h): h is HeldFailure => typeof h === 'object' && h !== null && typeof (h as HeldFailure).id === 'string' && typeof (h as HeldFailure).timestamp === 'string' && typeof (h as HeldFailure).error === 'string').slice(-1000)
      : [];
    entries.push({
      name: e.name,
      scope: e.scope,
      since: e.since,
      cursorMs,
      seen: pairs(e.seen),
      pending: pairs(e.pending),
      held,
      ...(typeof e.lastNotifiedMs === 'number' && Number.isFinite(e.lastNotifiedMs) ? { lastNotifiedMs: e.lastNotifiedMs } : {}),
    });
  }
  return entries;
}

/** Where a poll must start reading for this entry (inclusive). */
export function readFromMs(entry: WatchEntry): number {
  const since = Date.parse(entry.since);
  let from = Math.max(since, entry.cursorMs - OVERLAP_MS);
  for (const [, ms] of entry.pending) from = Math.min(from, ms);
  return Math.max(since, from);
}

/**
 * What one poll's runs of this UDF change: new runs (not seen, not older than `since`) are
 * remembered; their failures are held; the held group is announced when none was announced
 * for this UDF within GROUP_WINDOW_MS (the first failure after a quiet spell is announced at
 * once, the next ones of the window wait and come as one notification).
 */
export function applyRuns(entry: WatchEntry, runs: readonly AuditLogRecord[], now: Date): { entry: WatchEntry; notification?: WatchNotification } {
  const nowMs = now.getTime();
  const sinceMs = Date.parse(entry.since);
  const seen = new Map(entry.seen);
  const pending = new Map(entry.pending);
  const held = [...entry.held];
  let cursorMs = entry.cursorMs;
  const ordered = [...runs].filter((run) => run.udf_name === entry.name).sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  for (const run of ordered) {
    const ms = Date.parse(run.timestamp);
    if (!Number.isFinite(ms) || ms < sinceMs || seen.has(run.id)) continue;
    if (!hasError(run) && isIncomplete(run) && nowMs - ms < INCOMPLETE_GRACE_MS) {
      // Maybe still running: read it again next time.
      pending.set(run.id, ms);
      continue;
    }
    pending.delete(run.id);
    seen.set(run.id, ms);
    cursorMs = Math.max(cursorMs, ms);
    const failure = parseFailure(run);
    if (failure) held.push({ id: run.id, timestamp: run.timestamp, error: describeError(failure) });
  }
  // Pending runs that no poll returned any more (deleted, or out of scope) are given up after a day.
  for (const [id, ms] of pending) if (nowMs - ms > 24 * 3_600_000) pending.delete(id);
  const keepFrom = cursorMs - OVERLAP_MS;
  const next: WatchEntry = {
    ...entry,
    cursorMs,
    seen: [...seen].filter(([, ms]) => ms >= keepFrom).slice(-5000),
    pending: [...pending],
    held,
  };
  if (held.length === 0) return { entry: next };
  if (entry.lastNotifiedMs !== undefined && nowMs - entry.lastNotifiedMs < GROUP_WINDOW_MS) return { entry: next };
  const notification = notificationFor(entry, held);
  return { entry: { ...next, held: [], lastNotifiedMs: nowMs }, notification };
}

function notificationFor(entry: WatchEntry, held: readonly HeldFailure[]): WatchNotification {
  const byTime = [...held].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  const latest = byTime[byTime.length - 1];
  const spanMs = Math.max(0, Date.parse(latest.timestamp) - Date.parse(byTime[0].timestamp));
  return { name: entry.name, scope: entry.scope, latest, count: held.length, spanMs, text: notificationText(entry.name, latest.error, held.length, spanMs) };
}

/** "flaky_geocoder failed: KeyError: 'lat'", with "(3 failures in 10 min)" for a group. */
export function notificationText(name: string, error: string, count: number, spanMs: number): string {
  if (count <= 1) return l10n.t('{0} failed: {1}', name, error);
  return l10n.t('{0} failed: {1} ({2} failures in {3})', name, error, count.toLocaleString('en-US'), spanText(spanMs));
}

function spanText(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  if (minutes < 120) return l10n.t('{0} min', minutes);
  const hours = Math.ceil(minutes / 60);
  return hours < 48 ? l10n.t('{0} h', hours) : l10n.t('{0} days', Math.ceil(hours / 24));
}

/**
 * TEST ONLY. The watch's minimum interval that the end-to-end tests ask for through the
 * environment variable FUSED_RUNS_TEST_WATCH_MIN_SECONDS (set by their harness on the
 * code-server process), the way auto-refresh's test minimum works: no setting reaches it.
 * Whole seconds from 1 to 59 lower the minimum; anything else keeps 60 s.
 */
export function testWatchMinimumSeconds(raw: string | undefined): number {
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return MIN_WATCH_SECONDS;
  const seconds = Number(raw.trim());
  return seconds >= 1 && seconds < MIN_WATCH_SECONDS ? seconds : MIN_WATCH_SECONDS;
}

/**
 * The wait before the next poll: the interval (at least `minimumSeconds`), doubled per
 * consecutive 429 or unreachable server up to 10 minutes, or Retry-After when it is longer.
 */
export function watchDelayMs(intervalSeconds: unknown, consecutiveSetbacks: number, retryAfterMs?: number, minimumSeconds = MIN_WATCH_SECONDS): number {
  const seconds = typeof intervalSeconds === 'number' && Number.isFinite(intervalSeconds) ? Math.max(minimumSeconds, intervalSeconds) : Math.max(minimumSeconds, DEFAULT_WATCH_SECONDS);
  const base = seconds * 1000;
  const backedOff = Math.min(Math.max(base, MAX_BACKOFF_MS), base * 2 ** Math.max(0, Math.min(10, consecutiveSetbacks)));
  return Math.max(backedOff, retryAfterMs ?? 0);
}
