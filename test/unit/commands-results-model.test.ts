import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledError, ServerError } from '../../src/api/errors';
import type { AuditLogPage, AuditLogQuery, AuditLogRecord } from '../../src/api/types';
import { describeQuery, MAX_AUTO_PAGES, MAX_RESULT_PAGES, mergeRecords, ResultsModel } from '../../src/views/results/resultsModel';

function record(n: number, extra: Partial<AuditLogRecord> = {}): AuditLogRecord {
  return { id: `r${n}`, timestamp: new Date(Date.UTC(2026, 10, 25, 0, 0, 0) - n * 1000).toISOString(), udf_name: 'census_join', execution_time: 1, ...extra };
}

/**
 * An in-memory page source with the server's paging shape: `pages[i]` is served for token
 * `t<i>` (the first page without a token), and `next_page_token` points at the next one.
 * `failOn` makes one page fail once, as a fault would.
 */
function pagedSource(pages: AuditLogRecord[][], options: { failOn?: Set<number> } = {}) {
  const calls: AuditLogQuery[] = [];
  const fetchPage = async (query: AuditLogQuery, signal: AbortSignal): Promise<AuditLogPage> => {
    calls.push(query);
    await new Promise((resolve) => setImmediate(resolve));
    if (signal.aborted) throw new CancelledError();
    const index = query.page_token ? Number(query.page_token.slice(1)) : 0;
    if (options.failOn?.has(index)) {
      options.failOn.delete(index);
      throw new ServerError(503);
    }
    return { items: pages[index] ?? [], limit: 2, next_page_token: index + 1 < pages.length ? `t${index + 1}` : null };
  };
  return { fetchPage, calls };
}

describe('mergeRecords', () => {
  it('appends only ids not yet present, in arrival order', () => {
    const { records, added } = mergeRecords([record(1), record(2)], [record(2), record(3), record(3)]);
    assert.deepEqual(records.map((r) => r.id), ['r1', 'r2', 'r3']);
    assert.deepEqual(added.map((r) => r.id), ['r3']);
  });
});

