// The numbers of the insights panel: buckets, percentiles, ratios and their trend, error
// groups, breakdowns, the scatter columns, and the whole view for 10,000 runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditLogRecord } from '../../src/api/types';
import {
  DAY_MS,
  HOUR_MS,
  STATUSES,
  bucketRuns,
  bucketStart,
  byEngine,
  byUser,
  cacheHitRatio,
  chooseBucket,
  failureRatio,
  groupErrors,
  inWindow,
  nextBucket,
  percentile,
  ratio,
  runTable,
  trendOf,
} from '../../src/insights/aggregate';
import { buildInsightsView } from '../../src/insights/viewModel';

const UTC = () => 0;
const T0 = Date.parse('2026-11-20T00:00:00Z');

let seq = 0;
function run(atMs: number, extra: Partial<AuditLogRecord> = {}): AuditLogRecord {
  seq++;
  return { id: `run-${String(seq).padStart(6, '0')}`, timestamp: new Date(atMs).toISOString(), execution_time: 1, stderr: '', cache: false, user_email: 'ada@example.com', execution_engine: 'realtime', ...extra };
}
const failed = (atMs: number, line: string, extra: Partial<AuditLogRecord> = {}) => run(atMs, { stderr: `Traceback (most recent call last):\n  File "x.py", line 1, in udf\n${line}\n`, ...extra });

describe('buckets', () => {
  it('an hour per bucket up to two days, a day beyond', () => {
    assert.equal(chooseBucket(HOUR_MS), 'hour');
    assert.equal(chooseBucket(2 * DAY_MS), 'hour');
    assert.equal(chooseBucket(2 * DAY_MS + 1), 'day');
    assert.equal(chooseBucket(30 * DAY_MS), 'day');
  });

  it('bucket starts follow local time: whole local hours and local midnights, across a DST change', () => {
    assert.equal(bucketStart(T0 + 90 * 60_000, 'hour', UTC), T0 + HOUR_MS);
    // UTC+5:30: local hours start at :30 UTC.
    const india = () => 330;
    assert.equal(new Date(bucketStart(T0 + 10 * 60_000, 'hour', india)).toISOString(), '2026-11-19T23:30:00.000Z');
    // New York: EST is UTC-5, so local midnight is 05:00Z.
    const eastern = (ms: number) => (ms >= Date.parse('2026-11-01T06:00:00Z') ? -300 : -240);
    assert.equal(new Date(bucketStart(Date.parse('2026-11-20T12:00:00Z'), 'day', eastern)).toISOString(), '2026-11-20T05:00:00.000Z');
    // The day of the change lasts 25 hours; the next day starts at the new offset's midnight.
    const changeDay = bucketStart(Date.parse('2026-11-01T12:00:00Z'), 'day', eastern);
    assert.equal(new Date(changeDay).toISOString(), '2026-11-01T04:00:00.000Z');
    assert.equal(new Date(nextBucket(changeDay, 'day', eastern)).toISOString(), '2026-11-02T05:00:00.000Z');
  });

  it('counts runs per bucket by status, every bucket present, with per-bucket percentiles', () => {
    const records = [
      run(T0 + 5 * 60_000, { execution_time: 2 }),
      run(T0 + 10 * 60_000, { execution_time: 4 }),
      run(T0 + 20 * 60_000, { cache: true, execution_time: 0.01 }),
      failed(T0 + 30 * 60_000, "KeyError: 'lat'", { execution_time: 0.5 }),
      run(T0 + 2 * HOUR_MS + 1, { execution_time: null, stderr: null }),
      run(T0 - 1), // before the range: not counted
    ];
    const buckets = bucketRuns(records, T0, T0 + 3 * HOUR_MS - 1, 'hour', UTC);
    assert.deepEqual(buckets.starts, [T0, T0 + HOUR_MS, T0 + 2 * HOUR_MS]);
    assert.deepEqual(buckets.counts, { ok: [2, 0, 0], cached: [1, 0, 0], failed: [1, 0, 0], incomplete: [0, 0, 1] });
    // Durations of the first hour: 0.01, 0.5, 2, 4.
    assert.equal(buckets.p50[0], 1.25);
    assert.ok(Math.abs((buckets.p95[0] ?? 0) - 3.7) < 1e-9);
    assert.deepEqual(buckets.p50.slice(1), [null, null], 'no completed run, no percentile');
  });

  it('a range of 30 days has 30 or 31 day buckets and the loop is bounded whatever the input', () => {
    const buckets = bucketRuns([], T0 - 30 * DAY_MS, T0, 'day', UTC);
    assert.equal(buckets.starts.length, 31);
    assert.equal(bucketRuns([], 0, Date.parse('2100-01-01T00:00:00Z'), 'hour', UTC).starts.length, 2400);
  });
});

