// The UDFs used in a time range (newest run per udf_name or udf_id), shown as whole only when
// that is proven, with what could not be proven marked.
//
// Why not one distinct query: the server scans at most max_records_to_scan (5000) runs per
// distinct query, newest first, and does not say when it stopped early, so a UDF that ran only
// before a burst of 5000 later runs is silently missing. Nothing in a distinct answer tells
// whether the scan was capped, and the API has no count. The only proof that a window is under
// the cap is to read its runs: a newest-first page (up to 300 runs) whose next_page_token is
// null has reached the window's start, so it holds every run of the window.
//
// How, round by round (the parts of a round are fetched concurrently, 8 at a time, so a round
// costs about one round trip):
//  1. The whole range, newest first. A page without a next token proves it: usually the only
//     request. (All time also reads one page oldest first: it finds the first run.)
//  2. Otherwise the runs newer than the page's last run are read and the rest, [start, last
//     run], is unread. A burst makes one page a poor guide to the rest, so the rest is surveyed:
//     its continuation (the page token) plus one page read oldest first, which reads the sparse
//     early runs and finds where the dense part begins.
//  3. The unread middle is split into as many equal parts as its estimated runs (from the
//     densities read at both ends) ask, about 3/4 of a page each, up to 32 at once: halving
//     several times in one step (rounding to powers of two cost ~35% more requests, measured).
//     The newest part continues the page token, so runs that share one instant are never
//     re-read forever. Parts that still do not fit are split again in the next round.
//  4. Within the request budget only (a few requests stay in reserve). When the runs left are
//     estimated at more than twice what the budget could still read, reading stops early. What
//     is unread becomes at most 8 windows, each asked with the documented distinct query (scan
//     cap 5000; in windows of about 4000 runs) so its UDFs show as far as the server scans, and
//     returned as unproven: the view marks it "may be incomplete" and offers a full scan (the
//     same proof with a larger budget).
// Neighbouring parts share their boundary instant (ranges are inclusive), so runs are
// de-duplicated by id. No `vscode` import.

import * as l10n from '@vscode/l10n';
import { mapWithConcurrency } from './concurrency';
import { FusedApiError } from './errors';
import { hasOffset, isNewerRun, isoMicros, newestRunFirst } from './instants';
import type { PageSource } from './paging';
import { LIMITS, type AuditLogQuery, type AuditLogRecord, type DistinctType } from './types';
import { parseIsoTimestamp } from './validate';

export interface TimeWindow {
  /** ISO 8601 with an offset, inclusive. */
  start: string;
  /** ISO 8601 with an offset, inclusive. */
  end: string;
}

/** Requests a UDF list may spend by default (the tree's root, Recently Used UDFs). */
export const DEFAULT_PROOF_BUDGET = 64;
/** Requests "scan fully" may spend on one marked window (600 000 runs at 300 a page). */
export const FULL_SCAN_BUDGET = 2000;
export const MIN_PROOF_BUDGET = 2;
export const DEFAULT_PROOF_CONCURRENCY = 8;
/** Most parts one unproven part is split into in one round. */
export const DEFAULT_MAX_FANOUT = 32;
/** Most windows returned as unproven (neighbours are merged): each is a row the user reads. */
export const MAX_UNPROVEN_WINDOWS = 8;

export interface ProofOptions {
  distinctType: DistinctType;
  execEnv?: boolean;
  /** Inclusive start. Absent: all time (the first recorded run is found with one small request). */
  start?: Date | string;
  /** Inclusive end. Absent: open, so runs that land while reading count too. */
  end?: Date | string;
  /** Most requests in all: pages read plus the distinct queries over what stays unproven. */
  budget?: number;
  /** Runs per page (1..300). Default 300: the fewer pages, the fewer requests. */
  pageLimit?: number;
  /** max_records_to_scan of the distinct queries over unproven windows. Default 5000. */
  maxRecordsToScan?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Most parts one part is split into per round. */
  maxFanout?: number;
  signal?: AbortSignal;
  /** After every request. */
  onProgress?: (progress: ProofProgress) => void;
  /** The instant an open end means in an unproven window's label (default: when reading starts). */
  now?: Date;
}

export interface ProofProgress {
  requests: number;
  /** Distinct runs read by pages so far. */
  runsRead: number;
  round: number;
  budget: number;
}

