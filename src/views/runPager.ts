// The runs of one UDF as the user pages through them: first page, "Load more…" following
// next_page_token, duplicates skipped, one request at a time however often Load more is
// clicked, and a failure that keeps everything already shown. No `vscode` import.
import type { AuditLogPage, AuditLogQuery, AuditLogRecord } from '../api/types';
import { mergeRuns } from './treeModel';

export type FetchPage = (query: AuditLogQuery, signal?: AbortSignal) => Promise<AuditLogPage>;

export class RunPager {
  private shown: AuditLogRecord[] = [];
  private token: string | null = null;
  private loadedOnce = false;
  private inFlight: Promise<void> | undefined;
  /** The last failure, cleared by the next successful page. */
  error: unknown;
  /** Pages actually requested (for tests and the log). */
  requests = 0;

  constructor(
    /** The first page's query; Load more re-sends it with the page token so ranges stay fixed. */
    readonly baseQuery: AuditLogQuery,
    private readonly fetchPage: FetchPage,
  ) {}

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
    return this.loadedOnce && this.token !== null;
  }

  /** The first page, once. Later calls resolve at once unless the first page failed. */
  ensureLoaded(signal?: AbortSignal): Promise<void> {
    if (this.loadedOnce) return Promise.resolve();
    return this.next(signal);
  }

  /** The next page. Concurrent calls share one request; after the last page it does nothing. */
  loadMore(signal?: AbortSignal): Promise<void> {
    if (this.loadedOnce && this.token === null) return this.inFlight ?? Promise.resolve();
    return this.next(signal);
  }

  private next(signal?: AbortSignal): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const query: AuditLogQuery = this.loadedOnce && this.token ? { ...this.baseQuery, page_token: this.token } : { ...this.baseQuery };
    const previousToken = this.token;
    this.requests++;
    this.inFlight = this.fetchPage(query, signal)
      .then((page) => {
        const { records, added } = mergeRuns(this.shown, page.items);
        this.shown = records;
        // A server that hands back the same token with nothing new would loop forever.
        this.token = page.next_page_token && !(added === 0 && page.next_page_token === previousToken) ? page.next_page_token : null;
        this.loadedOnce = true;
        this.error = undefined;
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
