import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NetworkError } from '../../src/api/errors';
import type { PageSource } from '../../src/api/paging';
import {
  dayWindows,
  failingUdfs,
  failingUdfsReport,
  judgeCap,
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
  it('merges day windows keeping the newest record per name, newest first', async () => {
    const source = new FakeSource({ records: udfRecords() });
    const result = await recentlyUsedUdfs(source, { distinctType: 'names', now, days: 7 });
    assert.deepEqual(result.records.map((r) => [r.udf_name, r.id]), [
      ['alpha', 'a1'],
      ['beta', 'b2'],
      ['gamma', 'c1'],
    ]);
    assert.deepEqual(result.cappedWindows, []);
    const distinctCalls = source.calls.filter((c) => c.distinct);
    assert.equal(distinctCalls.length, 7);
    for (const call of distinctCalls) {
      assert.equal(call.max_records_to_scan, 5000);
      assert.equal(call.distinct_type, 'names');
      assert.equal(call.exec_env, undefined);
    }
  });
  it('keys by udf_id for "ids" and passes exec_env', async () => {
    const source = new FakeSource({ records: udfRecords() });
    const result = await recentlyUsedUdfs(source, { distinctType: 'ids', execEnv: true, now, detectCap: false });
    assert.deepEqual(result.records.map((r) => r.udf_id), ['id-alpha', 'id-beta-2', 'id-beta-1', 'id-gamma']);
    assert.ok(source.calls.every((c) => c.exec_env === true));
    assert.equal(source.calls.length, 7, 'no probe requests when detectCap is false');
  });
  it('reports a window whose distinct scan missed runs, and still returns those runs', async () => {
    // One early run of "early", then 30 runs of "busy": a newest-first scan capped at 25 never reaches "early".
    const early = record('early', hoursAgo(12), { udf_name: 'early' });
    const busy = Array.from({ length: 30 }, (_, i) => record(`busy${i}`, hoursAgo(10 - i * 0.1), { udf_name: 'busy' }));
    const source = new FakeSource({ records: [early, ...busy], distinctScanCap: 25 });
    const result = await recentlyUsedUdfs(source, { distinctType: 'names', now, days: 2, maxRecordsToScan: 25 });
    assert.deepEqual(result.cappedWindows.map((w) => [w.end, w.reason]), [[now.toISOString(), 'missed']]);
    assert.deepEqual(result.records.map((r) => r.id), ['busy29', 'early']);
    const probes = source.calls.filter((c) => !c.distinct);
    assert.ok(probes.length === 2 && probes.every((c) => c.limit === 20 && c.scan_forward === true));
  });
  it('explicit start and end override days', async () => {
    const source = new FakeSource({ records: udfRecords() });
    const result = await recentlyUsedUdfs(source, { distinctType: 'names', start: hoursAgo(24), end: now, detectCap: false });
    assert.deepEqual(result.records.map((r) => r.id), ['a1', 'b2']);
    assert.equal(source.calls.length, 1);
  });
});

describe('judgeCap', () => {
  const window = { start: hoursAgo(24), end: now.toISOString() };
  it('not capped when the probe saw the whole window', () => {
    const items = [record('x', hoursAgo(1), { udf_name: 'x' })];
    assert.equal(judgeCap(window, items, { items, hasMore: false, oldestFirst: true }, 'names', 5000), undefined);
  });
  it('capped ("missed") when a probed key is missing from the distinct answer', () => {
    const probe = [record('y', hoursAgo(23), { udf_name: 'y' })];
    const distinct = [record('x', hoursAgo(1), { udf_name: 'x' })];
    assert.equal(judgeCap(window, distinct, { items: probe, hasMore: true, oldestFirst: true }, 'names', 5000)?.reason, 'missed');
    assert.equal(judgeCap(window, distinct, { items: probe, hasMore: true, oldestFirst: true }, 'ids', 5000), undefined, 'no udf_id: nothing to compare');
  });
  it('capped ("estimated") when 20 runs cover only a sliver of a day window', () => {
    const dense = Array.from({ length: 20 }, (_, i) => record(`p${i}`, hoursAgo(24 - i * 0.05), { udf_name: 'x' }));
    const distinct = [dense[19]];
    const capped = judgeCap(window, distinct, { items: dense, hasMore: true, oldestFirst: true }, 'names', 100);
    assert.equal(capped?.reason, 'estimated');
    assert.ok((capped?.estimatedRuns ?? 0) > 400);
    // ~505 runs a day is well under the maximum cap of 5000.
    assert.equal(judgeCap(window, distinct, { items: dense, hasMore: true, oldestFirst: true }, 'names', 5000), undefined);
    const burst = Array.from({ length: 20 }, (_, i) => record(`q${i}`, hoursAgo(i * 0.001), { udf_name: 'x' }));
    assert.equal(judgeCap(window, [burst[0]], { items: burst, hasMore: true, oldestFirst: false }, 'names', 5000)?.reason, 'estimated');
  });
  it('not capped by estimate when the runs are sparse', () => {
    const probe = Array.from({ length: 20 }, (_, i) => record(`p${i}`, hoursAgo(24 - i), { udf_name: 'x' }));
    assert.equal(judgeCap(window, [probe[19]], { items: probe, hasMore: true, oldestFirst: true }, 'names', 5000), undefined);
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
