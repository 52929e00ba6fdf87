// The UDF tree's root: the proven UDF list for the view's scope, grouping and range (every
// range: last hour … all time, custom), the windows that could not be proven within the
// request budget, and a full scan of one such window folded back in. Pure: no `vscode`.
import * as l10n from '@vscode/l10n';
import { FULL_SCAN_BUDGET, provenDistinct, type ProofProgress, type ProofResult, type UnprovenWindow } from '../api/completeness';
import { isNewerRun, newestRunFirst } from '../api/instants';
import type { PageSource } from '../api/paging';
import type { AuditLogRecord } from '../api/types';
import { formatCount } from '../text/counts';
import { formatLocalRange } from '../shared/presentation';
import { resolveRange } from '../time/range';
import { buildUdfEntries, type UdfEntry, type ViewState } from './treeModel';

export interface RootListing {
  /** Newest run per key (name or id, as grouped). */
  records: AuditLogRecord[];
  entries: UdfEntry[];
  /** Runs read without the key; not listed. */
  unkeyed: number;
  /** Windows whose UDFs may be incomplete, oldest first. Empty: the list is proven whole. */
  unproven: UnprovenWindow[];
  requests: number;
  runsRead: number;
  budget: number;
}

export interface RootLoadOptions {
  budget?: number;
  concurrency?: number;
  /** Runs per page (default 300); tests use small pages to split small data sets. */
  pageLimit?: number;
  /** max_records_to_scan of the distinct queries over unproven windows (default 5000). */
  maxRecordsToScan?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ProofProgress) => void;
}

/** The range the root proves: the preset's start (end open) or the custom range; nothing for all time. */
export function rootRange(state: Pick<ViewState, 'range'>, now: Date): { start?: Date; end?: Date } {
  const resolved = resolveRange(state.range, now);
  return { ...(resolved.start ? { start: resolved.start } : {}), ...(resolved.end ? { end: resolved.end } : {}) };
}

function listingFrom(result: Pick<ProofResult, 'records' | 'unproven' | 'requests' | 'runsRead' | 'unkeyedRuns' | 'budget'>, state: Pick<ViewState, 'groupBy'>): RootListing {
  const { entries } = buildUdfEntries(result.records, state.groupBy);
  return {
    records: result.records,
    entries,
    unkeyed: result.unkeyedRuns,
    unproven: result.unproven,
    requests: result.requests,
    runsRead: result.runsRead,
    budget: result.budget,
  };
}

/** Reads the root: one request when a page reaches the range's start, more (in parallel) when it must be split. */
export async function loadRootListing(source: PageSource, state: Pick<ViewState, 'scope' | 'groupBy' | 'range'>, now: Date, options: RootLoadOptions = {}): Promise<RootListing> {
  const result = await provenDistinct(source, {
    distinctType: state.groupBy,
    execEnv: state.scope === 'execEnv',
    ...rootRange(state, now),
    now,
    budget: options.budget,
    concurrency: options.concurrency,
    pageLimit: options.pageLimit,
    maxRecordsToScan: options.maxRecordsToScan,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  return listingFrom(result, state);
}

export interface FullScanOutcome {
  listing: RootListing;
  requests: number;
  runsRead: number;
  /** What of the window is still unproven after the full scan's budget (normally nothing). */
  stillUnproven: UnprovenWindow[];
}

function sameWindow(a: UnprovenWindow, b: UnprovenWindow): boolean {
  return a.start === b.start && a.end === b.end;
}

/**
 * Reads every run of one marked window (the same proof with FULL_SCAN_BUDGET requests) and
 * folds its UDFs into the listing: the mark goes away, or is replaced by what still could not
 * be read.
 */
export async function scanWindowFully(
  source: PageSource,
  listing: RootListing,
  window: UnprovenWindow,
  state: Pick<ViewState, 'scope' | 'groupBy'>,
  options: RootLoadOptions = {},
): Promise<FullScanOutcome> {
  const result = await provenDistinct(source, {
    distinctType: state.groupBy,
    execEnv: state.scope === 'execEnv',
    start: window.start,
    end: window.end,
    budget: options.budget ?? FULL_SCAN_BUDGET,
    concurrency: options.concurrency,
    pageLimit: options.pageLimit,
    maxRecordsToScan: options.maxRecordsToScan,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  const newest = new Map<string, AuditLogRecord>();
  const keyOf = (record: AuditLogRecord) => (state.groupBy === 'names' ? record.udf_name : record.udf_id) ?? '';
  for (const record of [...listing.records, ...result.records]) {
    const key = keyOf(record);
    const known = newest.get(key);
    if (!known || isNewerRun(record, known)) newest.set(key, record);
  }
  const unproven = [...listing.unproven.filter((w) => !sameWindow(w, window)), ...result.unproven].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const merged = listingFrom(
    {
      records: [...newest.values()].sort(newestRunFirst),
      unproven,
      requests: listing.requests + result.requests,
      runsRead: listing.runsRead + result.runsRead,
      unkeyedRuns: listing.unkeyed + result.unkeyedRuns,
      budget: listing.budget,
    },
    state,
  );
  return { listing: merged, requests: result.requests, runsRead: result.runsRead, stillUnproven: result.unproven };
}

/** The row's label: "may be incomplete: 14 Nov 09:00–15:00" (local time). */
export function incompleteLabel(window: UnprovenWindow, timeZone?: string, now?: Date): string {
  return l10n.t('may be incomplete: {0}', formatLocalRange(window.start, window.end, timeZone, now));
}

/** Why a window is marked, for its tooltip (plain text). */
export function incompleteExplanation(window: UnprovenWindow, listing: Pick<RootListing, 'budget' | 'requests' | 'runsRead'>): string {
  const why =
    window.reason === 'paging'
      ? l10n.t('Fused sent a page with a next-page token but no runs, so this window could not be read to its start.')
      : window.estimatedRuns
        ? l10n.t(
            'It holds about {0} runs, more runs than the request budget could read ({1} requests of {2}, {3} runs read; setting fusedRuns.udfs.requestBudget).',
            formatCount(window.estimatedRuns),
            listing.requests,
            listing.budget,
            listing.runsRead,
          )
        : l10n.t('It holds more runs than the request budget could read ({0} requests of {1}, {2} runs read; setting fusedRuns.udfs.requestBudget).', listing.requests, listing.budget, listing.runsRead);
  return l10n.t(
    'A distinct query scans at most 5000 runs and does not say when it stops early, so the list is only shown as complete where every run was read. {0} UDFs that ran only in this window may be missing. Scan it fully to read every run (with progress and a request count).',
    why,
  );
}

/** One line for the log after a root load. */
export function describeListing(listing: RootListing, what: string): string {
  const marked = listing.unproven.length
    ? `${listing.unproven.length} window(s) may be incomplete: ${listing.unproven.map((w) => `${w.start} – ${w.end} (${w.reason})`).join(', ')}`
    : 'proven complete';
  return `${what}: ${listing.entries.length} UDFs from ${listing.runsRead} runs read in ${listing.requests} requests (budget ${listing.budget}); ${marked}.`;
}