describe('percentile', () => {
  it('interpolates between ranks like numpy', () => {
    assert.equal(percentile([], 50), undefined);
    assert.equal(percentile([7], 95), 7);
    assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.ok(Math.abs((percentile(hundred, 95) ?? 0) - 95.05) < 1e-9);
    assert.equal(percentile(hundred, 0), 1);
    assert.equal(percentile(hundred, 100), 100);
  });
});

describe('ratios', () => {
  it('failure rate is the documented failing rule (stderr or never finished) over all runs', () => {
    const records = [run(T0), failed(T0, 'ValueError: x'), run(T0, { execution_time: null, stderr: null }), run(T0, { stderr: '  ' })];
    assert.deepEqual(failureRatio(records), { numerator: 2, denominator: 4, value: 0.5 });
    assert.deepEqual(failureRatio([]), { numerator: 0, denominator: 0 });
  });

  it('cache-hit ratio counts only runs that say whether they hit the cache', () => {
    const records = [run(T0, { cache: true }), run(T0, { cache: false }), run(T0, { cache: null }), run(T0, { cache: undefined })];
    assert.deepEqual(cacheHitRatio(records), { numerator: 1, denominator: 2, value: 0.5 });
  });

  it('trend: up, down or same at the precision shown (0.1 pt); none without both values', () => {
    assert.equal(trendOf(ratio(3, 10), ratio(2, 10)), 'up');
    assert.equal(trendOf(ratio(1, 10), ratio(2, 10)), 'down');
    assert.equal(trendOf(ratio(1000, 10_000), ratio(10_001, 100_000)), 'same');
    assert.equal(trendOf(ratio(1, 10), undefined), undefined);
    assert.equal(trendOf(ratio(1, 10), ratio(0, 0)), undefined);
  });

  it('inWindow keeps [start, end): the previous range ends where the current one starts', () => {
    const records = [run(T0 - 1), run(T0), run(T0 + 1)];
    assert.deepEqual(inWindow(records, T0 - 10, T0).map((r) => r.timestamp), [new Date(T0 - 1).toISOString()]);
  });
});

describe('groupErrors', () => {
  it('groups by type and masked message, counts, first/last seen, newest run, most frequent first', () => {
    const a1 = failed(T0 + 1000, 'requests.exceptions.HTTPError: 503 Server Error for url: https://x.example/1');
    const a2 = failed(T0 + 3000, 'requests.exceptions.HTTPError: 504 Server Error for url: https://x.example/2');
    const a3 = failed(T0 + 2000, 'requests.exceptions.HTTPError: 502 Server Error for url: https://x.example/3');
    const b = failed(T0 + 5000, "KeyError: 'lat'");
    const c = run(T0 + 6000, { execution_time: null, stderr: null });
    const groups = groupErrors([a1, b, a2, run(T0), a3, c]);
    assert.equal(groups.length, 3);
    assert.deepEqual(groups[0], {
      type: 'requests.exceptions.HTTPError',
      message: '<n> Server Error for url: <path>',
      example: 'requests.exceptions.HTTPError: 504 Server Error for url: https://x.example/2',
      count: 3,
      firstSeen: a1.timestamp,
      lastSeen: a2.timestamp,
      latestRunId: a2.id,
    });
    // Equal counts: the most recent first.
    assert.deepEqual(groups.slice(1).map((g) => [g.type, g.count, g.latestRunId]), [
      ['(did not finish)', 1, c.id],
      ['KeyError', 1, b.id],
    ]);
  });
});

describe('breakdowns and the scatter columns', () => {
  it('runs and failing runs per user and per engine, missing values as their own row', () => {
    const records = [run(T0), run(T0, { user_email: 'grace@example.com', execution_engine: 'batch' }), failed(T0, 'ValueError: x'), run(T0, { user_email: null, user_id: null, execution_engine: null })];
    assert.deepEqual(byUser(records), [
      { label: 'ada@example.com', runs: 2, failing: 1 },
      { label: '(no user)', runs: 1, failing: 0 },
      { label: 'grace@example.com', runs: 1, failing: 0 },
    ]);
    assert.deepEqual(byEngine(records), [
      { label: 'realtime', runs: 2, failing: 1 },
      { label: '(no engine)', runs: 1, failing: 0 },
      { label: 'batch', runs: 1, failing: 0 },
    ]);
  });

  it('points oldest first with status, user and run by index; runs without a duration are counted, not drawn', () => {
    const late = run(T0 + 2000, { execution_time: 3, user_email: 'grace@example.com' });
    const early = failed(T0 + 1000, 'ValueError: x', { execution_time: 0.2 });
    const table = runTable([late, run(T0 + 1500, { execution_time: null, stderr: null }), early]);
    assert.deepEqual(table.ids, [early.id, late.id]);
    assert.deepEqual(table.users, ['ada@example.com', 'grace@example.com']);
    assert.deepEqual(table.points, { t: [(T0 + 1000) / 1000, (T0 + 2000) / 1000], seconds: [0.2, 3], status: [STATUSES.indexOf('failed'), STATUSES.indexOf('ok')], run: [0, 1], user: [0, 1] });
    assert.equal(table.withoutDuration, 1);
  });
});

