// The UDF tree's pure model: queries per level, grouping, filters, ranges, merging pages.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditLogRecord } from '../../src/api/types';
import {
  DEFAULT_VIEW_STATE,
  type ViewState,
  autoRefreshDelayMs,
  MIN_AUTO_REFRESH_SECONDS,
  testAutoRefreshMinimumSeconds,
  buildUdfEntries,
  clampPageSize,
  describeState,
  filterEntries,
  mergeRuns,
  reviveViewState,
  runsQuery,
} from '../../src/views/treeModel';

const NOW = new Date('2026-11-25T12:00:00.000Z');

function record(id: string, timestamp: string, fields: Partial<AuditLogRecord> = {}): AuditLogRecord {
  return { id, timestamp, ...fields };
}

function state(overrides: Partial<ViewState> = {}): ViewState {
  return { ...DEFAULT_VIEW_STATE, ...overrides };
}

describe('buildUdfEntries', () => {
  const records = [
    record('1', '2026-11-25T10:00:00Z', { udf_name: 'alpha', udf_id: 'id-a1' }),
    record('2', '2026-11-25T11:00:00Z', { udf_name: 'beta', udf_id: 'id-b' }),
    record('3', '2026-11-25T09:00:00Z', { udf_name: 'alpha', udf_id: 'id-a2' }),
    record('4', '2026-11-25T11:30:00Z', { udf_name: null, udf_id: 'id-x' }),
  ];

  it('groups by name, newest latest run first, keeping the newest record per name', () => {
    const { entries, unkeyed } = buildUdfEntries(records, 'names');
    assert.deepEqual(entries.map((e) => [e.key, e.latest.id]), [['beta', '2'], ['alpha', '1']]);
    assert.equal(unkeyed, 1);
    assert.ok(entries.every((e) => !e.nameShared));
  });

  it('groups by id: two ids sharing a name both show and are marked', () => {
    const { entries, unkeyed } = buildUdfEntries(records, 'ids');
    assert.deepEqual(entries.map((e) => e.key), ['id-x', 'id-b', 'id-a1', 'id-a2']);
    assert.equal(unkeyed, 0);
    const shared = entries.filter((e) => e.nameShared).map((e) => e.key);
    assert.deepEqual(shared.sort(), ['id-a1', 'id-a2']);
    assert.equal(entries[0].name, '(unnamed id-x)');
  });
});

describe('filterEntries', () => {
  const { entries } = buildUdfEntries(
    [
      record('1', '2026-11-25T10:00:00Z', { udf_name: 'Load_Tiles', udf_id: 'u1' }),
      record('2', '2026-11-25T11:00:00Z', { udf_name: 'buildings', udf_id: 'u2' }),
      record('3', '2026-11-25T09:00:00Z', { udf_name: 'tiles_v2', udf_id: 'u3' }),
    ],
    'ids',
  );

  it('matches names case-insensitively, and ids when grouped by id', () => {
    assert.deepEqual(filterEntries(entries, { textFilter: ' TILES ', failingOnly: false }).map((e) => e.name), ['Load_Tiles', 'tiles_v2']);
    assert.deepEqual(filterEntries(entries, { textFilter: 'u2', failingOnly: false }).map((e) => e.name), ['buildings']);
    assert.equal(filterEntries(entries, { textFilter: 'nothing', failingOnly: false }).length, 0);
    assert.equal(filterEntries(entries, { textFilter: '', failingOnly: false }).length, 3);
  });

  it('failing only keeps the failing recipe names, and nothing before they are known', () => {
    assert.deepEqual(filterEntries(entries, { textFilter: '', failingOnly: true }, new Set(['tiles_v2', 'gone'])).map((e) => e.name), ['tiles_v2']);
    assert.equal(filterEntries(entries, { textFilter: '', failingOnly: true }).length, 0);
    assert.deepEqual(filterEntries(entries, { textFilter: 'load', failingOnly: true }, new Set(['tiles_v2', 'Load_Tiles'])).map((e) => e.name), ['Load_Tiles']);
  });
});

