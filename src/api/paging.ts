// Follows next_page_token through a regular query, the way the documented pagination loop does,
// with a record budget, a page bound and de-duplication by id as safety nets. Works on anything
// with a `query` method, so the logic is tested without HTTP and used with AuditLogClient.
//
// Paging always ends: it stops at the last page, at the record budget, at the page bound (said
// in the log), or with an InvalidResponseError when the server hands back a token it already
// gave or a page that has a token but adds no new record (a server that would otherwise be
// followed forever). What was read before such an error is kept (collectRecords: error.partial).

import * as l10n from '@vscode/l10n';
import { CancelledError, FusedApiError, InvalidResponseError } from './errors';
import { LIMITS, type AuditLogPage, type AuditLogQuery, type AuditLogRecord } from './types';

export interface PageSource {
  query(query: AuditLogQuery, options?: { signal?: AbortSignal }): Promise<AuditLogPage>;
}

/** Where paging says how far it will go and why it stopped (the extension passes its log channel). */
export interface PagingLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface PagingOptions {
  signal?: AbortSignal;
  /** Stop once this many records have been yielded (the last page is trimmed). */
  maxRecords?: number;
  /** Stop after this many pages. Default: see pageBound (twice the pages the budget needs, or 1000). */
  maxPages?: number;
  /** Told the bound when a read needs a second page, and warned when the bound stops it. */
  log?: PagingLog;
  /** What is read, for the log, e.g. "Export of udf_name = census_join". */
  label?: string;
}

export type PagingStop = 'maxRecords' | 'maxPages';

/** A page as yielded by iteratePages; `pageToken` is the token that fetched it. */
export interface YieldedPage extends AuditLogPage {
  pageToken: string | null;
  /** True when this page was cut short by maxRecords. */
  trimmed: boolean;
  /** 1 for the first page. */
  pageNumber: number;
  /** Set on the last page when records were left unread because a budget was spent. */
  stoppedBy?: PagingStop;
}

/** Pages read when nothing else bounds a read: 300 000 records at the largest page size. */
export const DEFAULT_MAX_PAGES = 1000;

/** Queries that answer in one response and must not be paged (documented for distinct and id). */
export function isSinglePageQuery(query: AuditLogQuery): boolean {
  return query.id !== undefined || query.distinct === true;
}

function checkPositiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new FusedApiError('validation', l10n.t('{0} must be a whole number of at least 1; got {1}.', name, String(value)));
  }
}

/**
 * The most pages a read may request: `maxPages` when given; with a record budget, twice the
 * pages that budget needs at the query's page size (a server may send short pages); otherwise
 * DEFAULT_MAX_PAGES. Distinct and id queries: 1.
 */
export function pageBound(query: AuditLogQuery, options: Pick<PagingOptions, 'maxRecords' | 'maxPages'> = {}): number {
  if (isSinglePageQuery(query)) return 1;
  if (options.maxPages !== undefined) return options.maxPages;
  if (options.maxRecords !== undefined) {
    const limit = query.limit ?? LIMITS.defaultLimit;
    return Math.max(2, 2 * Math.ceil(options.maxRecords / limit));
  }
  return DEFAULT_MAX_PAGES;
}

/**
 * Yields pages until next_page_token is null or a bound is reached. Each page is requested
 * once (the client's own retries re-send the same page_token), and a record whose id was
 * already yielded is dropped, so a server that repeats a record at a page edge cannot
 * duplicate it. A distinct or id query yields exactly one page.
 */