export interface UnprovenWindow extends TimeWindow {
  /**
   * 'budget': more runs than the request budget could read; 'paging': the server sent a page
   * with a next-page token but no runs, so reading could not go on.
   */
  reason: 'budget' | 'paging';
  /** Runs the window is estimated to hold (from the density of the pages read around it). */
  estimatedRuns?: number;
}

export interface ProofResult {
  /** The newest run per key, newest first. Runs without the key are not listed (see unkeyedRuns). */
  records: AuditLogRecord[];
  /** Parts of the range whose UDFs may be incomplete; empty when the whole range is proven. */
  unproven: UnprovenWindow[];
  requests: number;
  /** Distinct runs read by pages. */
  runsRead: number;
  /** Runs read that have no udf_name (or udf_id when keyed by id). */
  unkeyedRuns: number;
  rounds: number;
  budget: number;
}

interface Bound {
  /** What is sent (a record's own timestamp when it has an offset: exact to the microsecond). */
  iso: string;
  micros: number;
}

/**
 * One request of a round, for part `part`: 'fresh' reads [lower, upper] newest first,
 * 'continue' follows an earlier newest-first page's token (its part is [lower, upper], upper
 * being where that page stopped), 'rising' reads [lower, upper] oldest first (the survey).
 */
interface Task {
  kind: 'fresh' | 'continue' | 'rising';
  part: number;
  /** Inclusive lower end; absent only for all time before the first run is known. */
  lower?: Bound;
  /** Inclusive upper end; absent for an open end. */
  upper?: Bound;
  /** For 'continue': the query the token belongs to. */
  query?: AuditLogQuery;
  token?: string;
}

/** A part's unread rest: [lower, upper], continued with `token`, about `estimate` runs. */
interface Remainder {
  lower: Bound;
  upper: Bound;
  query: AuditLogQuery;
  token: string;
  estimate: number;
  /** With both ends read (the survey): the runs left by the sparser end, to decide giving up. */
  floor?: number;
  /** Its density is known from both ends (or from a part of its own), so splitting can follow it. */
  surveyed: boolean;
}

interface Leaf {
  lower: Bound;
  upper: Bound;
  reason: UnprovenWindow['reason'];
  estimate: number;
}

function boundOf(value: Date | string, field: string): Bound {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new FusedApiError('validation', l10n.t('{0} is not a valid date.', field));
    return { iso: value.toISOString(), micros: value.getTime() * 1000 };
  }
  const parsed = parseIsoTimestamp(value);
  if ('problem' in parsed) throw new FusedApiError('validation', l10n.t('{0} "{1}" {2}.', field, value, parsed.problem));
  return { iso: value, micros: isoMicros(value) ?? parsed.ms * 1000 };
}

/** A run's instant as a bound that includes it; a timestamp without offset is rounded up to the next ms. */
function recordBound(record: AuditLogRecord): Bound | undefined {
  const micros = isoMicros(record.timestamp);
  if (micros === undefined) return undefined;
  if (hasOffset(record.timestamp) && 'ms' in parseIsoTimestamp(record.timestamp)) return { iso: record.timestamp, micros };
  const ms = Math.ceil(micros / 1000);
  return { iso: new Date(ms).toISOString(), micros: ms * 1000 };
}

function msBound(ms: number): Bound {
  return { iso: new Date(ms).toISOString(), micros: ms * 1000 };
}

/** Points strictly inside (lower, upper) cutting it into about `parts` equal parts, in whole ms. */
function splitPoints(lower: Bound, upper: Bound, parts: number): Bound[] {
  const points: Bound[] = [];
  for (let i = 1; i < parts; i++) {
    const ms = Math.floor((lower.micros + ((upper.micros - lower.micros) * i) / parts) / 1000);
    const micros = ms * 1000;
    if (micros <= lower.micros || micros >= upper.micros) continue;
    if (points.length && points[points.length - 1].micros >= micros) continue;
    points.push(msBound(ms));
  }
  return points;
}

function compareEstimates(a: number, b: number): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