describe('runsQuery', () => {
  it('asks by udf_name or udf_id, newest first, with the page size and range', () => {
    assert.deepEqual(runsQuery({ groupBy: 'names', key: 'alpha' }, state(), 50, NOW), {
      udf_name: 'alpha',
      start_timestamp: '2026-11-24T12:00:00.000Z',
      scan_forward: false,
      limit: 50,
    });
    const byId = runsQuery({ groupBy: 'ids', key: 'u1' }, state({ scope: 'execEnv', range: { kind: 'preset', preset: 'all' } }), 999, NOW);
    assert.deepEqual(byId, { udf_id: 'u1', exec_env: true, scan_forward: false, limit: 300 });
  });

  it('never sends a limit outside 1..300', () => {
    assert.equal(clampPageSize(0), 1);
    assert.equal(clampPageSize(301), 300);
    assert.equal(clampPageSize('50'), 50);
    assert.equal(clampPageSize(12.7), 12);
    assert.equal(clampPageSize(Number.NaN), 50);
  });
});

describe('mergeRuns', () => {
  it('appends in order and skips ids already shown', () => {
    const first = [record('a', '2026-11-25T10:00:00Z'), record('b', '2026-11-25T09:00:00Z')];
    const { records, added } = mergeRuns(first, [record('b', '2026-11-25T09:00:00Z'), record('c', '2026-11-25T08:00:00Z'), record('c', '2026-11-25T08:00:00Z')]);
    assert.deepEqual(records.map((r) => r.id), ['a', 'b', 'c']);
    assert.equal(added, 1);
    assert.equal(first.length, 2, 'the existing list is not modified');
  });
});

// Time ranges (presets, custom ranges, timestamps) are src/time's, tested in time.test.ts.

describe('describeState', () => {
  it('names scope, range, grouping and filters', () => {
    assert.equal(describeState(state()), 'Mine · last 24 h');
    assert.equal(
      describeState(state({ scope: 'execEnv', groupBy: 'ids', failingOnly: true, textFilter: ' tiles ', range: { kind: 'preset', preset: 'month' } })),
      'Execution environment · last 30 days · by id · failing only · “tiles”',
    );
    assert.equal(describeState(state({ range: { kind: 'custom', start: '2026-11-20T05:00:00.000Z', end: '2026-11-21T17:30:00.000Z' } })), 'Mine · 2026-11-20 00:00 – 2026-11-21 12:30');
  });
});

describe('reviveViewState', () => {
  it('keeps valid fields and replaces malformed ones with defaults', () => {
    assert.deepEqual(reviveViewState(undefined), DEFAULT_VIEW_STATE);
    assert.deepEqual(reviveViewState({ scope: 'execEnv', groupBy: 'bogus', failingOnly: 'yes', textFilter: 7, range: { kind: 'preset', preset: 'week' } }), {
      ...DEFAULT_VIEW_STATE,
      scope: 'execEnv',
      range: { kind: 'preset', preset: 'week' },
    });
    assert.deepEqual(reviveViewState({ range: { kind: 'custom', start: '2026-11-21T00:00:00Z', end: '2026-11-20T00:00:00Z' } }).range, DEFAULT_VIEW_STATE.range);
  });
});

describe('autoRefreshDelayMs', () => {
  it('never goes under 30 s, doubles per 429 up to 10 min, and honours Retry-After', () => {
    assert.equal(autoRefreshDelayMs(5, 0), 30_000);
    assert.equal(autoRefreshDelayMs(60, 0), 60_000);
    assert.equal(autoRefreshDelayMs(60, 2), 240_000);
    assert.equal(autoRefreshDelayMs(60, 20), 600_000);
    assert.equal(autoRefreshDelayMs(1200, 3), 1_200_000);
    assert.equal(autoRefreshDelayMs(60, 1, 900_000), 900_000);
    assert.equal(autoRefreshDelayMs('x', 0), 60_000);
  });

  it('takes a lower minimum only when given one (the tests\' environment variable)', () => {
    assert.equal(autoRefreshDelayMs(1, 0, undefined, 2), 2_000);
    assert.equal(autoRefreshDelayMs(5, 0, undefined, 2), 5_000);
    assert.equal(autoRefreshDelayMs(1, 0), 30_000);
  });
});

describe('testAutoRefreshMinimumSeconds (test-only environment variable)', () => {
  it('lowers the minimum only to whole seconds from 1 to 29; anything else keeps 30 s', () => {
    assert.equal(MIN_AUTO_REFRESH_SECONDS, 30);
    assert.equal(testAutoRefreshMinimumSeconds('2'), 2);
    assert.equal(testAutoRefreshMinimumSeconds(' 5 '), 5);
    for (const raw of [undefined, '', '0', '30', '45', '-1', '1.5', '2s', 'abc', '1e1']) {
      assert.equal(testAutoRefreshMinimumSeconds(raw), 30, String(raw));
    }
  });
});
