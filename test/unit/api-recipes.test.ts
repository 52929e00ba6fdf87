import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NetworkError } from '../../src/api/errors';
import type { PageSource } from '../../src/api/paging';
import {
  dayWindows,
  failingUdfs,
  failingUdfsReport,
  mapWithConcurrency,
  recentlyUsedUdfs,
  summarizeFailures,
} from '../../src/api/recipes';
import type { AuditLogPage, AuditLogQuery } from '../../src/api/types';
import { FakeSource, record } from './api-fake-source';

const now = new Date('2025-04-08T12:00:00.000Z');
const hoursAgo = (h: number): string => new Date(now.getTime() - h * 3_600_000).toISOString();

describe('dayWindows', () => {
  it('splits the last N days into day windows, newest first, like the documented recipe', () => {
    const windows = dayWindows({ days: 3, now });
    assert.deepEqual(windows, [
      { start: '2025-04-07T12:00:00.000Z', end: '2025-04-08T12:00:00.000Z' },
      { start: '2025-04-06T12:00:00.000Z', end: '2025-04-07T12:00:00.000Z' },
      { start: '2025-04-05T12:00:00.000Z', end: '2025-04-06T12:00:00.000Z' },
    ]);
    assert.equal(dayWindows({ now }).length, 7);
  });
  it('accepts an explicit range and cuts the oldest window at its start', () => {
    const windows = dayWindows({ start: '2025-04-01T06:00:00+00:00', end: new Date('2025-04-03T00:00:00Z') });
    assert.deepEqual(windows, [
      { start: '2025-04-02T00:00:00.000Z', end: '2025-04-03T00:00:00.000Z' },
      { start: '2025-04-01T06:00:00.000Z', end: '2025-04-02T00:00:00.000Z' },
    ]);
  });
  it('rejects a reversed range, a bad timestamp and a non-positive day count', () => {
    assert.throws(() => dayWindows({ start: '2025-04-03T00:00:00Z', end: '2025-04-01T00:00:00Z' }), /after its end/);
    assert.throws(() => dayWindows({ start: '2025-04-03', end: '2025-04-04T00:00:00Z' }), /no UTC offset/);
    assert.throws(() => dayWindows({ days: 0, now }), /positive/);
  });
});

describe('mapWithConcurrency', () => {
  it('never runs more than the bound at once and keeps input order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0, 6], 3, undefined, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, n * 2));
      running--;
      return n * 10;
    });
    assert.deepEqual(results, [50, 10, 40, 20, 30, 0, 60]);
    assert.equal(peak, 3);
  });
  it('aborts the others on the first failure and rethrows it', async () => {
    const seen: boolean[] = [];
    await assert.rejects(
      mapWithConcurrency([0, 1, 2, 3, 4], 2, undefined, async (n, _i, signal) => {
        if (n === 1) throw new NetworkError('boom');
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen.push(signal.aborted);
        return n;
      }),
      /boom/,
    );
    assert.deepEqual(seen, [true], 'the in-flight task saw the abort and no new task started');
  });
});

function udfRecords() {
  return [
    record('a1', hoursAgo(1), { udf_name: 'alpha', udf_id: 'id-alpha' }),
    record('a2', hoursAgo(30), { udf_name: 'alpha', udf_id: 'id-alpha' }),
    record('b1', hoursAgo(50), { udf_name: 'beta', udf_id: 'id-beta-1' }),
    record('b2', hoursAgo(5), { udf_name: 'beta', udf_id: 'id-beta-2' }),
    record('c1', hoursAgo(100), { udf_name: 'gamma', udf_id: 'id-gamma' }),
    record('old', hoursAgo(24 * 9), { udf_name: 'ancient', udf_id: 'id-ancient' }),
    record('anon', hoursAgo(2), { udf_name: null, udf_id: null }),
  ];
}