export async function provenDistinct(source: PageSource, options: ProofOptions): Promise<ProofResult> {
  const budget = options.budget ?? DEFAULT_PROOF_BUDGET;
  if (!Number.isInteger(budget) || budget < MIN_PROOF_BUDGET) {
    throw new FusedApiError('validation', l10n.t('The request budget must be a whole number of at least {0}; got {1}.', MIN_PROOF_BUDGET, String(budget)));
  }
  const pageLimit = options.pageLimit ?? LIMITS.maxLimit;
  const scanCap = options.maxRecordsToScan ?? LIMITS.maxRecordsToScan;
  const concurrency = options.concurrency ?? DEFAULT_PROOF_CONCURRENCY;
  const maxFanout = Math.max(2, options.maxFanout ?? DEFAULT_MAX_FANOUT);
  const { distinctType, signal } = options;
  const scope: Pick<AuditLogQuery, 'exec_env'> = options.execEnv ? { exec_env: true } : {};
  const start = options.start !== undefined ? boundOf(options.start, 'start') : undefined;
  const end = options.end !== undefined ? boundOf(options.end, 'end') : undefined;
  if (start && end && start.micros > end.micros) throw new FusedApiError('validation', l10n.t('The start of the range is after its end.'));
  const openEnd = end ?? msBound((options.now ?? new Date()).getTime());
  // A few requests stay in reserve for the distinct queries over what cannot be proven.
  const reserve = Math.min(MAX_UNPROVEN_WINDOWS, Math.max(1, Math.ceil(budget / 8)));
  const pageBudget = budget - reserve;

  const newest = new Map<string, AuditLogRecord>();
  const seenIds = new Set<string>();
  let unkeyedRuns = 0;
  let requests = 0;
  let round = 0;
  const keyOf = (record: AuditLogRecord): string | undefined => {
    const key = distinctType === 'names' ? record.udf_name : record.udf_id;
    return typeof key === 'string' && key !== '' ? key : undefined;
  };
  const absorb = (records: readonly AuditLogRecord[], countRuns: boolean): void => {
    for (const record of records) {
      const fresh = !seenIds.has(record.id);
      if (countRuns && fresh) seenIds.add(record.id);
      const key = keyOf(record);
      if (key === undefined) {
        if (countRuns && fresh) unkeyedRuns++;
        continue;
      }
      const known = newest.get(key);
      if (!known || isNewerRun(record, known)) newest.set(key, record);
    }
  };
  const send = async (query: AuditLogQuery, requestSignal: AbortSignal) => {
    const page = await source.query(query, { signal: requestSignal });
    requests++;
    return page;
  };
  const progress = (): void => options.onProgress?.({ requests, runsRead: seenIds.size, round, budget });
  const rangeQuery = (lower: Bound | undefined, upper: Bound | undefined, newestFirst: boolean): AuditLogQuery => ({
    ...scope,
    ...(lower ? { start_timestamp: lower.iso } : {}),
    ...(upper ? { end_timestamp: upper.iso } : {}),
    limit: pageLimit,
    scan_forward: !newestFirst,
  });

  const leaves: Leaf[] = [];
  // Round 1: the whole range newest first; with all time also oldest first (it finds the first
  // run, which bounds the range, and reads the oldest runs).
  let tasks: Task[] = [{ kind: 'fresh', part: 0, lower: start, upper: end }];
  if (!start) tasks.push({ kind: 'rising', part: 0, upper: end });
  let nextPart = 1;

  while (tasks.length > 0) {
    round++;
    const current = tasks;
    const pages = await mapWithConcurrency(current, concurrency, signal, async (task, _index, requestSignal) => {
      const query =
        task.kind === 'continue' ? { ...(task.query as AuditLogQuery), page_token: task.token } : rangeQuery(task.lower, task.upper, task.kind !== 'rising');
      const page = await send(query, requestSignal);
      absorb(page.items, true);
      progress();
      return { query, page };
    });

    // Each part had a newest-first page and maybe a rising one; together they leave [lower, upper] unread.
    const remainders: Remainder[] = [];
    const byPart = new Map<number, { newest?: number; rising?: number }>();
    current.forEach((task, index) => {
      const entry = byPart.get(task.part) ?? {};
      if (task.kind === 'rising') entry.rising = index;
      else entry.newest = index;
      byPart.set(task.part, entry);
    });
    for (const { newest: newestIndex, rising: risingIndex } of byPart.values()) {
      if (newestIndex === undefined) continue;
      const task = current[newestIndex];
      const { query, page } = pages[newestIndex];
      const risingPage = risingIndex !== undefined ? pages[risingIndex].page : undefined;
      if (page.next_page_token === null || (risingPage && risingPage.next_page_token === null)) continue; // read to the part's start: proven
      const items = page.items;
      const last = items.length ? recordBound(items[items.length - 1]) : undefined;
      const firstRun = risingPage?.items.length ? recordBound(risingPage.items[0]) : undefined;
      const lower = task.lower ?? firstRun ?? last;
      if (!last || !lower) {
        // A token with no runs (or runs whose time cannot be read): nothing to continue from.
        const upper = task.upper ?? openEnd;
        leaves.push({ lower: lower ?? upper, upper, reason: 'paging', estimate: Number.POSITIVE_INFINITY });
        continue;
      }
      // The rising page read everything before its last run: the rest starts there.
      const risen = risingPage?.items.length ? recordBound(risingPage.items[risingPage.items.length - 1]) : undefined;
      const restLower = risen && risen.micros > lower.micros ? risen : lower;
      if (last.micros < restLower.micros || (risen && risen.micros > last.micros)) continue; // the two ends met: proven
      // Runs per µs where a page's runs lie: distinct instants less one, over the time between its
      // first and last run (not up to the part's bounds: a 30-day range whose runs are all in the
      // last week would look sparse). Runs sharing one instant say nothing about the rest.
      const density = (page: readonly AuditLogRecord[]): number => {
        const instants = [...new Set(page.map((r) => recordBound(r)?.micros).filter((m): m is number => m !== undefined))];
        if (instants.length < 2) return 0;
        const span = Math.max(...instants) - Math.min(...instants);
        return span > 0 ? (instants.length - 1) / span : 0;
      };
      const densities = [density(items)];
      if (risingPage && risen) densities.push(density(risingPage.items));
      const left = Math.max(0, last.micros - restLower.micros);
      const continuation = task.kind === 'continue' ? (task.query as AuditLogQuery) : query;
      remainders.push({
        lower: restLower,
        upper: last,
        query: continuation,
        token: page.next_page_token,
        // Splitting follows the denser end (a burst); giving up needs both ends dense.
        estimate: Math.max(...densities) * left,
        ...(densities.length === 2 ? { floor: Math.min(...densities) * left } : {}),
        // Only the range's first page judges the rest by one end; parts of parts know their own density.
        surveyed: risingPage !== undefined || task.part !== 0,
      });
    }

    // Plan the next round within the budget.
    let available = pageBudget - requests;
    // Give up early when the densities read at both ends of the rest (the survey) say it holds
    // more than twice the runs the budget could still read: reading on would only shrink the
    // marked window a little. One end alone (a burst, runs sharing an instant) never decides it.
    const floors = remainders.map((r) => r.floor);
    if (floors.length && floors.every((f) => f !== undefined) && floors.reduce((sum, f) => sum + (f as number), 0) > 2 * Math.max(0, available) * pageLimit) available = 0;
    const small = (r: Remainder) => r.estimate <= pageLimit * 0.8;
    // A big rest judged by one page only is surveyed first: its continuation plus one page read
    // oldest first, which places a burst (and reads sparse runs) before the rest is split.
    const wanted = remainders.map((r) => {
      if (small(r)) return 1;
      if (!r.surveyed) return 2;
      // As many equal parts as the estimate asks (3/4 of a page each, room for uneven density).
      const parts = Math.min(maxFanout, Math.max(2, Math.ceil(r.estimate / (pageLimit * 0.75))));
      return splitPoints(r.lower, r.upper, parts).length + 1;
    });
    const order = remainders.map((_, index) => index).sort((a, b) => compareEstimates(remainders[a].estimate, remainders[b].estimate) || a - b);
    const granted = remainders.map(() => 0);
    // Every remainder first gets its continuation (cheapest first, as those are likeliest to
    // finish), then splits double while they fit.
    for (const index of order) {
      if (available <= 0) break;
      granted[index] = 1;
      available--;
    }
    for (let changed = true; changed; ) {
      changed = false;
      for (const index of order) {
        if (granted[index] === 0 || granted[index] >= wanted[index]) continue;
        const next = Math.min(wanted[index], granted[index] * 2);
        if (next - granted[index] > available) continue;
        available -= next - granted[index];
        granted[index] = next;
        changed = true;
      }
    }
    tasks = [];
    remainders.forEach((remainder, index) => {
      const { lower, upper } = remainder;
      if (granted[index] === 0) {
        leaves.push({ lower, upper, reason: 'budget', estimate: remainder.estimate });
        return;
      }
      const part = nextPart++;
      const continueTask: Task = { kind: 'continue', part, lower, upper, query: remainder.query, token: remainder.token };
      if (!remainder.surveyed && granted[index] >= 2) {
        tasks.push(continueTask, { kind: 'rising', part, lower, upper });
        return;
      }
      const points = granted[index] > 1 ? splitPoints(lower, upper, granted[index]) : [];
      const edges = [lower, ...points];
      for (let i = 0; i < points.length; i++) tasks.push({ kind: 'fresh', part: nextPart++, lower: edges[i], upper: edges[i + 1] });
      tasks.push({ ...continueTask, lower: edges[edges.length - 1] });
    });
  }

  const unproven = await coverLeaves(leaves, budget - requests, async (windows) => {
    await mapWithConcurrency(windows, concurrency, signal, async (window, _index, requestSignal) => {
      const page = await send(
        { distinct: true, distinct_type: distinctType, max_records_to_scan: scanCap, start_timestamp: window.start, end_timestamp: window.end, ...scope },
        requestSignal,
      );
      absorb(page.items, false);
      progress();
    });
  });

  return {
    records: [...newest.values()].sort(newestRunFirst),
    unproven,
    requests,
    runsRead: seenIds.size,
    unkeyedRuns,
    rounds: round,
    budget,
  };
}

