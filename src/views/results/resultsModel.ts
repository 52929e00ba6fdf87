// State of the "Query Results" view: which query it shows, the records loaded so far, whether
// there is more, and what went wrong. Pure (no `vscode` import) so paging, de-duplication,
// stale replies and error handling are unit-tested without a workbench.
import { InvalidResponseError, isCancellation, userMessage } from '../../api/errors';
import * as l10n from '@vscode/l10n';
import { formatCount } from '../../text/counts';
import { isSinglePageQuery, type PagingLog } from '../../api/paging';
import type { AuditLogPage, AuditLogQuery, AuditLogRecord } from '../../api/types';

export type FetchPage = (query: AuditLogQuery, signal: AbortSignal) => Promise<AuditLogPage>;

export interface ResultsError {
  message: string;
  during: 'first' | 'more';
  /** The error thrown (typed FusedApiError when from the client). */
  cause: unknown;
  cancelled: boolean;
}

/** What the view shows, rebuilt after every change. */
export interface ResultsSnapshot {
  /** e.g. `udf_name = census_join`; empty when nothing is shown. */
  title: string;
  /** Records to list, in arrival order (after `keep`, when set). */
  records: readonly AuditLogRecord[];
  /** Records received in total (before `keep`). */
  loadedCount: number;
  /** A further page exists (next_page_token). Never for distinct and id queries. */
  hasMore: boolean;
  /** More pages exist but the page bound (MAX_RESULT_PAGES) stopped paging. */
  limitReached: boolean;
  /** A request is in flight. */
  loading: boolean;
  /** The last request failed; the records shown stay. `during` says what Retry re-does. */
  error?: ResultsError;
  /** Extra context for the user, e.g. "2 day windows hit the 5000-record scan cap". */
  notice?: string;
  /** What `keep` keeps, e.g. "failing runs only". */
  filterLabel?: string;
  /** The client-side filter over the query's records, if any (export applies it too). */
  keep?: (record: AuditLogRecord) => boolean;
  /** The query behind the results (without page_token), for export; absent for computed lists. */
  query?: AuditLogQuery;
  /** True when something is shown (the context key for the view). */
  active: boolean;
}

export interface ShowQuerySpec {
  title: string;
  /** The first page's query; must not carry a page_token. */
  query: AuditLogQuery;
  /** Client-side filter over the received records (e.g. failing runs of a UDF). */
  keep?: (record: AuditLogRecord) => boolean;
  filterLabel?: string;
  notice?: string;
}

export interface ShowRecordsSpec {
  title: string;
  records: readonly AuditLogRecord[];
  notice?: string;
  /** The query these came from, when one query produced them (export can re-run it). */
  query?: AuditLogQuery;
}

/** Appends `incoming` to `existing`, skipping ids already present. */
export function mergeRecords(
  existing: readonly AuditLogRecord[],
  incoming: readonly AuditLogRecord[],
  seen: Set<string> = new Set(existing.map((r) => r.id)),
): { records: AuditLogRecord[]; added: AuditLogRecord[] } {
  const added: AuditLogRecord[] = [];
  for (const record of incoming) {
    if (seen.has(record.id)) continue;
    seen.add(record.id);
    added.push(record);
  }
  return { records: [...existing, ...added], added };
}

/** When a filter hides a whole page, fetch on (up to this many pages) so "Load more" shows something. */
export const MAX_AUTO_PAGES = 10;

/** Pages one query may load in the view, Load more clicks included (the bound is said in the log). */
export const MAX_RESULT_PAGES = 500;

interface State {
  title: string;
  query?: AuditLogQuery;
  keep?: (record: AuditLogRecord) => boolean;
  filterLabel?: string;
  notice?: string;
  all: AuditLogRecord[];
  seen: Set<string>;
  nextPageToken: string | null;
  /** Pages received for this query. */
  pages: number;
  limitReached: boolean;
  loading: boolean;
  error?: ResultsError;
  active: boolean;
}