describe('recentlyUsedUdfs', () => {
  it('is one request when a page reaches the range start: the newest record per name, newest first, proven', async () => {
    const source = new FakeSource({ records: udfRecords() });
    const result = await recentlyUsedUdfs(source, { distinctType: 'names', now, days: 7 });
    assert.deepEqual(result.records.map((r) => [r.udf_name, r.id]), [
      ['alpha', 'a1'],
      ['beta', 'b2'],
      ['gamma', 'c1'],
    ]);
    assert.deepEqual(result.cappedWindows, []);
    assert.equal(result.requests, 1);
    assert.deepEqual(source.calls, [{ start_timestamp: hoursAgo(24 * 7), end_timestamp: now.toISOString(), limit: 300, scan_forward: false }]);
  });
  it('keys by udf_id for "ids" and passes exec_env', async () => {
    const source = new FakeSource({ records: udfRecords() });
    const result = await recentlyUsedUdfs(source, { distinctType: 'ids', execEnv: true, now });
    assert.deepEqual(result.records.map((r) => r.udf_id), ['id-alpha', 'id-beta-2', 'id-beta-1', 'id-gamma']);
    assert.ok(source.calls.every((c) => c.exec_env === true));
  });
  it('finds the rare UDF that ran before a late burst (which fools a capped distinct scan)', async () => {
    // One early run of "rare", then 60 runs of "busy" late: a distinct scan capped at 25 never reaches "rare".
    const rare = record('rare', hoursAgo(40), { udf_name: 'rare' });
    const busy = Array.from({ length: 60 }, (_, i) => record(`busy${String(i).padStart(2, '0')}`, hoursAgo(3 - i * 0.04), { udf_name: 'busy' }));
    const source = new FakeSource({ records: [rare, ...busy] });
    const result = await recentlyUsedUdfs(source, { distinctType: 'names', now, days: 2, maxRecordsToScan: 25, pageLimit: 10, budget: 32 });
    assert.deepEqual(result.records.map((r) => r.id), ['busy59', 'rare']);
    assert.deepEqual(result.cappedWindows, [], 'proven by splitting');
    assert.ok(result.requests <= 32);
    assert.equal(result.runsRead, 61);
  });
  it('returns the windows it could not prove within the budget, after asking them with a distinct query', async () => {
    const rare = record('rare', hoursAgo(40), { udf_name: 'rare' });
    const busy = Array.from({ length: 60 }, (_, i) => record(`busy${String(i).padStart(2, '0')}`, hoursAgo(3 - i * 0.04), { udf_name: 'busy' }));
    const source = new FakeSource({ records: [rare, ...busy] });
    const result = await recentlyUsedUdfs(source, { distinctType: 'names', now, days: 2, pageLimit: 10, budget: 3 });
    assert.equal(result.requests, 3);
    assert.equal(source.calls.length, 3);
    assert.ok(result.cappedWindows.length >= 1);
    assert.ok(result.cappedWindows.every((w) => w.reason === 'budget'));
    const distinct = source.calls.filter((c) => c.distinct);
    assert.equal(distinct.length, 1, 'the reserve asks the unproven window with the documented distinct query');
    assert.equal(distinct[0].max_records_to_scan, 5000);
  });
  it('explicit start and end override days', async () => {
    const source = new FakeSource({ records: udfRecords() });
    const result = await recentlyUsedUdfs(source, { distinctType: 'names', start: hoursAgo(24), end: now });
    assert.deepEqual(result.records.map((r) => r.id), ['a1', 'b2']);
    assert.equal(source.calls.length, 1);
  });
});

