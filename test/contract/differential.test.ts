// The differential check: generated data sets (bursts, runs sharing one instant, runs on window
// boundaries, many names with one id and one name with many ids, records in other offsets,
// other users and teams) and queries across every mode, run through the real client against
// the real local server (in this process, over HTTP), compared with a brute-force answer from
// the same data set (oracle.ts: a second, deliberately simple implementation of the contract).
// Covered: single queries (all pages of regular queries, distinct, id), the tree's root (the
// proven UDF list of every range), and the two recipes.
//
// Seeded and bounded in time so it stays fast in `npm test`. A longer local run:
//   FUSED_RUNS_DIFF_SCALE=50 node --test out/test/contract/differential.test.js
// (50x the cases; FUSED_RUNS_DIFF_SEED=<n> picks another seed). Shrunk counterexamples it found
// are kept as unit tests in test/unit/differential-regressions.test.ts.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import fc from 'fast-check';
import type { AuditLogClient } from '../../src/api/client';
import { NotFoundError, QueryValidationError } from '../../src/api/errors';
import type { UnprovenWindow } from '../../src/api/completeness';
import { iteratePages } from '../../src/api/paging';
import { failingUdfsReport, recentlyUsedUdfs, dayWindows } from '../../src/api/recipes';
import type { AuditLogQuery, AuditLogRecord, DistinctType } from '../../src/api/types';
import { loadRootListing, rootRange } from '../../src/views/rootLoader';
import { DEFAULT_VIEW_STATE, type ViewState } from '../../src/views/treeModel';
import { startFusedServer, type FusedTestServer } from '../server/server';
import type { DemoUser } from '../server/users';
import { clientFor } from './helpers';
import { distinctAnswer, failingAnswer, idAnswer, matching, micros, newestPerKey, regularAnswer } from './oracle';

const SCALE = Math.max(1, Number(process.env.FUSED_RUNS_DIFF_SCALE ?? 1) || 1);
const SEED = Number(process.env.FUSED_RUNS_DIFF_SEED ?? 20_261_114);
/** Per property in `npm test`; a scaled run has no time limit. */
const TIME_LIMIT_MS = SCALE > 1 ? undefined : 25_000;

const NOW_MS = Date.UTC(2026, 10, 14, 15, 0, 0);
const NOW = new Date(NOW_MS);
const HOUR_US = 3_600_000_000;
const DAY_US = 24 * HOUR_US;
const NOW_US = NOW_MS * 1000;

const USERS: DemoUser[] = [
  { key: 'ada', user_id: 'u-ada', email: 'ada@example.com', exec_env_id: 'env-a', token: 'tok-ada' },
  { key: 'grace', user_id: 'u-grace', email: 'grace@example.com', exec_env_id: 'env-a', token: 'tok-grace' },
  { key: 'hedy', user_id: 'u-hedy', email: 'hedy@example.org', exec_env_id: 'env-b', token: 'tok-hedy' },
];

const NAMES = ['alpha', 'beta', 'gamma', 'delta'] as const;
const IDS = ['id-1', 'id-2', 'id-3'] as const;
const TOKENS = ['fsh_a', 'fsh_b'] as const;

// ---------------------------------------------------------------------------------------------
// Data sets

/** Instants the generator returns often: now, window boundaries (whole days and hours back), ±1 µs. */
const SHARED_US = [0, -1, -HOUR_US, -DAY_US, -DAY_US + 1, -DAY_US - 1, -2 * DAY_US, -2 * DAY_US - 1, -3 * DAY_US, -DAY_US / 2];

const offsetUs = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.integer({ min: 0, max: 3 * 24 * 3600 * 1000 }), fc.integer({ min: 0, max: 999 })).map(([ms, us]) => -(ms * 1000 + us)) },
  { weight: 2, arbitrary: fc.constantFrom(...SHARED_US) },
);

const zone = fc.constantFrom('+00:00', '+00:00', 'Z', '+02:00', '-05:30');

/** "YYYY-MM-DDTHH:MM:SS.ffffff±hh:mm" for an instant in µs, written in the given offset. */
function formatInstant(instantUs: number, zoneText: string): string {
  const offsetMinutes = zoneText === 'Z' ? 0 : (zoneText[0] === '-' ? -1 : 1) * (Number(zoneText.slice(1, 3)) * 60 + Number(zoneText.slice(4, 6)));
  const ms = Math.floor(instantUs / 1000);
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const fraction = String(instantUs - Math.floor(instantUs / 1_000_000) * 1_000_000).padStart(6, '0');
  return `${local}.${fraction}${zoneText}`;
}

