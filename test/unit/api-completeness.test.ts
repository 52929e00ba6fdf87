// The proven UDF list (src/api/completeness.ts) on an in-process stand-in of the endpoint:
// rounds, splitting, continuation through runs that share one instant, the budget, what is
// marked and why. The same logic runs against the real server in the differential check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_UNPROVEN_WINDOWS, provenDistinct, type ProofProgress } from '../../src/api/completeness';
import type { AuditLogPage, AuditLogQuery } from '../../src/api/types';
import { FakeSource, record } from './api-fake-source';

const now = new Date('2025-04-08T12:00:00.000Z');
const hoursAgo = (h: number): string => new Date(now.getTime() - h * 3_600_000).toISOString();
const pad = (i: number) => String(i).padStart(4, '0');

/** A day: 5 sparse runs, one rare early run, then `burst` runs of "busy" in the last 3 hours. */
function burstDay(burst: number) {
  const sparse = Array.from({ length: 5 }, (_, i) => record(`s${i}`, hoursAgo(20 - i * 3), { udf_name: `sparse${i % 2}` }));
  const rare = record('rare', hoursAgo(22), { udf_name: 'rare' });
  const busy = Array.from({ length: burst }, (_, i) => record(`b${pad(i)}`, new Date(now.getTime() - 60_000 - (i * 3 * 3_600_000) / burst).toISOString(), { udf_name: `busy${i % 3}` }));
  return [...sparse, rare, ...busy];
}