describe('buildInsightsView', () => {
  const subject = { kind: 'udf_name' as const, value: 'flaky_geocoder', scope: 'mine' as const, range: { kind: 'preset' as const, preset: 'day' as const } };

  it('ties it together: totals, basis text, ratios against the previous range with ↑/↓, visible text', () => {
    const current = [run(T0 + 1000), failed(T0 + 2000, "KeyError: 'lat'"), failed(T0 + 3000, "KeyError: 'lat'"), run(T0 + 4000, { cache: true, user_email: 'bidi\u202Eevil@example.com' })];
    const previous = [run(T0 - 5000), run(T0 - 4000), failed(T0 - 3000, 'ValueError: x'), run(T0 - 2000)];
    const view = buildInsightsView({
      subject,
      window: { startMs: T0, endMs: T0 + DAY_MS },
      current: { records: current, complete: true, requests: 1 },
      previous: { records: previous, complete: true },
      budget: 1200,
      timeZone: 'UTC',
      offset: UTC,
    });
    assert.deepEqual(view.totals, { ok: 1, failed: 2, incomplete: 0, cached: 1, all: 4 });
    assert.equal(view.buckets.unit, 'hour');
    assert.equal(view.buckets.starts.length, 25);
    assert.equal(view.buckets.labels[0], '2026-11-20 00:00');
    assert.equal(view.basis.text, 'based on 4 runs: every run in the range');
    assert.equal(view.basis.canLoadMore, false);
    assert.equal(view.ratios.failure.text, '50.0 %');
    assert.equal(view.ratios.failure.detail, '2 of 4 runs');
    assert.equal(view.ratios.failure.previous?.text, '25.0 %');
    assert.equal(view.ratios.failure.trend, 'up');
    assert.equal(view.ratios.failure.trendText, '↑ 25.0 pts');
    assert.equal(view.ratios.failure.better, 'down');
    assert.equal(view.ratios.cacheHit.trend, 'up');
    assert.equal(view.errors[0].type, 'KeyError');
    assert.equal(view.errors[0].count, 2);
    assert.equal(view.errors[0].firstSeenText, '2026-11-20 00:00:02 UTC');
    assert.ok(view.durations.users.includes('bidi⟨U+202E⟩evil@example.com'), JSON.stringify(view.durations.users));
    assert.ok(view.byUser.some((row) => row.label === 'bidi⟨U+202E⟩evil@example.com'));
    assert.equal(view.coverageStartMs, undefined);
  });

  it('a partial load says which runs it is based on and marks where coverage starts', () => {
    const current = [run(T0 + 5 * HOUR_MS), run(T0 + 6 * HOUR_MS)];
    const view = buildInsightsView({ subject, window: { startMs: T0, endMs: T0 + DAY_MS }, current: { records: current, complete: false, requests: 4 }, budget: 2, timeZone: 'UTC', offset: UTC });
    assert.equal(view.basis.canLoadMore, true);
    assert.equal(view.basis.text, 'based on 2 runs: the newest in the range, back to 2026-11-20 05:00; older runs are not loaded');
    assert.equal(view.coverageStartMs, T0 + 5 * HOUR_MS);
    assert.equal(view.ratios.failure.previous, undefined);
    assert.equal(view.ratios.previousLabel, 'no previous range for all time');
  });

  it('10,000 runs aggregate in well under a second', () => {
    const records: AuditLogRecord[] = [];
    for (let i = 0; i < 10_000; i++) {
      const at = T0 + Math.floor((i / 10_000) * 7 * DAY_MS);
      records.push(i % 7 === 0 ? failed(at, `requests.exceptions.HTTPError: ${500 + (i % 4)} Server Error for url: https://x.example/${i}`) : run(at, { execution_time: 0.1 + (i % 100) / 10, cache: i % 5 === 0 }));
    }
    const started = performance.now();
    const view = buildInsightsView({ subject: { ...subject, range: { kind: 'preset', preset: 'week' } }, window: { startMs: T0, endMs: T0 + 7 * DAY_MS }, current: { records, complete: true, requests: 34 }, budget: 10_000, timeZone: 'UTC', offset: UTC });
    const elapsed = performance.now() - started;
    assert.equal(view.totals.all, 10_000);
    assert.equal(view.durations.points.t.length, 10_000);
    assert.equal(view.errors.length, 1);
    assert.equal(view.errors[0].count, Math.ceil(10_000 / 7));
    assert.equal(view.buckets.unit, 'day');
    assert.ok(elapsed < 1000, `aggregation took ${elapsed.toFixed(0)} ms`);
  });
});