function emptyState(): State {
  return { title: '', all: [], seen: new Set(), nextPageToken: null, pages: 0, limitReached: false, loading: false, active: false };
}

export class ResultsModel {
  private state: State = emptyState();
  /** Bumped by every show/clear: replies to an older generation are dropped. */
  private generation = 0;
  private inFlight: AbortController | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly fetchPage: FetchPage,
    private readonly onError: (error: unknown, context: string) => void = () => undefined,
    /** Where the page bound is reported when a query reaches it. */
    private readonly log?: PagingLog,
  ) {}

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  snapshot(): ResultsSnapshot {
    const s = this.state;
    const records = s.keep ? s.all.filter(s.keep) : s.all;
    return {
      title: s.title,
      records,
      loadedCount: s.all.length,
      hasMore: s.nextPageToken !== null,
      limitReached: s.limitReached,
      loading: s.loading,
      error: s.error,
      notice: s.notice,
      filterLabel: s.filterLabel,
      keep: s.keep,
      query: s.query,
      active: s.active,
    };
  }

  /** Runs a new query and shows its first page. Resolves when the page arrived or failed. */
  async showQuery(spec: ShowQuerySpec, signal?: AbortSignal): Promise<void> {
    if (spec.query.page_token !== undefined) throw new Error('showQuery takes the first page query, without page_token.');
    this.begin();
    this.state = {
      ...emptyState(),
      title: spec.title,
      query: { ...spec.query },
      keep: spec.keep,
      filterLabel: spec.filterLabel,
      notice: spec.notice,
      active: true,
    };
    await this.fetchFrom(undefined, 'first', signal);
  }

  /** Shows records computed elsewhere (one record by id, a recipe's result). */
  showRecords(spec: ShowRecordsSpec): void {
    this.begin();
    const { records } = mergeRecords([], spec.records);
    this.state = {
      ...emptyState(),
      title: spec.title,
      query: spec.query,
      notice: spec.notice,
      all: records,
      seen: new Set(records.map((r) => r.id)),
      active: true,
    };
    this.changed();
  }

  /** Follows next_page_token once. A second call while one is loading is ignored (double click). */
  async loadMore(signal?: AbortSignal): Promise<void> {
    if (this.state.loading || this.state.nextPageToken === null || !this.state.query) return;
    await this.fetchFrom(this.state.nextPageToken, 'more', signal);
  }

  /** Re-runs the query from its first page. What is shown stays until the new first page arrives. */
  async refresh(signal?: AbortSignal): Promise<void> {
    if (!this.state.query || !this.state.active) return;
    this.begin();
    await this.fetchFrom(undefined, 'first', signal);
  }

  /** Re-does what failed: the first page, or the page after the last one received. */
  async retry(signal?: AbortSignal): Promise<void> {
    const error = this.state.error;
    if (!error || this.state.loading || !this.state.query) return;
    if (error.during === 'first') await this.fetchFrom(undefined, 'first', signal);
    else await this.fetchFrom(this.state.nextPageToken ?? undefined, 'more', signal);
  }

  clear(): void {
    this.begin();
    this.state = emptyState();
    this.changed();
  }

  /** Cancels the request in flight, keeping what is shown. */
  cancel(): void {
    this.inFlight?.abort();
  }

  private begin(): void {
    this.generation++;
    this.inFlight?.abort();
    this.inFlight = undefined;
  }

  private async fetchFrom(pageToken: string | undefined, during: 'first' | 'more', outer?: AbortSignal): Promise<void> {
    const generation = this.generation;
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort();
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    if (outer?.aborted) controller.abort();
    this.inFlight = controller;
    this.state = { ...this.state, loading: true, error: undefined };
    this.changed();
    const baseQuery = this.state.query as AuditLogQuery;
    if (pageToken !== undefined && this.state.pages === 1) this.log?.info(`${this.state.title}: loading more pages; at most ${MAX_RESULT_PAGES} pages for one query.`);
    let token = pageToken;
    let receivedAny = false;
    try {
      for (let pages = 0; ; pages++) {
        const page = await this.fetchPage(token === undefined ? { ...baseQuery } : { ...baseQuery, page_token: token }, controller.signal);
        if (generation !== this.generation) return;
        if (token === undefined) {
          // A first page (new query, refresh or retry of the first page) replaces what was shown.
          this.state = { ...this.state, all: [], seen: new Set(), pages: 0, limitReached: false };
        }
        receivedAny = true;
        const { records, added } = mergeRecords(this.state.all, page.items, this.state.seen);
        const pagesRead = this.state.pages + 1;
        // Distinct and id answers are whole: never page them, whatever token comes back.
        let next = isSinglePageQuery(baseQuery) ? null : page.next_page_token || null;
        let limitReached = false;
        if (next !== null && added.length === 0) {
          // A token with nothing new (or the same token again) would be followed forever.
          this.state = { ...this.state, all: records, nextPageToken: null, pages: pagesRead };
          throw new InvalidResponseError(
            l10n.t('Fused sent page {0} with a next-page token but no new run, so paging stopped (it would never end). The {1} runs shown are kept.', pagesRead, formatCount(records.length)),
            'next_page_token',
          );
        }
        if (next !== null && pagesRead >= MAX_RESULT_PAGES) {
          next = null;
          limitReached = true;
          this.log?.warn(`${this.state.title}: stopped after ${pagesRead} pages (the bound for one query in Query Results) with more runs left; ${records.length} runs loaded.`);
        }
        this.state = { ...this.state, all: records, nextPageToken: next, pages: pagesRead, limitReached };
        token = next ?? undefined;
        const visibleAdded = this.state.keep ? added.filter(this.state.keep).length : added.length;
        if (visibleAdded > 0 || next === null || pages + 1 >= MAX_AUTO_PAGES) break;
        this.changed();
      }
      this.state = { ...this.state, loading: false };
    } catch (error) {
      if (generation !== this.generation) return;
      const cancelled = isCancellation(error) || controller.signal.aborted;
      if (!cancelled) this.onError(error, `${during === 'first' ? 'Query' : 'Load more'} for ${this.state.title}`);
      this.state = {
        ...this.state,
        loading: false,
        // What was already loaded stays; a failed page becomes an error row with Retry.
        error: {
          message: cancelled ? l10n.t('Cancelled.') : userMessage(error),
          during: pageToken === undefined && !receivedAny ? 'first' : 'more',
          cause: error,
          cancelled,
        },
      };
    } finally {
      outer?.removeEventListener('abort', onOuterAbort);
      if (this.inFlight === controller) this.inFlight = undefined;
    }
    if (generation === this.generation) this.changed();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A broken listener must not stop the others or the model.
      }
    }
  }
}

/** A short title for a query, the way a user would say it: `udf_name = census_join · exec env`. */
export function describeQuery(query: AuditLogQuery): string {
  const parts: string[] = [];
  if (query.id) parts.push(`id = ${query.id}`);
  else if (query.udf_name) parts.push(`udf_name = ${query.udf_name}`);
  else if (query.udf_id) parts.push(`udf_id = ${query.udf_id}`);
  else if (query.shared_token) parts.push(`shared_token = ${query.shared_token}`);
  if (query.distinct) parts.push(`distinct ${query.distinct_type ?? 'names'}`);
  if (!query.id) {
    if (query.start_timestamp || query.end_timestamp) {
      parts.push(`${query.start_timestamp ?? '…'} → ${query.end_timestamp ?? '…'}`);
    }
    parts.push(query.exec_env ? l10n.t('exec env') : parts.length === 0 ? l10n.t('my runs') : '');
  }
  return parts.filter(Boolean).join(' · ');
}