describe('provenDistinct', () => {
  it('one request when the first newest-first page reaches the range start', async () => {
    const source = new FakeSource({ records: burstDay(20) });
    const result = await provenDistinct(source, { distinctType: 'names', start: hoursAgo(24), now });
    assert.equal(result.requests, 1);
    assert.deepEqual(result.unproven, []);
    assert.deepEqual(result.records.map((r) => r.udf_name), ['busy0', 'busy1', 'busy2', 'sparse0', 'sparse1', 'rare']);
    assert.deepEqual(source.calls, [{ start_timestamp: hoursAgo(24), limit: 300, scan_forward: false }], 'open end: runs that land while reading count');
  });

  it('a late burst: one page read oldest first surveys the rest (reading the sparse early runs), then the burst is split until every part is read', async () => {
    const source = new FakeSource({ records: burstDay(200) });
    const progress: ProofProgress[] = [];
    const result = await provenDistinct(source, { distinctType: 'names', start: hoursAgo(24), pageLimit: 10, budget: 64, now, onProgress: (p) => progress.push(p) });
    assert.deepEqual(result.unproven, []);
    assert.ok(result.records.some((r) => r.id === 'rare'));
    assert.equal(result.runsRead, 206);
    assert.equal(result.requests, source.calls.length);
    assert.ok(result.requests <= 64);
    assert.equal(result.rounds, 3, 'the range, the survey, the split');
    assert.deepEqual(source.calls[2], { start_timestamp: hoursAgo(24), end_timestamp: source.calls[2].end_timestamp, limit: 10, scan_forward: true }, 'the survey reads oldest first');
    assert.equal(progress.length, result.requests, 'progress after every request');
    assert.ok(source.calls.every((c) => !c.distinct), 'no distinct query is needed once everything is read');
  });

  it('continues a page token through more runs at one instant than a page holds (no re-reading forever)', async () => {
    const instant = hoursAgo(2);
    const tied = Array.from({ length: 35 }, (_, i) => record(`t${pad(i)}`, instant, { udf_name: i === 0 ? 'smallest-id' : 'tied' }));
    const older = record('old', hoursAgo(10), { udf_name: 'older' });
    const source = new FakeSource({ records: [...tied, older] });
    const result = await provenDistinct(source, { distinctType: 'names', start: hoursAgo(24), end: instant, pageLimit: 10, now });
    assert.deepEqual(result.unproven, []);
    assert.deepEqual(result.records.map((r) => r.id).sort(), ['old', 't0000', 't0034']);
    assert.equal(result.runsRead, 36);
  });

  it('all time: a page read oldest first in the same round trip finds the first run, which bounds the range', async () => {
    const records = Array.from({ length: 50 }, (_, i) => record(`r${pad(i)}`, hoursAgo(24 * 400 - i * 24 * 8), { udf_name: `u${i % 7}` }));
    const source = new FakeSource({ records });
    const result = await provenDistinct(source, { distinctType: 'names', pageLimit: 8, now });
    assert.deepEqual(result.unproven, []);
    assert.equal(result.records.length, 7);
    assert.equal(result.runsRead, 50);
    assert.deepEqual(source.calls.slice(0, 2), [
      { limit: 8, scan_forward: false },
      { limit: 8, scan_forward: true },
    ]);
  });

  it('out of budget: the unproven windows are returned (at most a few), asked with the documented distinct query, and the budget holds', async () => {
    const source = new FakeSource({ records: burstDay(400) });
    const result = await provenDistinct(source, { distinctType: 'names', start: hoursAgo(24), pageLimit: 10, budget: 12, now });
    assert.ok(result.requests <= 12);
    assert.equal(result.requests, source.calls.length);
    assert.ok(result.unproven.length >= 1 && result.unproven.length <= MAX_UNPROVEN_WINDOWS);
    assert.ok(result.unproven.every((w) => w.reason === 'budget' && Date.parse(w.start) <= Date.parse(w.end)));
    const distinct = source.calls.filter((c) => c.distinct);
    assert.equal(distinct.length, result.unproven.length);
    assert.deepEqual(
      distinct.map((c) => [c.start_timestamp, c.end_timestamp, c.max_records_to_scan]),
      result.unproven.map((w) => [w.start, w.end, 5000]),
    );
    // Every run outside the marked windows was read.
    const marked = (t: string) => result.unproven.some((w) => Date.parse(w.start) <= Date.parse(t) && Date.parse(t) <= Date.parse(w.end));
    for (const r of burstDay(400)) {
      if (!marked(r.timestamp)) assert.ok(result.records.some((x) => x.udf_name === r.udf_name), `${r.id} (${r.udf_name}) was read`);
    }
  });

  it('a page with a next-page token but no runs cannot be continued: its window is marked ("paging")', async () => {
    const source = {
      calls: 0,
      async query(query: AuditLogQuery): Promise<AuditLogPage> {
        this.calls++;
        if (query.distinct) return { items: [record('d', hoursAgo(3), { udf_name: 'seen-by-distinct' })], limit: 100, next_page_token: null };
        return { items: [], limit: 300, next_page_token: `fresh-${this.calls}` };
      },
    };
    const result = await provenDistinct(source, { distinctType: 'names', start: hoursAgo(24), end: now, now });
    assert.deepEqual(result.unproven, [{ start: hoursAgo(24), end: now.toISOString(), reason: 'paging' }]);
    assert.equal(source.calls, 2);
    assert.deepEqual(result.records.map((r) => r.udf_name), ['seen-by-distinct']);
  });

  it('keys by udf_id and counts runs without the key; refuses a budget under 2 and a reversed range', async () => {
    const records = [record('a', hoursAgo(1), { udf_id: 'x', udf_name: 'same' }), record('b', hoursAgo(2), { udf_id: 'y', udf_name: 'same' }), record('c', hoursAgo(3), {})];
    const result = await provenDistinct(new FakeSource({ records }), { distinctType: 'ids', start: hoursAgo(5), now });
    assert.deepEqual(result.records.map((r) => r.udf_id), ['x', 'y']);
    assert.equal(result.unkeyedRuns, 1);
    await assert.rejects(provenDistinct(new FakeSource({ records }), { distinctType: 'ids', budget: 1 }), /at least 2/);
    await assert.rejects(provenDistinct(new FakeSource({ records }), { distinctType: 'ids', start: hoursAgo(1), end: hoursAgo(2) }), /after its end/);
  });

  it('compares instants, not text: a record at +02:00 is placed by its instant', async () => {
    const records = [record('late-utc', '2025-04-08T09:30:00Z', { udf_name: 'u' }), record('early-offset', '2025-04-08T11:00:00+02:00', { udf_name: 'u' })];
    const result = await provenDistinct(new FakeSource({ records }), { distinctType: 'names', start: hoursAgo(24), now });
    assert.deepEqual(result.records.map((r) => r.id), ['late-utc']);
  });
});
