import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FusedApiError, InvalidResponseError, NetworkError } from '../../src/api/errors';
import { collectRecords, DEFAULT_MAX_PAGES, iteratePages, pageBound, type PageSource } from '../../src/api/paging';
import type { AuditLogPage } from '../../src/api/types';
import { FakeSource, record } from './api-fake-source';

const base = Date.UTC(2025, 3, 1);
const records = Array.from({ length: 25 }, (_, i) => record(`r${String(i).padStart(2, '0')}`, new Date(base + i * 60_000).toISOString()));

describe('iteratePages', () => {
  it('follows next_page_token to the end, oldest first, without dups or drops', async () => {
    const source = new FakeSource({ records });
    const pages = [];
    for await (const page of iteratePages(source, { limit: 10 })) pages.push(page);
    assert.deepEqual(pages.map((p) => p.items.length), [10, 10, 5]);
    assert.deepEqual(pages.flatMap((p) => p.items.map((r) => r.id)), records.map((r) => r.id));
    assert.deepEqual(source.calls.map((c) => c.page_token), [undefined, 'tok-10', 'tok-20']);
    assert.deepEqual(pages.map((p) => p.pageToken), [null, 'tok-10', 'tok-20']);
  });

  it('pages newest first too', async () => {
    const { records: got } = await collectRecords(new FakeSource({ records }), { limit: 7, scan_forward: false });
    assert.deepEqual(got.map((r) => r.id), records.map((r) => r.id).reverse());
  });

  it('drops a record the server repeats across a page edge', async () => {
    const source = new FakeSource({ records, overlapPages: true });
    const { records: got } = await collectRecords(source, { limit: 10 });
    assert.deepEqual(got.map((r) => r.id), records.map((r) => r.id));
  });

  it('stops at the record budget and trims the last page', async () => {
    const source = new FakeSource({ records });
    const result = await collectRecords(source, { limit: 10 }, { maxRecords: 13 });
    assert.deepEqual(result.records.map((r) => r.id), records.slice(0, 13).map((r) => r.id));
    assert.equal(result.truncated, true);
    assert.equal(source.calls.length, 2, 'no page is fetched beyond the budget');
    // Resuming from the trimmed page's token may repeat records but skips none.
    assert.equal(result.nextPageToken, 'tok-10');
  });

  it('a budget on a page boundary returns the next token and says truncated', async () => {
    const result = await collectRecords(new FakeSource({ records }), { limit: 10 }, { maxRecords: 20 });
    assert.equal(result.records.length, 20);
    assert.equal(result.truncated, true);
    assert.equal(result.nextPageToken, 'tok-20');
  });

  it('a budget larger than the data is not truncated', async () => {
    const result = await collectRecords(new FakeSource({ records }), { limit: 300 }, { maxRecords: 1000 });
    assert.equal(result.records.length, 25);
    assert.equal(result.truncated, false);
    assert.equal(result.nextPageToken, null);
  });

  it('a distinct query yields exactly one page even if the server sends a token', async () => {
    const source = new FakeSource({ records: records.map((r, i) => ({ ...r, udf_name: `u${i % 3}` })) });
    const pages = [];
    for await (const page of iteratePages(source, { distinct: true, distinct_type: 'names' })) pages.push(page);
    assert.equal(pages.length, 1);
    assert.equal(pages[0].next_page_token, null);
    assert.equal(pages[0].items.length, 3);
    assert.equal(source.calls.length, 1);
  });

  it('an id query yields one page', async () => {
    const source = new FakeSource({ records });
    const { records: got } = await collectRecords(source, { id: 'r03' });
    assert.deepEqual(got.map((r) => r.id), ['r03']);
    assert.equal(source.calls.length, 1);
  });

  it('starts from a given page_token', async () => {
    const { records: got } = await collectRecords(new FakeSource({ records }), { limit: 10, page_token: 'tok-20' });
    assert.deepEqual(got.map((r) => r.id), records.slice(20).map((r) => r.id));
  });

  it('keeps the records already read when a later page fails', async () => {
    const source = new FakeSource({ records, failOnCall: { call: 3, error: new NetworkError('reset') } });
    await assert.rejects(collectRecords(source, { limit: 10 }), (error: unknown) => {
      assert.ok(error instanceof NetworkError);
      assert.equal(error.partial?.records.length, 20);
      assert.equal(error.partial?.nextPageToken, 'tok-20');
      return true;
    });
  });

  it('stops with InvalidResponseError when the server loops on a token', async () => {
    const looping: PageSource = {
      async query(): Promise<AuditLogPage> {
        return { items: [record(`x${Math.random()}`, new Date(base).toISOString())], limit: 1, next_page_token: 'same' };
      },
    };
    await assert.rejects(collectRecords(looping, { limit: 1 }), (error: unknown) => {
      assert.ok(error instanceof InvalidResponseError);
      assert.equal(error.partial?.records.length, 2);
      return true;
    });
  });

  it('a page with a token that adds no new record ends paging with a clear error and keeps what was read', async () => {
    // A server that keeps sending fresh tokens: first with empty pages, then with records already read.
    let calls = 0;
    const emptyPages: PageSource = {
      async query(): Promise<AuditLogPage> {
        calls++;
        if (calls === 1) return { items: records.slice(0, 5), limit: 5, next_page_token: 'fresh-1' };
        return { items: [], limit: 5, next_page_token: `fresh-${calls}` };
      },
    };
    await assert.rejects(collectRecords(emptyPages, { limit: 5 }), (error: unknown) => {
      assert.ok(error instanceof InvalidResponseError);
      assert.equal(error.message, 'Fused sent page 2 with a next-page token but no new record, so paging would never end. Stopped; the 5 records read so far are kept.');
      assert.deepEqual(error.partial?.records.map((r) => r.id), records.slice(0, 5).map((r) => r.id));
      return true;
    });
    assert.equal(calls, 2);
    let repeats = 0;
    const repeating: PageSource = {
      async query(): Promise<AuditLogPage> {
        repeats++;
        return { items: records.slice(0, 3), limit: 3, next_page_token: `fresh-${repeats}` };
      },
    };
    await assert.rejects(collectRecords(repeating, { limit: 3 }), /page 2 with a next-page token but no new record \(all 3 were already read\)/);
    assert.equal(repeats, 2);
  });

  it('every read has a page bound; reaching it stops paging (truncated, not an error) and says so in the log', async () => {
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(`info: ${m}`), warn: (m: string) => lines.push(`warn: ${m}`) };
    const result = await collectRecords(new FakeSource({ records }), { limit: 4 }, { maxPages: 3, log, label: 'Test read' });
    assert.equal(result.records.length, 12);
    assert.equal(result.truncated, true);
    assert.equal(result.stoppedBy, 'maxPages');
    assert.equal(result.pages, 3);
    assert.equal(result.nextPageToken, 'tok-12', 'resume after the last page read');
    assert.deepEqual(lines, [
      'info: Test read: more than one page; reading at most 3 pages.',
      'warn: Test read: stopped after 3 pages (the bound for this read) with more pages left; 12 records read.',
    ]);
    // Defaults: twice the pages a record budget needs; otherwise DEFAULT_MAX_PAGES; one for distinct/id.
    assert.equal(pageBound({ limit: 300 }, { maxRecords: 5000 }), 34);
    assert.equal(pageBound({}, { maxRecords: 1 }), 2);
    assert.equal(pageBound({ limit: 300 }), DEFAULT_MAX_PAGES);
    assert.equal(pageBound({ distinct: true, distinct_type: 'ids' }), 1);
    assert.equal(pageBound({ id: 'x' }, { maxPages: 50 }), 1);
    // A server that never ends, with a fresh record and token on every page, stops at the default bound.
    let served = 0;
    const endless: PageSource = {
      async query(): Promise<AuditLogPage> {
        served++;
        return { items: [record(`e${served}`, new Date(base).toISOString())], limit: 1, next_page_token: `t${served}` };
      },
    };
    const bounded = await collectRecords(endless, { limit: 1 });
    assert.equal(served, DEFAULT_MAX_PAGES);
    assert.equal(bounded.stoppedBy, 'maxPages');
    assert.equal(bounded.records.length, DEFAULT_MAX_PAGES);
  });

  it('honours an aborted signal before asking', async () => {
    const source = new FakeSource({ records });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(collectRecords(source, {}, { signal: controller.signal }), (error: unknown) => (error as FusedApiError).kind === 'cancelled');
    assert.equal(source.calls.length, 0);
  });

  it('rejects a nonsense budget', async () => {
    await assert.rejects(collectRecords(new FakeSource({ records }), {}, { maxRecords: 0 }), /maxRecords/);
    await assert.rejects(collectRecords(new FakeSource({ records }), {}, { maxPages: 0.5 }), /maxPages/);
  });
});
