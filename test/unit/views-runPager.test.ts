// Paging a UDF's runs: first page once, Load more to the end, no duplicates, one request
// per click burst, failures that keep what is shown.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditLogPage, AuditLogQuery, AuditLogRecord } from '../../src/api/types';
import { RunPager } from '../../src/views/runPager';

function records(from: number, to: number): AuditLogRecord[] {
  const list: AuditLogRecord[] = [];
  for (let i = from; i < to; i++) list.push({ id: `r${i}`, timestamp: new Date(Date.UTC(2026, 10, 25, 12) - i * 60_000).toISOString(), udf_name: 'alpha' });
  return list;
}

/** Serves `all` in pages of `size`; token = offset, which may overlap by `overlap` records. */
function pagedSource(all: AuditLogRecord[], size: number, overlap = 0) {
  const queries: AuditLogQuery[] = [];
  let failNext: Error | undefined;
  const fetch = async (query: AuditLogQuery): Promise<AuditLogPage> => {
    queries.push(query);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (failNext) {
      const error = failNext;
      failNext = undefined;
      throw error;
    }
    const offset = query.page_token ? Number(query.page_token) : 0;
    const items = all.slice(offset, offset + size);
    const next = offset + size < all.length ? String(offset + size - overlap) : null;
    return { items, limit: size, next_page_token: next };
  };
  return { fetch, queries, failOnce: (error: Error) => (failNext = error) };
}

const BASE: AuditLogQuery = { udf_name: 'alpha', scan_forward: false, limit: 3 };

describe('RunPager', () => {
  it('loads the first page once, then pages to the end with the same query plus the token', async () => {
    const source = pagedSource(records(0, 7), 3);
    const pager = new RunPager(BASE, source.fetch);
    await pager.ensureLoaded();
    await pager.ensureLoaded();
    assert.equal(source.queries.length, 1);
    assert.deepEqual(pager.records.map((r) => r.id), ['r0', 'r1', 'r2']);
    assert.equal(pager.hasMore, true);
    await pager.loadMore();
    await pager.loadMore();
    assert.equal(pager.hasMore, false);
    await pager.loadMore();
    assert.equal(source.queries.length, 3, 'no request after the last page');
    assert.deepEqual(pager.records.map((r) => r.id), records(0, 7).map((r) => r.id));
    assert.deepEqual(source.queries[1], { ...BASE, page_token: '3' });
    assert.equal(source.queries[0].page_token, undefined);
  });

  it('shares one request between rapid clicks', async () => {
    const source = pagedSource(records(0, 9), 3);
    const pager = new RunPager(BASE, source.fetch);
    await pager.ensureLoaded();
    const clicks = [pager.loadMore(), pager.loadMore(), pager.loadMore()];
    assert.equal(pager.loading, true);
    await Promise.all(clicks);
    assert.equal(source.queries.length, 2);
    assert.equal(pager.records.length, 6);
  });

  it('skips records a page repeats', async () => {
    const source = pagedSource(records(0, 8), 4, 2);
    const pager = new RunPager(BASE, source.fetch);
    await pager.ensureLoaded();
    while (pager.hasMore) await pager.loadMore();
    const ids = pager.records.map((r) => r.id);
    assert.deepEqual(ids, records(0, 8).map((r) => r.id));
    assert.equal(new Set(ids).size, ids.length);
  });

  it('keeps what is shown when a page fails, and resumes from the same token on retry', async () => {
    const source = pagedSource(records(0, 6), 3);
    const pager = new RunPager(BASE, source.fetch);
    await pager.ensureLoaded();
    source.failOnce(new Error('Fused had a server error (500).'));
    await pager.loadMore();
    assert.equal((pager.error as Error).message, 'Fused had a server error (500).');
    assert.equal(pager.records.length, 3);
    assert.equal(pager.hasMore, true);
    await pager.loadMore();
    assert.equal(pager.error, undefined);
    assert.equal(pager.records.length, 6);
    assert.equal(source.queries[2].page_token, '3');
  });

  it('retries a failed first page on the next ensureLoaded', async () => {
    const source = pagedSource(records(0, 2), 3);
    source.failOnce(new Error('offline'));
    const pager = new RunPager(BASE, source.fetch);
    await pager.ensureLoaded();
    assert.equal(pager.loaded, false);
    assert.ok(pager.error);
    await pager.ensureLoaded();
    assert.equal(pager.loaded, true);
    assert.equal(pager.records.length, 2);
    assert.equal(pager.hasMore, false);
  });

  it('stops when the server repeats a token without new records', async () => {
    let calls = 0;
    const pager = new RunPager(BASE, async () => {
      calls++;
      return { items: records(0, 2), limit: 3, next_page_token: 'same' };
    });
    await pager.ensureLoaded();
    await pager.loadMore();
    assert.equal(pager.hasMore, false);
    await pager.loadMore();
    assert.equal(calls, 2);
  });

  it('a fresh token with nothing new ends paging with a clear error; the runs shown stay', async () => {
    let calls = 0;
    const warnings: string[] = [];
    const pager = new RunPager(
      BASE,
      async () => {
        calls++;
        return calls === 1 ? { items: records(0, 3), limit: 3, next_page_token: 'fresh-1' } : { items: [], limit: 3, next_page_token: `fresh-${calls}` };
      },
      { log: { info: () => undefined, warn: (m) => warnings.push(m) }, label: 'Runs of alpha' },
    );
    await pager.ensureLoaded();
    await pager.loadMore();
    assert.equal(pager.hasMore, false);
    assert.equal(pager.records.length, 3);
    const message = 'Fused sent page 2 of Runs of alpha with a next-page token but no new run, so paging stopped (it would never end). The 3 runs shown are kept.';
    assert.equal((pager.error as Error).message, message);
    assert.deepEqual(warnings, [message]);
    await pager.loadMore();
    assert.equal(calls, 2, 'no request after the empty page');
  });

  it('stops at its page bound with more runs left, and says so in the log', async () => {
    const source = pagedSource(records(0, 30), 3);
    const warnings: string[] = [];
    const infos: string[] = [];
    const pager = new RunPager(BASE, source.fetch, { maxPages: 4, log: { info: (m) => infos.push(m), warn: (m) => warnings.push(m) }, label: 'Runs of alpha' });
    await pager.ensureLoaded();
    while (pager.hasMore) await pager.loadMore();
    assert.equal(source.queries.length, 4);
    assert.equal(pager.records.length, 12);
    assert.equal(pager.limitReached, true);
    assert.deepEqual(infos, ['Runs of alpha: loading more pages; at most 4 pages for one UDF.'], 'the bound is said when paging starts');
    assert.deepEqual(warnings, ['Runs of alpha: stopped after 4 pages (the bound for one UDF) with more runs left; 12 runs shown.']);
  });
});