export async function* iteratePages(source: PageSource, query: AuditLogQuery, options: PagingOptions = {}): AsyncGenerator<YieldedPage, void, undefined> {
  const { signal, maxRecords, log } = options;
  checkPositiveInteger('maxRecords', maxRecords);
  checkPositiveInteger('maxPages', options.maxPages);
  const label = options.label ?? 'Paging';
  const maxPages = pageBound(query, options);
  const seenIds = new Set<string>();
  const seenTokens = new Set<string>();
  let pageToken: string | null = query.page_token ?? null;
  let remaining = maxRecords ?? Number.POSITIVE_INFINITY;
  const single = isSinglePageQuery(query);

  for (let pageNumber = 1; ; pageNumber++) {
    if (signal?.aborted) throw new CancelledError();
    if (pageNumber === 2) {
      log?.info(`${label}: more than one page; reading at most ${maxPages} pages${maxRecords !== undefined ? ` or ${maxRecords} records` : ''}.`);
    }
    const request: AuditLogQuery = { ...query };
    if (pageToken !== null && !single) request.page_token = pageToken;
    else delete request.page_token;
    const page = await source.query(request, { signal });

    const fresh: AuditLogRecord[] = [];
    for (const record of page.items) {
      if (seenIds.has(record.id)) continue;
      seenIds.add(record.id);
      fresh.push(record);
    }
    // Distinct and id answers have no further pages whatever the server says.
    const next = single ? null : page.next_page_token;
    if (next !== null && fresh.length === 0) {
      throw new InvalidResponseError(
        l10n.t(
          'Fused sent page {0} with a next-page token but no new record{1}, so paging would never end. Stopped; the {2} read so far are kept.',
          pageNumber,
          page.items.length ? l10n.t(' (all {0} were already read)', page.items.length) : '',
          seenIds.size === 1 ? l10n.t('{0} record', seenIds.size) : l10n.t('{0} records', seenIds.size),
        ),
        'next_page_token',
      );
    }
    const trimmed = fresh.length > remaining;
    const items = trimmed ? fresh.slice(0, remaining) : fresh;
    remaining -= items.length;
    let stoppedBy: PagingStop | undefined;
    if (next !== null && remaining <= 0) stoppedBy = 'maxRecords';
    else if (trimmed) stoppedBy = 'maxRecords';
    else if (next !== null && pageNumber >= maxPages) stoppedBy = 'maxPages';
    if (stoppedBy === 'maxPages') {
      log?.warn(`${label}: stopped after ${pageNumber} pages (the bound for this read) with more pages left; ${seenIds.size} records read.`);
    }
    yield { items, limit: page.limit, next_page_token: next, pageToken, trimmed, pageNumber, ...(stoppedBy ? { stoppedBy } : {}) };

    if (next === null || stoppedBy) return;
    if (seenTokens.has(next) || next === pageToken) {
      throw new InvalidResponseError(
        l10n.t('Fused returned a page token it had already returned, so paging would never end. Stopped to avoid a loop; the records read so far are kept.'),
        'next_page_token',
      );
    }
    if (pageToken !== null) seenTokens.add(pageToken);
    seenTokens.add(next);
    pageToken = next;
  }
}

export interface CollectedRecords {
  records: AuditLogRecord[];
  /** True when a budget (records or pages) stopped paging before the server ran out of records. */
  truncated: boolean;
  /** Which budget stopped it, when truncated. */
  stoppedBy?: PagingStop;
  /** Pages requested. */
  pages: number;
  /**
   * Where to continue, or null when everything was read. When the last page was trimmed this
   * is the token of that page: continuing from it may repeat records (dedupe by id) but never
   * skips one. (truncated with a null token means: start again from the first page.)
   */
  nextPageToken: string | null;
}

/**
 * Reads every page (up to the budgets) into one array. If a page fails, the error is thrown
 * with `error.partial = { records, nextPageToken }` holding what was read, so nothing is lost.
 */
export async function collectRecords(source: PageSource, query: AuditLogQuery, options: PagingOptions = {}): Promise<CollectedRecords> {
  const records: AuditLogRecord[] = [];
  let nextPageToken: string | null = query.page_token ?? null;
  let stoppedBy: PagingStop | undefined;
  let pages = 0;
  try {
    for await (const page of iteratePages(source, query, options)) {
      pages = page.pageNumber;
      records.push(...page.items);
      stoppedBy = page.stoppedBy;
      nextPageToken = page.trimmed ? page.pageToken : page.next_page_token;
    }
  } catch (error) {
    if (error instanceof FusedApiError) {
      error.partial = { records, nextPageToken };
    }
    throw error;
  }
  return { records, truncated: stoppedBy !== undefined, ...(stoppedBy ? { stoppedBy } : {}), pages, nextPageToken };
}
