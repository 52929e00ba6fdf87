// Follows next_page_token through a regular query, the way the documented pagination loop does,
// with a record budget and de-duplication by id as a safety net. Works on anything with a
// `query` method, so the logic is tested without HTTP and used with AuditLogClient.

import { CancelledError, FusedApiError, InvalidResponseError } from './errors';
import type { AuditLogPage, AuditLogQuery, AuditLogRecord } from './types';

export interface PageSource {
  query(query: AuditLogQuery, options?: { signal?: AbortSignal }): Promise<AuditLogPage>;
}

export interface PagingOptions {
  signal?: AbortSignal;
  /** Stop once this many records have been yielded (the last page is trimmed). */
  maxRecords?: number;
}

/** A page as yielded by iteratePages; `pageToken` is the token that fetched it. */
export interface YieldedPage extends AuditLogPage {
  pageToken: string | null;
  /** True when this page was cut short by maxRecords. */
  trimmed: boolean;
}

/** Queries that answer in one response and must not be paged (documented for distinct and id). */
export function isSinglePageQuery(query: AuditLogQuery): boolean {
  return query.id !== undefined || query.distinct === true;
}

function checkBudget(maxRecords: number | undefined): void {
  if (maxRecords !== undefined && (!Number.isInteger(maxRecords) || maxRecords < 1)) {
    throw new FusedApiError('validation', `maxRecords must be a whole number of at least 1; got ${String(maxRecords)}.`);
  }
}

/**
 * Yields pages until next_page_token is null or the budget is spent. Each page is requested
 * once (the client's own retries re-send the same page_token), and a record whose id was
 * already yielded is dropped, so a server that repeats a record at a page edge cannot
 * duplicate it. A distinct or id query yields exactly one page.
 */
export async function* iteratePages(
  source: PageSource,
  query: AuditLogQuery,
  options: PagingOptions = {},
): AsyncGenerator<YieldedPage, void, undefined> {
  const { signal, maxRecords } = options;
  checkBudget(maxRecords);
  const seenIds = new Set<string>();
  const seenTokens = new Set<string>();
  let pageToken: string | null = query.page_token ?? null;
  let remaining = maxRecords ?? Number.POSITIVE_INFINITY;
  const single = isSinglePageQuery(query);

  for (;;) {
    if (signal?.aborted) throw new CancelledError();
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
    const trimmed = fresh.length > remaining;
    const items = trimmed ? fresh.slice(0, remaining) : fresh;
    remaining -= items.length;
    // Distinct and id answers have no further pages whatever the server says.
    const next = single ? null : page.next_page_token;
    yield { items, limit: page.limit, next_page_token: next, pageToken, trimmed };

    if (next === null || remaining <= 0) return;
    if (seenTokens.has(next) || next === pageToken) {
      throw new InvalidResponseError(
        'Fused returned a page token it had already returned, so paging would never end. Stopped to avoid a loop; the records read so far are kept.',
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
  /** True when the budget stopped paging before the server ran out of records. */
  truncated: boolean;
  /**
   * Where to continue, or null when everything was read. When the last page was trimmed this
   * is the token of that page: continuing from it may repeat records (dedupe by id) but never
   * skips one. (truncated with a null token means: start again from the first page.)
   */
  nextPageToken: string | null;
}

/**
 * Reads every page (up to maxRecords) into one array. If a page fails, the error is thrown
 * with `error.partial = { records, nextPageToken }` holding what was read, so nothing is lost.
 */
export async function collectRecords(source: PageSource, query: AuditLogQuery, options: PagingOptions = {}): Promise<CollectedRecords> {
  const records: AuditLogRecord[] = [];
  let nextPageToken: string | null = query.page_token ?? null;
  let truncated = false;
  try {
    for await (const page of iteratePages(source, query, options)) {
      records.push(...page.items);
      if (page.trimmed) {
        truncated = true;
        nextPageToken = page.pageToken;
      } else {
        nextPageToken = page.next_page_token;
        truncated = nextPageToken !== null && options.maxRecords !== undefined && records.length >= options.maxRecords;
      }
    }
  } catch (error) {
    if (error instanceof FusedApiError) {
      error.partial = { records, nextPageToken };
    }
    throw error;
  }
  return { records, truncated, nextPageToken };
}