interface RunSpec {
  offset: number;
  zone: string;
  user: number;
  name: string | null | undefined;
  udfId: string | null | undefined;
  shared: string | null;
  stderr: string | null;
  time: number | null;
  salt: number;
}

const runSpec = (offset: fc.Arbitrary<number>): fc.Arbitrary<RunSpec> =>
  fc.record({
    offset,
    zone,
    user: fc.constantFrom(0, 0, 0, 1, 2),
    name: fc.constantFrom<string | null | undefined>(...NAMES, 'alpha', null, undefined),
    udfId: fc.constantFrom<string | null | undefined>(...IDS, 'id-1', null),
    shared: fc.constantFrom<string | null>(null, null, ...TOKENS),
    stderr: fc.constantFrom<string | null>('', '', '  \n', 'Traceback: boom', 'ValueError: bad', null),
    time: fc.constantFrom<number | null>(1.5, 0.25, null),
    salt: fc.integer({ min: 0, max: 0xffffff }),
  });

/** A burst: many runs within `spread` µs of one instant (spread 0: all at the same instant). */
const burst = fc
  .tuple(offsetUs, fc.constantFrom(0, 0, 5, 1_000_000, 60_000_000), fc.integer({ min: 0, max: 40 }))
  .chain(([center, spread, count]) => fc.array(runSpec(fc.integer({ min: 0, max: spread }).map((d) => Math.min(0, center - d))), { minLength: count, maxLength: count }));

const dataSet: fc.Arbitrary<AuditLogRecord[]> = fc.tuple(fc.array(runSpec(offsetUs), { maxLength: 40 }), burst).map(([sparse, dense]) =>
  [...sparse, ...dense].map((spec, index) => {
    const user = USERS[spec.user];
    const record: AuditLogRecord = {
      id: `${spec.salt.toString(16).padStart(6, '0')}-${String(index).padStart(3, '0')}`,
      timestamp: formatInstant(NOW_US + spec.offset, spec.zone),
      user_email: user.email,
      user_id: user.user_id,
      exec_env_id: user.exec_env_id,
      udf_id: spec.udfId,
      execution_time: spec.time,
      stderr: spec.stderr,
      shared_token: spec.shared,
      stdout: '',
      cache: false,
    };
    if (spec.name !== undefined) record.udf_name = spec.name;
    return record;
  }),
);

/** A query bound: an instant the data likely has (or its neighbour), in any offset. */
const bound = fc.tuple(offsetUs, zone).map(([offset, z]) => formatInstant(NOW_US + offset, z));

// ---------------------------------------------------------------------------------------------
// Harness

async function withServer<T>(records: AuditLogRecord[], userIndex: number, run: (client: AuditLogClient, server: FusedTestServer) => Promise<T>): Promise<T> {
  const server = await startFusedServer({ data: records, users: USERS });
  const client = clientFor(server, { retry: { maxAttempts: 1 } }, USERS[userIndex].token);
  try {
    return await run(client, server);
  } finally {
    await client.close();
    await server.close();
  }
}

const casesRun: Record<string, number> = {};

async function check<Ts>(t: TestContext, name: string, property: fc.IAsyncProperty<Ts>, numRuns: number): Promise<void> {
  const details = await fc.check(property, {
    seed: SEED,
    numRuns: numRuns * SCALE,
    ...(TIME_LIMIT_MS ? { plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS)] } : {}),
  });
  casesRun[name] = details.numRuns;
  t.diagnostic(`${name}: ${details.numRuns} generated cases (seed ${SEED}${details.interrupted ? ', stopped by the time limit' : ''})`);
  if (details.failed) throw new Error(fc.defaultReportMessage(details));
}

const ids = (records: readonly AuditLogRecord[]): string[] => records.map((r) => r.id);

function inWindow(timestamp: string, window: UnprovenWindow): boolean {
  const t = micros(timestamp);
  return micros(window.start) <= t && t <= micros(window.end);
}

