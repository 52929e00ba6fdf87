import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditLogRecord, RunStatus } from '../../src/api/types';
import { summariseRuns, TimedCache } from '../../src/udfEditor/runSummary';

const statusOf = (record: AuditLogRecord): RunStatus =>
  record.stderr?.trim() ? 'failed' : record.execution_time == null ? 'incomplete' : record.cache ? 'cached' : 'ok';

function run(id: string, timestamp: string, extra: Partial<AuditLogRecord> = {}): AuditLogRecord {
  return { id, timestamp, execution_time: 1, ...extra };
}

describe('summariseRuns', () => {
  it('compares timestamps as instants, not as text (offsets, fractions, Z)', () => {
    // As text "…12:00:00+02:00" sorts after "…11:00:00Z", but it is 10:00 UTC: older.
    const summary = summariseRuns(
      [
        run('utc11', '2026-11-25T11:00:00Z', { stderr: 'boom' }),
        run('plus2', '2026-11-25T12:00:00+02:00', { stderr: 'older boom' }),
        run('frac', '2026-11-25T10:59:59.999999+00:00'),
      ],
      statusOf,
    );
    assert.equal(summary.latest?.id, 'utc11');
    assert.equal(summary.latestFailure?.id, 'utc11');
    const microseconds = summariseRuns([run('a', '2026-11-25T11:00:00.000002+00:00'), run('b', '2026-11-25T11:00:00.000010Z')], statusOf);
    assert.equal(summary.total, 3);
    assert.equal(microseconds.latest?.id, 'b', 'microseconds count');
  });

  it('counts statuses, finds the latest run and the latest failure, and the median duration', () => {
    const summary = summariseRuns(
      [
        run('a', '2026-11-25T10:00:00Z', { execution_time: 2 }),
        run('b', '2026-11-25T12:00:00Z', { stderr: 'Traceback…\nValueError: bad', execution_time: 4 }),
        run('c', '2026-11-25T13:00:00Z', { execution_time: null }),
        run('d', '2026-11-25T14:00:00Z', { cache: true, execution_time: 0.1 }),
        run('e', '2026-11-25T09:00:00Z', { stderr: '   ', execution_time: 3 }),
      ],
      statusOf,
    );
    assert.deepEqual(summary.counts, { ok: 2, failed: 1, incomplete: 1, cached: 1 });
    assert.equal(summary.total, 5);
    assert.equal(summary.latest?.id, 'd');
    assert.equal(summary.latestFailure?.id, 'c');
    assert.equal(summary.medianSeconds, 2.5);
  });

  it('has no latest run and no median for no runs', () => {
    const summary = summariseRuns([], statusOf);
    assert.equal(summary.latest, undefined);
    assert.equal(summary.medianSeconds, undefined);
    assert.equal(summary.total, 0);
  });
});

describe('TimedCache', () => {
  it('expires entries after the TTL and bounds its size', () => {
    let now = 1000;
    const cache = new TimedCache<number>(100, 2, () => now);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    assert.equal(cache.get('a'), undefined, 'oldest entry evicted at the bound');
    assert.equal(cache.get('b'), 2);
    now += 101;
    assert.equal(cache.get('c'), undefined, 'expired');
  });
});
