// Reads the runs an insights panel draws: the UDF's runs in the range, newest first, within a
// paging budget ("based on 1,200 runs"; Load more reads another budget from where it stopped),
// and the previous range of the same length once, within the same budget, for the ↑/↓ ratios.
// Pure: works on any PageSource, so it is unit-tested against the real local server.

import { collectRecords, type PageSource } from '../api/paging';
import { scopeQuery } from '../shared/scope';
import { LIMITS, type AuditLogQuery, type AuditLogRecord } from '../api/types';
import { resolveRange } from '../time/range';
import { mergeRuns } from '../views/treeModel';
import { inWindow } from './aggregate';
import type { InsightsSubject } from './protocol';
import type { InsightsInput } from './viewModel';

/** Runs one load reads at most: four pages of 300. Load more adds as many again. */
export const DEFAULT_RUN_BUDGET = 1200;
export const MAX_RUN_BUDGET = 10_000;

export function clampBudget(value: unknown): number {
  const number = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : DEFAULT_RUN_BUDGET;
  return Math.min(MAX_RUN_BUDGET, Math.max(LIMITS.maxLimit, number));
}

export interface InsightsQueries {
  current: AuditLogQuery;
  window: { startMs?: number; endMs: number };
  /** The same length just before the range; absent for all time. */
  previous?: { query: AuditLogQuery; startMs: number; endMs: number };
}

/** The queries for a subject, resolved against `now` (a preset's start moves with the clock). */
export function insightsQueries(subject: InsightsSubject, now: Date): InsightsQueries {
  const resolved = resolveRange(subject.range, now);
  const filter: AuditLogQuery = subject.kind === 'udf_name' ? { udf_name: subject.value } : { udf_id: subject.value };
  const scope: AuditLogQuery = scopeQuery(subject.scope);
  const endMs = resolved.end?.getTime() ?? now.getTime();
  const current: AuditLogQuery = { ...filter, ...scope, scan_forward: false, limit: LIMITS.maxLimit };
  if (resolved.start) current.start_timestamp = resolved.start.toISOString();
  if (resolved.end) current.end_timestamp = resolved.end.toISOString();
  if (!resolved.start) return { current, window: { endMs } };
  const startMs = resolved.start.getTime();
  const span = endMs - startMs;
  const previousStart = new Date(startMs - span);
  return {
    current,
    window: { startMs, endMs },
    previous: {
      // The end is inclusive in the API; runs at the current start itself are dropped on read.
      query: { ...filter, ...scope, scan_forward: false, limit: LIMITS.maxLimit, start_timestamp: previousStart.toISOString(), end_timestamp: resolved.start.toISOString() },
      startMs: previousStart.getTime(),
      endMs: startMs,
    },
  };
}

/** What was read so far for one panel; loadMore continues the current range where it stopped. */
export class InsightsRuns {
  private current: AuditLogRecord[] = [];
  private currentToken: string | null = null;
  private currentComplete = false;
  private previous: { records: AuditLogRecord[]; complete: boolean } | undefined;
  private requestCount = 0;
  private readonly counted: PageSource;

  constructor(
    source: PageSource,
    readonly queries: InsightsQueries,
    readonly budget: number,
  ) {
    this.counted = {
      query: (query, options) => {
        this.requestCount++;
        return source.query(query, options);
      },
    };
  }

  get loaded(): number {
    return this.current.length;
  }

  get complete(): boolean {
    return this.currentComplete;
  }

  get requests(): number {
    return this.requestCount;
  }

  /** The first budget of the range, and the previous range (once). */
  async load(signal?: AbortSignal): Promise<void> {
    await this.readCurrent(signal);
    if (this.queries.previous && !this.previous) {
      const { query, startMs, endMs } = this.queries.previous;
      const read = await collectRecords(this.counted, query, { signal, maxRecords: this.budget });
      this.previous = { records: inWindow(read.records, startMs, endMs), complete: !read.truncated && read.nextPageToken === null };
    }
  }

  /** Another budget of the current range, from where the last read stopped. */
  async loadMore(signal?: AbortSignal): Promise<void> {
    if (this.currentComplete) return;
    await this.readCurrent(signal);
  }

  private async readCurrent(signal: AbortSignal | undefined): Promise<void> {
    const query = this.currentToken ? { ...this.queries.current, page_token: this.currentToken } : this.queries.current;
    try {
      const read = await collectRecords(this.counted, query, { signal, maxRecords: this.budget });
      this.accept(read.records, read.nextPageToken, !read.truncated && read.nextPageToken === null);
    } catch (error) {
      // Keep what a failed page had read (collectRecords attaches it), so nothing is lost.
      const partial = (error as { partial?: { records: AuditLogRecord[]; nextPageToken: string | null } }).partial;
      if (partial) this.accept(partial.records, partial.nextPageToken ?? this.currentToken, false);
      throw error;
    }
  }

  private accept(records: AuditLogRecord[], nextPageToken: string | null, complete: boolean): void {
    this.current = mergeRuns(this.current, records).records;
    this.currentToken = nextPageToken;
    this.currentComplete = complete;
  }

  /** The input of buildInsightsView for what has been read. */
  input(subject: InsightsSubject, options: Pick<InsightsInput, 'timeZone' | 'offset'> = {}): InsightsInput {
    return {
      subject,
      window: this.queries.window,
      current: { records: this.current, complete: this.currentComplete, requests: this.requestCount },
      ...(this.previous ? { previous: this.previous } : {}),
      budget: this.budget,
      ...options,
    };
  }

  /** Ids of the runs read (what the webview may ask to open). */
  runIds(): Set<string> {
    return new Set(this.current.map((record) => record.id));
  }
}