/**
 * A proven UDF list against the brute force: never a phantom key or a record out of scope and
 * range; every key whose newest run lies outside the marked windows is there with that run;
 * nothing marked means exactly the brute-force list.
 */
function checkProvenList(records: readonly AuditLogRecord[], unproven: readonly UnprovenWindow[], truth: Map<string, AuditLogRecord>, distinctType: DistinctType, inScope: readonly AuditLogRecord[]): void {
  const field = distinctType === 'ids' ? 'udf_id' : 'udf_name';
  const allowed = new Set(ids(inScope));
  const seen = new Set<string>();
  for (const record of records) {
    const key = record[field] as string;
    assert.ok(truth.has(key), `phantom key ${key}`);
    assert.ok(allowed.has(record.id), `${record.id} is outside the scope or range`);
    assert.ok(!seen.has(key), `key ${key} listed twice`);
    seen.add(key);
  }
  for (const window of unproven) assert.ok(micros(window.start) <= micros(window.end), `window ${window.start} – ${window.end} is reversed`);
  for (const [key, newest] of truth) {
    if (unproven.some((w) => inWindow(newest.timestamp, w))) continue;
    const got = records.find((r) => r[field] === key);
    assert.equal(got?.id, newest.id, `key ${key}: its newest run ${newest.id} (${newest.timestamp}) lies outside every marked window`);
  }
  if (unproven.length === 0) assert.deepEqual(ids(records).sort(), ids([...truth.values()]).sort(), 'nothing marked: exactly the brute-force list');
}

// ---------------------------------------------------------------------------------------------
// Properties

type SingleQuery = { kind: 'regular'; query: AuditLogQuery } | { kind: 'distinct'; query: AuditLogQuery } | { kind: 'id'; pick: number; missing: boolean };

const filter = fc.oneof(
  fc.constant({}),
  fc.constantFrom(...IDS, 'id-none').map((udf_id) => ({ udf_id })),
  fc.constantFrom(...NAMES, 'none').map((udf_name) => ({ udf_name })),
  fc.constantFrom(...TOKENS).map((shared_token) => ({ shared_token })),
);
const range = fc.record({ start_timestamp: fc.option(bound, { nil: undefined }), end_timestamp: fc.option(bound, { nil: undefined }) }).map((r) => {
  const out: AuditLogQuery = {};
  if (r.start_timestamp) out.start_timestamp = r.start_timestamp;
  if (r.end_timestamp) out.end_timestamp = r.end_timestamp;
  return out;
});
const scope = fc.boolean().map((execEnv): AuditLogQuery => (execEnv ? { exec_env: true } : {}));

const singleQuery: fc.Arbitrary<SingleQuery> = fc.oneof(
  fc
    .tuple(scope, filter, range, fc.constantFrom<boolean | undefined>(true, false, undefined), fc.integer({ min: 1, max: 7 }))
    .map(([s, f, r, scanForward, limit]) => ({ kind: 'regular' as const, query: { ...s, ...f, ...r, ...(scanForward === undefined ? {} : { scan_forward: scanForward }), limit } })),
  fc
    .tuple(scope, fc.oneof(fc.constant({}), filter), range, fc.constantFrom<DistinctType>('names', 'ids'), fc.integer({ min: 1, max: 60 }))
    .map(([s, f, r, distinct_type, max]) => ({ kind: 'distinct' as const, query: { ...s, ...f, ...r, distinct: true, distinct_type, max_records_to_scan: max } })),
  fc.tuple(fc.nat(), fc.boolean()).map(([pick, missing]) => ({ kind: 'id' as const, pick, missing })),
);

const budget = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 2, max: 30 }) }, { weight: 1, arbitrary: fc.constant(2000) });

