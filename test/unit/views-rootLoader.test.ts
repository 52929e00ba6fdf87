// The UDF tree's root: the proven UDF list for every range, the marked windows, and a full scan
// folding a marked window back in. The real client against the real local server serving the
// burst scenario (in this process, over HTTP).
process.env.TZ = 'Europe/Berlin';

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { AuditLogClient } from '../../src/api/client';
import type { AuditLogRecord } from '../../src/api/types';
import { describeListing, incompleteExplanation, incompleteLabel, loadRootListing, rootRange, scanWindowFully } from '../../src/views/rootLoader';
import { DEFAULT_VIEW_STATE, type ViewState } from '../../src/views/treeModel';
import { clientFor } from '../contract/helpers';
import { BURST_RARE_NAME } from '../server/scenarios';
import { startFusedServer, type FusedTestServer } from '../server/server';

const NOW = new Date('2026-11-14T15:00:00Z');
const HOUR = 3_600_000;
let server: FusedTestServer;
let client: AuditLogClient;

before(async () => {
  server = await startFusedServer({ scenario: { name: 'burst' }, now: NOW });
  client = clientFor(server, { retry: { maxAttempts: 1 } });
});
afterEach(() => server.resetStats());
after(async () => {
  await client.close();
  await server.close();
});

function state(overrides: Partial<ViewState> = {}): ViewState {
  return { ...DEFAULT_VIEW_STATE, ...overrides };
}

/** The newest run per name among the records in [start, end] (brute force). */
function expectedNames(start: number, end: number): string[] {
  const newest = new Map<string, AuditLogRecord>();
  for (const r of server.records) {
    const t = Date.parse(r.timestamp);
    if (t < start || t > end || !r.udf_name) continue;
    const known = newest.get(r.udf_name);
    if (!known || r.timestamp > known.timestamp) newest.set(r.udf_name, r);
  }
  return [...newest.keys()].sort();
}

describe('rootRange', () => {
  it('presets leave the end open; custom ranges are closed; all time has no bounds', () => {
    assert.deepEqual(rootRange(state(), NOW), { start: new Date(NOW.getTime() - 24 * HOUR) });
    assert.deepEqual(rootRange(state({ range: { kind: 'preset', preset: 'hour' } }), NOW), { start: new Date(NOW.getTime() - HOUR) });
    assert.deepEqual(rootRange(state({ range: { kind: 'preset', preset: 'all' } }), NOW), {});
    const custom = rootRange(state({ range: { kind: 'custom', start: '2026-11-14T09:00:00.000Z', end: '2026-11-14T12:00:00.000Z' } }), NOW);
    assert.deepEqual(custom, { start: new Date('2026-11-14T09:00:00.000Z'), end: new Date('2026-11-14T12:00:00.000Z') });
  });
});

describe('loadRootListing on the burst day (6 021 runs, a rare UDF before 6 000 late runs)', () => {
  it('last 24 h: proven by splitting within the default budget; the rare UDF is listed', async () => {
    const listing = await loadRootListing(client, state(), NOW);
    assert.deepEqual(listing.unproven, []);
    assert.deepEqual(listing.entries.map((e) => e.name).sort(), expectedNames(NOW.getTime() - 24 * HOUR, NOW.getTime()));
    assert.ok(listing.entries.some((e) => e.name === BURST_RARE_NAME));
    assert.equal(listing.runsRead, 6021);
    assert.ok(listing.requests <= 64);
    assert.equal(server.stats().requests, listing.requests);
    assert.match(describeListing(listing, 'UDF list'), /^UDF list: 9 UDFs from 6021 runs read in \d+ requests \(budget 64\); proven complete\.$/);
  });

  it('every range gives the brute-force answer or marks what it could not prove', async () => {
    const ranges: ViewState['range'][] = [
      { kind: 'preset', preset: 'hour' },
      { kind: 'preset', preset: 'week' },
      { kind: 'preset', preset: 'month' },
      { kind: 'preset', preset: 'all' },
      { kind: 'custom', start: new Date(NOW.getTime() - 23 * HOUR).toISOString(), end: new Date(NOW.getTime() - 2 * HOUR).toISOString() },
    ];
    for (const range of ranges) {
      const listing = await loadRootListing(client, state({ range, scope: 'execEnv' }), NOW);
      const bounds = rootRange(state({ range }), NOW);
      assert.deepEqual(listing.unproven, [], JSON.stringify(range));
      assert.deepEqual(listing.entries.map((e) => e.name).sort(), expectedNames(bounds.start?.getTime() ?? -Infinity, bounds.end?.getTime() ?? Infinity), JSON.stringify(range));
    }
  });

  it('budget 8: the early runs are read by the survey (the rare UDF is listed); the burst it cannot read is marked', async () => {
    const listing = await loadRootListing(client, state(), NOW, { budget: 8 });
    assert.ok(listing.requests <= 8);
    assert.ok(listing.entries.some((e) => e.name === BURST_RARE_NAME));
    assert.ok(listing.unproven.length >= 1);
    for (const window of listing.unproven) {
      assert.ok(Date.parse(window.start) >= NOW.getTime() - 3 * HOUR - 1000, `${window.start} lies in the burst`);
      assert.ok((window.estimatedRuns ?? 0) > 1000);
    }
    assert.deepEqual(listing.entries.map((e) => e.name).sort(), expectedNames(NOW.getTime() - 24 * HOUR, NOW.getTime()), 'its distinct query lists the burst UDFs');
  });

  it('budget 2: the window holding the rare run is marked, its distinct query misses it, and Scan fully finds it', async () => {
    const listing = await loadRootListing(client, state(), NOW, { budget: 2 });
    assert.equal(listing.requests, 2);
    assert.ok(!listing.entries.some((e) => e.name === BURST_RARE_NAME), 'the distinct query over the marked window stops 5000 runs back');
    const rareAt = Date.parse(server.records.find((r) => r.udf_name === BURST_RARE_NAME)?.timestamp ?? '');
    const holder = listing.unproven.find((w) => Date.parse(w.start) <= rareAt && rareAt <= Date.parse(w.end));
    assert.ok(holder, 'a marked window holds the rare run');
    assert.match(incompleteLabel(holder, 'UTC', NOW), /^may be incomplete: 13 Nov 15:00 – 14 Nov 14:\d\d$/);
    assert.match(incompleteExplanation(holder, listing), /more runs than the request budget could read \(2 requests of 2, 300 runs read; setting fusedRuns\.udfs\.requestBudget\)/);

    server.resetStats();
    const progress: number[] = [];
    const scanned = await scanWindowFully(client, listing, holder, state(), { onProgress: (p) => progress.push(p.requests) });
    assert.deepEqual(scanned.stillUnproven, []);
    assert.ok(scanned.listing.entries.some((e) => e.name === BURST_RARE_NAME));
    assert.deepEqual(scanned.listing.unproven, []);
    assert.equal(scanned.requests, server.stats().requests);
    assert.deepEqual(progress, Array.from({ length: scanned.requests }, (_, i) => i + 1), 'progress counts every request');
  });
});
