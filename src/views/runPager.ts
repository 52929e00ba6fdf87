// The runs of one UDF as the user pages through them: first page, "Load more…" following
// next_page_token, duplicates skipped, one request at a time however often Load more is
// clicked, and a failure that keeps everything already shown. Paging always ends: a token
// that comes back with nothing new is an error (not another Load more), and after
// `maxPages` pages the pager stops and says so in the log. No `vscode` import.
import * as l10n from '@vscode/l10n';
import { InvalidResponseError } from '../api/errors';
import type { PagingLog } from '../api/paging';
import type { AuditLogPage, AuditLogQuery, AuditLogRecord } from '../api/types';
import { formatCount } from '../text/counts';
import { mergeRuns } from './treeModel';

export type FetchPage = (query: AuditLogQuery, signal?: AbortSignal) => Promise<AuditLogPage>;

/** Pages one UDF may load: 200 pages is 10 000 runs at the default page size, 60 000 at 300. */
export const RUN_PAGER_MAX_PAGES = 200;

export interface RunPagerOptions {
  /** Upper bound on pages (default RUN_PAGER_MAX_PAGES). */
  maxPages?: number;
  /** Where reaching the bound, or a server that pages without end, is reported. */
  log?: PagingLog;
  /** What is paged, for the log, e.g. "Runs of census_join". */
  label?: string;
}

export class RunPager {
  private shown: AuditLogRecord[] = [];
  private token: string | null = null;
  private loadedOnce = false;
  private inFlight: Promise<void> | undefined;
  private pages = 0;
  private stoppedAtBound = false;
  /** The last failure, cleared by the next successful page. */
  error: unknown;
  /** Pages actually requested (for tests and the log). */
  requests = 0;
  readonly maxPages: number;

  constructor(
    /** The first page's query; Load more re-sends it with the page token so ranges stay fixed. */
    readonly baseQuery: AuditLogQuery,
    private readonly fetchPage: FetchPage,
    private readonly options: RunPagerOptions = {},
  ) {
    this.maxPages = Math.max(1, Math.floor(options.maxPages ?? RUN_PAGER_MAX_PAGES));
  }

  get records(): readonly AuditLogRecord[] {
    return this.shown;
  }

  get loaded(): boolean {
    return this.loadedOnce;
  }

  get loading(): boolean {
    return this.inFlight !== undefined;
  }

  get hasMore(): boolean {
    return this.loadedOnce && this.token !== null && !this.stoppedAtBound;
  }

  /** True when more runs exist but the page bound stopped the pager. */
  get limitReached(): boolean {
    return this.stoppedAtBound;
  }

  /** The first page, once. Later calls resolve at once unless the first page failed. */
  ensureLoaded(signal?: AbortSignal): Promise<void> {
    if (this.loadedOnce) return Promise.resolve();
    return this.next(signal);
  }

  /** The next page. Concurrent calls share one request; after the last page it does nothing. */
  loadMore(signal?: AbortSignal): Promise<void> {
    if (this.loadedOnce && !this.hasMore) return this.inFlight ?? Promise.resolve();
    return this.next(signal);
  }

  private next(signal?: AbortSignal): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const query: AuditLogQuery = this.loadedOnce && this.token ? { ...this.baseQuery, page_token: this.token } : { ...this.baseQuery };
    const label = this.options.label ?? 'Runs';
    if (this.pages === 1 && this.token !== null) this.options.log?.info(`${label}: loading more pages; at most ${this.maxPages} pages for one UDF.`);
    this.requests++;
    this.inFlight = this.fetchPage(query, signal)
      .then((page) => {
        const { records, added } = mergeRuns(this.shown, page.items);
        this.shown = records;
        this.loadedOnce = true;
        this.pages++;
        this.error = undefined;
        if (page.next_page_token !== null && added === 0) {
          // A server that keeps sending tokens with nothing new would be followed forever.
          this.token = null;
          const message = `Fused sent page ${this.pages} of ${label} with a next-page token but no new run, so paging stopped (it would never end). The ${this.shown.length} runs shown are kept.`;
          this.options.log?.warn(message);
          this.error = new InvalidResponseError(
            l10n.t('Fused sent page {0} of {1} with a next-page token but no new run, so paging stopped (it would never end). The {2} runs shown are kept.', this.pages, label, formatCount(this.shown.length)),
            'next_page_token',
          );
          return;
        }
        this.token = page.next_page_token;
        if (this.token !== null && this.pages >= this.maxPages) {
          this.stoppedAtBound = true;
          this.options.log?.warn(`${label}: stopped after ${this.pages} pages (the bound for one UDF) with more runs left; ${this.shown.length} runs shown.`);
        }
      })
      .catch((error: unknown) => {
        // Keep what is shown and where to resume; the view offers Retry.
        this.error = error;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}
