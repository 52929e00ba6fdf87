import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FailingUdfSummary } from '../../src/api/recipes';
import { cappedWindowsNotice, describeFailingRange, truncatedWindowsNotice, failingRowText, sortFailingSummaries, unnamedUdfLabel } from '../../src/shared/failingSummary';

function summary(udf_name: string | null, failure_count: number, last_failure: string, sample_error: string | null = 'Traceback\nValueError: bad'): FailingUdfSummary {
  return { udf_name, failure_count, last_failure, sample_error, error_count: failure_count, incomplete_count: 0 };
}

const rows = [
  summary('beta', 3, '2026-11-25T10:00:00Z'),
  summary('alpha', 7, '2026-11-24T10:00:00Z'),
  summary(null, 3, '2026-11-25T12:00:00Z', null),
  summary('Gamma', 3, '2026-11-25T10:00:00Z'),
  summary('delta', 1, '2026-11-26T01:00:00Z'),
];
const names = (list: FailingUdfSummary[]) => list.map((s) => s.udf_name);

describe('sortFailingSummaries', () => {
  it('by count: most first, ties by newest failure, then by name', () => {
    assert.deepEqual(names(sortFailingSummaries(rows, 'count')), ['alpha', null, 'beta', 'Gamma', 'delta']);
  });
  it('by last failure: newest first, ties by count then name', () => {
    assert.deepEqual(names(sortFailingSummaries(rows, 'lastFailure')), ['delta', null, 'beta', 'Gamma', 'alpha']);
  });
  it('by name: case-insensitive A–Z, unnamed last', () => {
    assert.deepEqual(names(sortFailingSummaries(rows, 'name')), ['alpha', 'beta', 'delta', 'Gamma', null]);
  });
  it('returns a copy and keeps the input order', () => {
    const before = names(rows);
    sortFailingSummaries(rows, 'name');
    assert.deepEqual(names(rows), before);
  });
});

describe('failingRowText', () => {
  const now = new Date('2026-11-26T02:00:00Z');
  it('says count, when, and the exception line', () => {
    const text = failingRowText(summary('census_join', 2, '2026-11-26T01:00:00Z'), now, 'America/New_York');
    assert.equal(text.label, 'census_join');
    assert.equal(text.description, '2 failures · last 1 h ago (2026-11-25 20:00:00 EST)');
    assert.equal(text.detail, 'ValueError: bad');
  });
  it('explains a failure without stderr and names unnamed runs', () => {
    const text = failingRowText({ ...summary(null, 1, '2026-11-26T01:59:30Z', null), incomplete_count: 1 }, now, 'UTC');
    assert.equal(text.label, unnamedUdfLabel());
    assert.match(text.description, /^1 failure · last just now .* · 1 never finished$/);
    assert.match(text.detail, /No stderr/);
  });
  it('shows hostile stderr as one inert line', () => {
    const text = failingRowText(summary('x', 1, '2026-11-26T01:00:00Z', 'ok\n\u001b[31m<img src=x onerror=alert(1)>\u0007'), now, 'UTC');
    assert.equal(text.detail, '<img src=x onerror=alert(1)>⟨U+0007⟩');
  });
});

describe('cappedWindowsNotice and truncatedWindowsNotice', () => {
  const now = new Date('2026-11-26T02:00:00.000Z');
  it('name each window by its local time range, not the UTC date of its start', () => {
    assert.equal(cappedWindowsNotice([]), undefined);
    // 02:00 UTC on the 24th is still the 23rd in New York: the notice must not say "2026-11-24".
    assert.equal(
      cappedWindowsNotice([{ start: '2026-11-24T02:00:00.000Z', end: '2026-11-24T08:00:00.000Z' }], 'America/New_York', now),
      'One window may be incomplete (23 Nov 21:00 – 24 Nov 03:00): they held more runs than the request budget could read, and a distinct query scans at most 5000 runs, so UDFs used only there may be missing.',
    );
    assert.match(
      cappedWindowsNotice(
        [
          { start: '2026-11-14T09:00:00Z', end: '2026-11-14T15:00:00Z' },
          { start: '2026-11-15T09:00:00Z', end: '2026-11-16T09:00:00Z' },
        ],
        'UTC',
        now,
      ) ?? '',
      /^2 windows may be incomplete \(14 Nov 09:00–15:00, 15 Nov 09:00 – 16 Nov 09:00\)/,
    );
  });
  it('the failing recipe names its cut windows the same way', () => {
    assert.equal(truncatedWindowsNotice([], 5000), undefined);
    assert.equal(
      truncatedWindowsNotice([{ start: '2026-11-24T02:00:00.000Z', end: '2026-11-25T02:00:00.000Z' }], 5000, 'UTC', now),
      'One day window had over 5000 runs (24 Nov 02:00 – 25 Nov 02:00); older failures in it were not read.',
    );
  });
});

describe('describeFailingRange', () => {
  const now = new Date('2026-11-26T02:00:00.000Z');
  it('says "last N days/hours" for ranges that end now', () => {
    assert.equal(describeFailingRange({}, 7, now), 'last 7 days');
    assert.equal(describeFailingRange({}, 1, now), 'last day');
    assert.equal(describeFailingRange({ start: '2026-11-19T02:00:00.000Z', end: '2026-11-26T01:59:30.000Z' }, 7, now), 'last 7 days');
    assert.equal(describeFailingRange({ start: '2026-11-25T02:00:00.000Z', end: '2026-11-26T02:00:00.000Z' }, 7, now), 'last day');
    assert.equal(describeFailingRange({ start: '2026-11-26T01:00:00.000Z', end: '2026-11-26T02:00:00.000Z' }, 7, now), 'last hour');
  });
  it('shows local times for other ranges', () => {
    assert.equal(
      describeFailingRange({ start: '2026-11-20T14:00:00Z', end: '2026-11-21T02:30:00Z' }, 7, now, 'America/New_York'),
      '2026-11-20 09:00:00 EST → 2026-11-20 21:30:00 EST',
    );
    assert.equal(describeFailingRange({ end: '2026-11-21T02:30:00Z' }, 7, now, 'UTC'), 'until 2026-11-21 02:30:00 UTC');
    assert.equal(describeFailingRange({ start: '2026-11-20T14:00:00Z' }, 7, now, 'UTC'), 'since 2026-11-20 14:00:00 UTC');
  });
});