/** Runs one distinct query (scan cap 5000) is meant to cover when an unproven window is asked. */
const RUNS_PER_DISTINCT_WINDOW = 4000;

/**
 * What cannot be proven: neighbouring parts are merged (closest first) into at most
 * MAX_UNPROVEN_WINDOWS marks (no more than the requests left), and each mark is asked with the
 * documented distinct query, in as many equal windows as its estimated runs need (about 4000
 * each, so the scan cap likely covers them) and the requests left allow. Marks oldest first.
 */
async function coverLeaves(leaves: Leaf[], available: number, ask: (windows: TimeWindow[]) => Promise<void>): Promise<UnprovenWindow[]> {
  if (leaves.length === 0) return [];
  const marks = [...leaves].sort((a, b) => a.lower.micros - b.lower.micros || a.upper.micros - b.upper.micros).map((leaf) => ({ ...leaf }));
  const limit = Math.max(1, Math.min(MAX_UNPROVEN_WINDOWS, available));
  while (marks.length > limit) {
    let best = 0;
    for (let i = 1; i < marks.length - 1; i++) {
      if (marks[i + 1].upper.micros - marks[i].lower.micros < marks[best + 1].upper.micros - marks[best].lower.micros) best = i;
    }
    const [a, b] = [marks[best], marks[best + 1]];
    marks.splice(best, 2, {
      lower: a.lower.micros <= b.lower.micros ? a.lower : b.lower,
      upper: a.upper.micros >= b.upper.micros ? a.upper : b.upper,
      reason: a.reason === 'paging' || b.reason === 'paging' ? 'paging' : 'budget',
      estimate: a.estimate + b.estimate,
    });
  }
  if (available > 0) {
    // One window per mark, then more for the marks with the most runs per window.
    const counts = marks.map(() => 1);
    let spare = Math.min(available, MAX_UNPROVEN_WINDOWS) - marks.length;
    const needs = marks.map((mark) => (Number.isFinite(mark.estimate) ? Math.ceil(mark.estimate / RUNS_PER_DISTINCT_WINDOW) : 1));
    while (spare > 0) {
      let pick = -1;
      for (let i = 0; i < marks.length; i++) {
        if (counts[i] >= needs[i]) continue;
        if (pick < 0 || marks[i].estimate / counts[i] > marks[pick].estimate / counts[pick]) pick = i;
      }
      if (pick < 0) break;
      counts[pick]++;
      spare--;
    }
    const windows: TimeWindow[] = [];
    marks.forEach((mark, i) => {
      const edges = [mark.lower, ...splitPoints(mark.lower, mark.upper, counts[i]), mark.upper];
      for (let j = 0; j + 1 < edges.length; j++) windows.push({ start: edges[j].iso, end: edges[j + 1].iso });
    });
    await ask(windows);
  }
  return marks.map((mark) => ({
    start: mark.lower.iso,
    end: mark.upper.iso,
    reason: mark.reason,
    ...(Number.isFinite(mark.estimate) && mark.estimate > 0 ? { estimatedRuns: Math.round(mark.estimate) } : {}),
  }));
}