describe('ResultsModel paging', () => {
  const query: AuditLogQuery = { udf_name: 'census_join', limit: 2, scan_forward: false };

  it('shows the first page, follows next_page_token to the end without duplicates', async () => {
    const source = pagedSource([[record(1), record(2)], [record(2), record(3)], [record(4)]]);
    const model = new ResultsModel(source.fetchPage);
    await model.showQuery({ title: describeQuery(query), query });
    assert.deepEqual(model.snapshot().records.map((r) => r.id), ['r1', 'r2']);
    assert.equal(model.snapshot().hasMore, true);
    assert.equal(model.snapshot().title, 'udf_name = census_join');
    await model.loadMore();
    await model.loadMore();
    const end = model.snapshot();
    assert.deepEqual(end.records.map((r) => r.id), ['r1', 'r2', 'r3', 'r4']);
    assert.equal(end.hasMore, false);
    assert.deepEqual(source.calls.map((c) => c.page_token), [undefined, 't1', 't2']);
    assert.equal(source.calls.every((c) => c.udf_name === 'census_join' && c.limit === 2), true);
    await model.loadMore();
    assert.equal(source.calls.length, 3, 'no request once the end is reached');
  });

  it('ignores a second Load more while one is in flight (double click)', async () => {
    const source = pagedSource([[record(1)], [record(2)], [record(3)]]);
    const model = new ResultsModel(source.fetchPage);
    await model.showQuery({ title: 't', query });
    await Promise.all([model.loadMore(), model.loadMore()]);
    assert.deepEqual(model.snapshot().records.map((r) => r.id), ['r1', 'r2']);
    assert.equal(source.calls.length, 2);
  });

  it('a failed page keeps what was shown and Retry continues from the failed page', async () => {
    const errors: string[] = [];
    const source = pagedSource([[record(1)], [record(2)], [record(3)]], { failOn: new Set([1]) });
    const model = new ResultsModel(source.fetchPage, (_e, context) => errors.push(context));
    await model.showQuery({ title: 'udf_name = census_join', query });
    await model.loadMore();
    let snap = model.snapshot();
    assert.deepEqual(snap.records.map((r) => r.id), ['r1']);
    assert.equal(snap.error?.message, "Fused had a server error (503). This is on Fused's side; try again later.");
    assert.equal(snap.error?.during, 'more');
    assert.equal(snap.error?.cancelled, false);
    assert.ok(snap.error?.cause instanceof ServerError);
    assert.deepEqual(errors, ['Load more for udf_name = census_join']);
    await model.retry();
    snap = model.snapshot();
    assert.equal(snap.error, undefined);
    assert.deepEqual(snap.records.map((r) => r.id), ['r1', 'r2']);
    assert.equal(source.calls.at(-1)?.page_token, 't1');
  });

  it('a failed first page shows an error that Retry re-runs', async () => {
    const source = pagedSource([[record(1)]], { failOn: new Set([0]) });
    const model = new ResultsModel(source.fetchPage);
    await model.showQuery({ title: 't', query });
    assert.equal(model.snapshot().error?.during, 'first');
    assert.equal(model.snapshot().active, true);
    await model.retry();
    assert.deepEqual(model.snapshot().records.map((r) => r.id), ['r1']);
  });

  it('refresh keeps the rows on failure and replaces them on success', async () => {
    const pages = [[record(1), record(2)], [record(3)]];
    const failOn = new Set<number>();
    const source = pagedSource(pages, { failOn });
    const model = new ResultsModel(source.fetchPage);
    await model.showQuery({ title: 't', query });
    await model.loadMore();
    assert.equal(model.snapshot().records.length, 3);
    failOn.add(0);
    await model.refresh();
    assert.deepEqual(model.snapshot().records.map((r) => r.id), ['r1', 'r2', 'r3']);
    assert.equal(model.snapshot().error?.during, 'first');
    pages[0] = [record(0), record(1)];
    await model.retry();
    assert.deepEqual(model.snapshot().records.map((r) => r.id), ['r0', 'r1']);
    assert.equal(model.snapshot().hasMore, true);
    assert.equal(model.snapshot().error, undefined);
  });

  it('a reply to a replaced query is dropped', async () => {
    const slow = pagedSource([[record(1)]]);
    const fast = pagedSource([[record(9)]]);
    let useSlow = true;
    const model = new ResultsModel((q, s) => (useSlow ? slow.fetchPage(q, s) : fast.fetchPage(q, s)));
    const first = model.showQuery({ title: 'first', query });
    useSlow = false;
    await model.showQuery({ title: 'second', query: { udf_name: 'other' } });
    await first;
    assert.equal(model.snapshot().title, 'second');
    assert.deepEqual(model.snapshot().records.map((r) => r.id), ['r9']);
  });

  it('a filter keeps paging past pages it hides entirely, up to a bound', async () => {
    const failing = (r: AuditLogRecord) => Boolean(r.stderr);
    const pages = [[record(1)], [record(2)], [record(3, { stderr: 'boom' })], [record(4)]];
    const source = pagedSource(pages);
    const model = new ResultsModel(source.fetchPage);
    await model.showQuery({ title: 't', query, keep: failing, filterLabel: 'failing runs only' });
    let snap = model.snapshot();
    assert.deepEqual(snap.records.map((r) => r.id), ['r3']);
    assert.equal(snap.loadedCount, 3);
    assert.equal(snap.hasMore, true);
    const none = pagedSource(Array.from({ length: MAX_AUTO_PAGES + 5 }, (_, i) => [record(i)]));
    const bounded = new ResultsModel(none.fetchPage);
    await bounded.showQuery({ title: 't', query, keep: failing });
    snap = bounded.snapshot();
    assert.equal(none.calls.length, MAX_AUTO_PAGES);
    assert.equal(snap.records.length, 0);
    assert.equal(snap.hasMore, true);
  });

  it('computed records, cancel and clear', async () => {
    const model = new ResultsModel(pagedSource([]).fetchPage);
    model.showRecords({ title: 'recent', records: [record(1), record(1), record(2)], notice: 'capped' });
    assert.deepEqual(model.snapshot().records.map((r) => r.id), ['r1', 'r2']);
    assert.equal(model.snapshot().hasMore, false);
    assert.equal(model.snapshot().notice, 'capped');
    let changes = 0;
    model.onDidChange(() => changes++);
    model.clear();
    assert.equal(model.snapshot().active, false);
    assert.equal(model.snapshot().records.length, 0);
    assert.equal(changes, 1);

    const source = pagedSource([[record(1)], [record(2)]]);
    const cancellable = new ResultsModel(source.fetchPage);
    await cancellable.showQuery({ title: 't', query });
    const pending = cancellable.loadMore();
    cancellable.cancel();
    await pending;
    assert.deepEqual(cancellable.snapshot().records.map((r) => r.id), ['r1']);
    assert.equal(cancellable.snapshot().error?.message, 'Cancelled.');
  });

  it('never offers Load more on a distinct or id answer, whatever token comes back', async () => {
    for (const single of [{ distinct: true, distinct_type: 'names' as const, max_records_to_scan: 5000 }, { id: 'r1' }]) {
      const source = pagedSource([[record(1), record(2)], [record(3)]]);
      const model = new ResultsModel(source.fetchPage);
      await model.showQuery({ title: describeQuery(single), query: single });
      assert.equal(model.snapshot().hasMore, false, JSON.stringify(single));
      await model.loadMore();
      assert.equal(source.calls.length, 1, 'no second request');
      assert.deepEqual(model.snapshot().records.map((r) => r.id), ['r1', 'r2']);
    }
  });

  it('a page with a fresh token but nothing new ends paging with a clear error; what was shown stays', async () => {
    let calls = 0;
    const model = new ResultsModel(async (q) => {
      calls++;
      return q.page_token ? { items: [record(1)], limit: 2, next_page_token: `fresh-${calls}` } : { items: [record(1), record(2)], limit: 2, next_page_token: 'fresh-0' };
    });
    await model.showQuery({ title: 't', query });
    await model.loadMore();
    const snapshot = model.snapshot();
    assert.deepEqual(snapshot.records.map((r) => r.id), ['r1', 'r2']);
    assert.equal(snapshot.hasMore, false);
    assert.equal(snapshot.error?.message, 'Fused sent page 2 with a next-page token but no new run, so paging stopped (it would never end). The 2 runs shown are kept.');
    assert.equal(calls, 2);
  });

  it(`stops at ${MAX_RESULT_PAGES} pages for one query and says so in the log`, async () => {
    let served = 0;
    const warnings: string[] = [];
    const infos: string[] = [];
    const model = new ResultsModel(
      async () => {
        served++;
        return { items: [record(served)], limit: 1, next_page_token: `t${served}` };
      },
      undefined,
      { info: (m) => infos.push(m), warn: (m) => warnings.push(m) },
    );
    await model.showQuery({ title: 'endless', query: { limit: 1 } });
    while (model.snapshot().hasMore) await model.loadMore();
    assert.equal(served, MAX_RESULT_PAGES);
    assert.equal(model.snapshot().limitReached, true);
    assert.deepEqual(infos, [`endless: loading more pages; at most ${MAX_RESULT_PAGES} pages for one query.`]);
    assert.deepEqual(warnings, [`endless: stopped after ${MAX_RESULT_PAGES} pages (the bound for one query in Query Results) with more runs left; ${MAX_RESULT_PAGES} runs loaded.`]);
  });
});

describe('describeQuery', () => {
  it('reads like the query', () => {
    assert.equal(describeQuery({ udf_name: 'census_join' }), 'udf_name = census_join');
    assert.equal(describeQuery({ udf_id: 'u1', exec_env: true }), 'udf_id = u1 · exec env');
    assert.equal(describeQuery({ distinct: true, distinct_type: 'ids' }), 'distinct ids');
    assert.equal(describeQuery({}), 'my runs');
    assert.equal(describeQuery({ start_timestamp: 'a', end_timestamp: 'b', exec_env: true }), 'a → b · exec env');
    assert.equal(describeQuery({ id: 'x', exec_env: true }), 'id = x');
  });
});