describe('differential check against the contract (fast-check)', () => {
  it('single queries: every page of a regular query, distinct and id answers match the brute force', async (t) => {
    const property = fc.asyncProperty(dataSet, fc.constantFrom(0, 1, 2), fc.array(singleQuery, { minLength: 1, maxLength: 4 }), async (records, userIndex, queries) => {
      const user = USERS[userIndex];
      await withServer(records, userIndex, async (client) => {
        for (const q of queries) {
          if (q.kind !== 'id' && q.query.start_timestamp && q.query.end_timestamp && micros(q.query.start_timestamp) > micros(q.query.end_timestamp)) {
            // The contract answers a reversed range with nothing; the client refuses to send one,
            // on purpose (a clear message instead of an empty list), at millisecond precision.
            const reversedByMs = Math.floor(micros(q.query.start_timestamp) / 1000) > Math.floor(micros(q.query.end_timestamp) / 1000);
            if (reversedByMs) {
              await assert.rejects(client.query(q.query), (error: Error) => error instanceof QueryValidationError && error.field === 'start_timestamp');
              continue;
            }
          }
          if (q.kind === 'regular') {
            const pages = [];
            for await (const page of iteratePages(client, q.query)) pages.push(page);
            for (const page of pages) assert.ok(page.items.length <= (q.query.limit ?? 100), 'a page holds at most limit records');
            const got = pages.flatMap((p) => p.items);
            assert.deepEqual(ids(got), ids(regularAnswer(records, user, q.query)), `regular ${JSON.stringify(q.query)}`);
            assert.equal(pages[pages.length - 1].stoppedBy, undefined);
          } else if (q.kind === 'distinct') {
            const page = await client.query(q.query);
            assert.equal(page.next_page_token, null);
            assert.deepEqual(ids(page.items), ids(distinctAnswer(records, user, q.query)), `distinct ${JSON.stringify(q.query)}`);
          } else {
            const id = q.missing || records.length === 0 ? 'no-such-record' : records[q.pick % records.length].id;
            const expected = idAnswer(records, user, id);
            if (expected) assert.deepEqual((await client.query({ id })).items.map((r) => r.id), [expected.id]);
            else await assert.rejects(client.query({ id }), NotFoundError);
          }
        }
      });
    });
    await check(t, 'single queries', property, 60);
  });

  it("the tree's root: the proven UDF list of every range matches the brute force, or marks where it may not", async (t) => {
    const viewRange = fc.oneof(
      fc.constantFrom<ViewState['range']>(...(['hour', 'day', 'week', 'month', 'all'] as const).map((preset) => ({ kind: 'preset' as const, preset }))),
      fc.tuple(fc.integer({ min: 1, max: 4 * 24 * 60 }), fc.integer({ min: 0, max: 4 * 24 * 60 })).map(([a, b]) => ({
        kind: 'custom' as const,
        start: new Date(NOW_MS - Math.max(a, b) * 60_000).toISOString(),
        end: new Date(NOW_MS - Math.min(a, b) * 60_000 + 1).toISOString(),
      })),
    );
    const property = fc.asyncProperty(
      dataSet,
      fc.constantFrom(0, 1, 2),
      fc.record({ execEnv: fc.boolean(), groupBy: fc.constantFrom<DistinctType>('names', 'ids'), range: viewRange }),
      fc.record({ budget, pageLimit: fc.integer({ min: 1, max: 6 }), maxRecordsToScan: fc.integer({ min: 1, max: 8 }), concurrency: fc.integer({ min: 1, max: 4 }) }),
      async (records, userIndex, view, options) => {
        const state: ViewState = { ...DEFAULT_VIEW_STATE, scope: view.execEnv ? 'execEnv' : 'mine', groupBy: view.groupBy, range: view.range };
        await withServer(records, userIndex, async (client, server) => {
          const listing = await loadRootListing(client, state, NOW, options);
          assert.ok(listing.requests <= options.budget, `${listing.requests} requests over the budget ${options.budget}`);
          assert.equal(listing.requests, server.stats().requests, 'every request counted');
          const bounds = rootRange(state, NOW);
          const start = bounds.start?.toISOString();
          const end = bounds.end?.toISOString();
          const inScope = matching(records, USERS[userIndex], { exec_env: view.execEnv, start_timestamp: start, end_timestamp: end });
          const truth = newestPerKey(records, USERS[userIndex], { execEnv: view.execEnv, start, end }, view.groupBy);
          checkProvenList(listing.records, listing.unproven, truth, view.groupBy, inScope);
          if (options.budget >= 2000) assert.deepEqual(listing.unproven, [], 'a large budget proves a small data set');
          assert.equal(listing.entries.length, listing.records.length);
        });
      },
    );
    await check(t, "tree's root", property, 50);
  });

  it('Recently Used UDFs: the recipe matches the brute force over its range, or marks where it may not', async (t) => {
    const property = fc.asyncProperty(
      dataSet,
      fc.constantFrom(0, 1, 2),
      fc.record({ execEnv: fc.boolean(), distinctType: fc.constantFrom<DistinctType>('names', 'ids'), days: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ budget, pageLimit: fc.integer({ min: 1, max: 6 }), maxRecordsToScan: fc.integer({ min: 1, max: 8 }) }),
      async (records, userIndex, recipe, options) => {
        await withServer(records, userIndex, async (client, server) => {
          const result = await recentlyUsedUdfs(client, { ...recipe, now: NOW, ...options });
          assert.ok(result.requests <= options.budget);
          assert.equal(result.requests, server.stats().requests);
          const start = new Date(NOW_MS - recipe.days * 24 * 3_600_000).toISOString();
          const end = NOW.toISOString();
          const inScope = matching(records, USERS[userIndex], { exec_env: recipe.execEnv, start_timestamp: start, end_timestamp: end });
          checkProvenList(result.records, result.cappedWindows, newestPerKey(records, USERS[userIndex], { execEnv: recipe.execEnv, start, end }, recipe.distinctType), recipe.distinctType, inScope);
          if (options.budget >= 2000) assert.deepEqual(result.cappedWindows, []);
        });
      },
    );
    await check(t, 'recently used', property, 40);
  });

  it('Failing UDFs: the recipe matches the brute force, or names the day windows it cut', async (t) => {
    const property = fc.asyncProperty(
      dataSet,
      fc.constantFrom(0, 1, 2),
      fc.record({ execEnv: fc.boolean(), days: fc.integer({ min: 1, max: 3 }), maxRecordsPerWindow: fc.integer({ min: 1, max: 40 }), pageLimit: fc.integer({ min: 1, max: 6 }) }),
      async (records, userIndex, options) => {
        const user = USERS[userIndex];
        await withServer(records, userIndex, async (client) => {
          const report = await failingUdfsReport(client, { ...options, now: NOW });
          const start = new Date(NOW_MS - options.days * 24 * 3_600_000).toISOString();
          const truth = failingAnswer(records, user, { execEnv: options.execEnv, start, end: NOW.toISOString() });
          const windows = dayWindows({ now: NOW, days: options.days });
          const runsIn = (w: { start: string; end: string }) => matching(records, user, { exec_env: options.execEnv, start_timestamp: w.start, end_timestamp: w.end }).length;
          const cut = new Set(report.truncatedWindows.map((w) => w.start));
          for (const w of windows) assert.equal(cut.has(w.start), runsIn(w) > options.maxRecordsPerWindow, `window ${w.start} holds ${runsIn(w)} runs; budget ${options.maxRecordsPerWindow}`);
          for (let i = 1; i < report.summaries.length; i++) {
            const [a, b] = [report.summaries[i - 1], report.summaries[i]];
            assert.ok(a.failure_count > b.failure_count || (a.failure_count === b.failure_count && micros(a.last_failure) >= micros(b.last_failure)), 'sorted by count, then last failure');
          }
          if (report.truncatedWindows.length === 0) {
            const got = new Map(report.summaries.map((s) => [s.udf_name, s]));
            assert.deepEqual([...got.keys()].sort(), [...truth.keys()].sort());
            for (const [name, expected] of truth) {
              const summary = got.get(name);
              assert.deepEqual(
                summary && { ...summary, last_failure: micros(summary.last_failure) },
                { ...expected, last_failure: micros(expected.last_failure) },
                `failing summary of ${String(name)}`,
              );
            }
            const inRange = matching(records, user, { exec_env: options.execEnv, start_timestamp: start, end_timestamp: NOW.toISOString() });
            assert.equal(report.scannedRuns, inRange.length);
          } else {
            for (const summary of report.summaries) assert.ok(summary.failure_count <= (truth.get(summary.udf_name)?.failure_count ?? 0), 'a cut window only loses failures');
          }
        });
      },
    );
    await check(t, 'failing UDFs', property, 40);
  });

  it('reports how many cases ran', (t) => {
    t.diagnostic(`differential check cases: ${JSON.stringify(casesRun)} (scale ${SCALE}, seed ${SEED})`);
    assert.ok(Object.keys(casesRun).length === 4 && Object.values(casesRun).every((n) => n > 0));
  });
});