function failureRecords() {
  return [
    record('f1', hoursAgo(1), { udf_name: 'alpha', stderr: 'Traceback: newest alpha' }),
    record('f2', hoursAgo(26), { udf_name: 'alpha', stderr: 'Traceback: old alpha' }),
    record('f3', hoursAgo(3), { udf_name: 'alpha', stderr: '', execution_time: null }),
    record('ok1', hoursAgo(2), { udf_name: 'alpha' }),
    record('f4', hoursAgo(4), { udf_name: 'beta', stderr: '', execution_time: null }),
    record('f5', hoursAgo(50), { udf_name: 'beta', stderr: '   ', execution_time: null }),
    record('f6', hoursAgo(0.5), { udf_name: 'gamma', stderr: 'ValueError' }),
    record('f7', hoursAgo(0.2), { udf_name: 'delta', stderr: 'KeyError', cache: true }),
    record('f8', hoursAgo(60), { udf_name: 'delta', stderr: 'KeyError 2' }),
    record('ok2', hoursAgo(6), { udf_name: 'epsilon', stderr: '\n' }),
    record('f9', hoursAgo(24 * 8), { udf_name: 'zeta', stderr: 'too old' }),
    // Exactly on a window boundary: inside two windows, must count once.
    record('edge', hoursAgo(24), { udf_name: 'gamma', stderr: 'boundary' }),
  ];
}

describe('failingUdfs', () => {
  it('groups failures by name with count, last failure and the newest stderr, sorted', async () => {
    const source = new FakeSource({ records: failureRecords() });
    const summaries = await failingUdfs(source, { now, days: 7 });
    assert.deepEqual(
      summaries.map((s) => [s.udf_name, s.failure_count, s.last_failure, s.sample_error]),
      [
        ['alpha', 3, hoursAgo(1), 'Traceback: newest alpha'],
        ['delta', 2, hoursAgo(0.2), 'KeyError'],
        ['gamma', 2, hoursAgo(0.5), 'ValueError'],
        ['beta', 2, hoursAgo(4), null],
      ],
    );
    const beta = summaries.find((s) => s.udf_name === 'beta');
    assert.deepEqual([beta?.error_count, beta?.incomplete_count], [0, 2]);
    for (const call of source.calls) {
      assert.equal(call.limit, 300);
      assert.equal(call.scan_forward, false);
    }
  });
  it('stops each window at maxRecordsPerWindow and says which windows were cut', async () => {
    const many = Array.from({ length: 40 }, (_, i) => record(`m${i}`, hoursAgo(1 + i * 0.1), { udf_name: 'many', stderr: `err ${i}` }));
    const source = new FakeSource({ records: many });
    const report = await failingUdfsReport(source, { now, days: 2, maxRecordsPerWindow: 15 });
    assert.equal(report.summaries[0].failure_count, 15);
    assert.equal(report.summaries[0].sample_error, 'err 0');
    assert.deepEqual(report.truncatedWindows.map((w) => w.end), [now.toISOString()]);
    assert.equal(report.scannedRuns, 15);
  });
  it('accepts an explicit range and exec_env', async () => {
    const source = new FakeSource({ records: failureRecords() });
    const summaries = await failingUdfs(source, { start: hoursAgo(5), end: now.toISOString(), execEnv: true });
    assert.deepEqual(summaries.map((s) => s.udf_name), ['alpha', 'delta', 'gamma', 'beta']);
    assert.ok(source.calls.every((c) => c.exec_env === true && c.start_timestamp === hoursAgo(5)));
  });
  it('propagates a failure from any window', async () => {
    const failing: PageSource = {
      async query(query: AuditLogQuery): Promise<AuditLogPage> {
        if (query.end_timestamp !== now.toISOString()) throw new NetworkError('down');
        return { items: [], limit: 300, next_page_token: null };
      },
    };
    await assert.rejects(failingUdfs(failing, { now }), /down/);
  });
  it('summarizeFailures groups runs without a name under null', () => {
    const summaries = summarizeFailures([record('n1', hoursAgo(1), { udf_name: null, stderr: 'x' }), record('n2', hoursAgo(2), { stderr: 'y' })]);
    assert.deepEqual(summaries.map((s) => [s.udf_name, s.failure_count, s.sample_error]), [[null, 2, 'x']]);
  });
});
