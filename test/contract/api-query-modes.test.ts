// The real AuditLogClient against the real local Fused server: every query mode of the
// reference, paging to the end in both orders, time ranges, the recipes, large payloads.
// Expected results are computed from the contract over the server's own record list.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuditLogClient } from '../../src/api/client';
import { collectRecords, iteratePages } from '../../src/api/paging';
import { failingUdfs, recentlyUsedUdfs } from '../../src/api/recipes';
import { isFailing } from '../../src/api/status';
import type { AuditLogQuery, AuditLogRecord } from '../../src/api/types';
import { demoFixtures, type DemoFixtures } from '../server/generator';
import { startFusedServer, type FusedTestServer } from '../server/server';
import { byTimeThenId, clientFor, expectedDistinct, expectedRecords, ids, micros, recordingLogger, type Caller } from './helpers';

const NOW = new Date();
let server: FusedTestServer;
let client: AuditLogClient;
let all: AuditLogRecord[];
let fixtures: DemoFixtures;
let ada: Caller;
const logger = recordingLogger();

before(async () => {
  server = await startFusedServer({ records: 2000, seed: 42, now: NOW });
  client = clientFor(server, { logger });
  all = server.records;
  fixtures = demoFixtures(all);
  const demo = server.users.find((u) => u.token === server.token);
  assert.ok(demo, 'the server names its demo user');
  ada = { email: demo.email, exec_env_id: demo.exec_env_id };
});

after(async () => {
  await client.close();
  await server.close();
});

/** Reads every page and checks it against the contract: same records, same order, no dup. */
async function assertPagesMatch(query: AuditLogQuery, expected: AuditLogRecord[]): Promise<AuditLogRecord[]> {
  const { records, truncated, nextPageToken } = await collectRecords(client, query);
  assert.equal(truncated, false);
  assert.equal(nextPageToken, null);
  assert.equal(new Set(ids(records)).size, records.length, 'no record twice');
  const ordered = query.scan_forward === false ? [...expected].reverse() : expected;
  assert.deepEqual(ids(records), ids(ordered));
  return records;
}

describe('query modes (the nine of the reference)', () => {
  it('1. all logs of the authenticated user, every page, oldest first', async () => {
    const expected = expectedRecords(all, ada, {});
    assert.ok(expected.length > 300, 'enough records to need several pages');
    const records = await assertPagesMatch({ limit: 300 }, expected);
    assert.ok(records.every((r) => r.user_email === ada.email));
  });

  it('1b. the same newest first, with an odd page size', async () => {
    await assertPagesMatch({ limit: 37, scan_forward: false }, expectedRecords(all, ada, {}));
  });

  it('1c. the default page is 100 records, oldest first', async () => {
    const page = await client.query({});
    assert.equal(page.limit, 100);
    assert.equal(page.items.length, 100);
    assert.deepEqual(ids(page.items), ids(expectedRecords(all, ada, {}).slice(0, 100)));
    assert.equal(typeof page.next_page_token, 'string');
  });

  it('2. exec_env widens to the execution environment (team), both orders', async () => {
    const expected = expectedRecords(all, ada, { exec_env: true });
    const emails = new Set(expected.map((r) => r.user_email));
    assert.ok(emails.size > 1, 'the team has several members with runs');
    await assertPagesMatch({ exec_env: true, limit: 300 }, expected);
    await assertPagesMatch({ exec_env: true, limit: 300, scan_forward: false }, expected);
  });

  it('3. one record by id, identical to what the server holds', async () => {
    for (const id of [fixtures.jsonUdfDataId, fixtures.sparseId, fixtures.allNullId, fixtures.unicodeId, fixtures.hostileId]) {
      const record = await client.getRecord(id);
      assert.deepEqual(record, all.find((r) => r.id === id));
    }
  });

  it('3b. id ignores every other option, as documented', async () => {
    const page = await client.query({ id: fixtures.cachedId, exec_env: true, limit: 5, scan_forward: false, start_timestamp: '2000-01-01T00:00:00Z' });
    assert.deepEqual(ids(page.items), [fixtures.cachedId]);
    assert.equal(page.next_page_token, null);
  });

  it('4. by udf_id', async () => {
    const udfId = fixtures.duplicateName.udf_ids[0];
    const records = await assertPagesMatch({ udf_id: udfId, limit: 50 }, expectedRecords(all, ada, { udf_id: udfId }));
    assert.ok(records.length > 0 && records.every((r) => r.udf_id === udfId));
  });

  it('5. by udf_name (one name reused by two ids: both come back)', async () => {
    const { udf_name, udf_ids } = fixtures.duplicateName;
    const records = await assertPagesMatch({ udf_name, exec_env: true, limit: 50 }, expectedRecords(all, ada, { udf_name, exec_env: true }));
    assert.deepEqual(new Set(records.map((r) => r.udf_id)), new Set(udf_ids));
  });

  it('6. by shared_token', async () => {
    const { token, recordId } = fixtures.sharedToken;
    const records = await assertPagesMatch({ shared_token: token, exec_env: true }, expectedRecords(all, ada, { shared_token: token, exec_env: true }));
    assert.ok(ids(records).includes(recordId));
    assert.ok(records.every((r) => r.shared_token === token));
  });

  for (const distinctType of ['names', 'ids'] as const) {
    it(`${distinctType === 'names' ? 7 : 8}. distinct ${distinctType}: newest record per key, one page`, async () => {
      const pages = [];
      for await (const page of iteratePages(client, { distinct: true, distinct_type: distinctType, max_records_to_scan: 5000 })) pages.push(page);
      assert.equal(pages.length, 1);
      assert.equal(pages[0].next_page_token, null);
      const expected = expectedDistinct(expectedRecords(all, ada, {}), distinctType, 5000);
      assert.deepEqual(new Set(ids(pages[0].items)), new Set(ids(expected)));
      const field = distinctType === 'names' ? 'udf_name' : 'udf_id';
      const keys = pages[0].items.map((r) => r[field] ?? null);
      assert.equal(new Set(keys).size, keys.length, 'one record per key');
    });
  }

  for (const distinctType of ['names', 'ids'] as const) {
    it(`9. distinct ${distinctType} scoped to the execution environment, with and without the scan cap`, async () => {
      const team = expectedRecords(all, ada, { exec_env: true });
      const full = await client.query({ distinct: true, distinct_type: distinctType, exec_env: true, max_records_to_scan: 5000 });
      assert.deepEqual(new Set(ids(full.items)), new Set(ids(expectedDistinct(team, distinctType, 5000))));
      // A small cap scans only the newest runs: older-only UDFs drop out.
      const capped = await client.query({ distinct: true, distinct_type: distinctType, exec_env: true, max_records_to_scan: 40 });
      const expectedCapped = expectedDistinct(team, distinctType, 40);
      assert.deepEqual(new Set(ids(capped.items)), new Set(ids(expectedCapped)));
      assert.ok(capped.items.length < full.items.length, 'the cap hides UDFs');
    });
  }
});

describe('time ranges', () => {
  it('start and end are inclusive, with any offset', async () => {
    const mine = expectedRecords(all, ada, {});
    const first = mine[100];
    const last = mine[160];
    // The same instants written with a -05:00 offset.
    const shift = (timestamp: string): string => {
      const date = new Date(Math.floor(micros(timestamp) / 1000) - 5 * 3600_000);
      const fraction = String(micros(timestamp) % 1_000_000).padStart(6, '0');
      return `${date.toISOString().slice(0, 19)}.${fraction}-05:00`;
    };
    const query = { start_timestamp: shift(first.timestamp), end_timestamp: shift(last.timestamp), limit: 25 };
    const records = await assertPagesMatch(query, expectedRecords(all, ada, query));
    assert.equal(records[0].id, first.id);
    assert.equal(records[records.length - 1].id, last.id);
  });

  it('an empty range gives an empty page', async () => {
    const page = await client.query({ start_timestamp: '2000-01-01T00:00:00Z', end_timestamp: '2000-01-02T00:00:00Z' });
    assert.deepEqual(page.items, []);
    assert.equal(page.next_page_token, null);
  });
});

describe('paging', () => {
  it('stops at a record budget and resumes without loss', async () => {
    const expected = expectedRecords(all, ada, {});
    const first = await collectRecords(client, { limit: 100 }, { maxRecords: 250 });
    assert.equal(first.records.length, 250);
    assert.equal(first.truncated, true);
    assert.ok(first.nextPageToken);
    const rest = await collectRecords(client, { limit: 100, page_token: first.nextPageToken ?? undefined });
    const seen = new Map<string, AuditLogRecord>();
    for (const record of [...first.records, ...rest.records]) seen.set(record.id, record);
    assert.deepEqual([...seen.values()].sort(byTimeThenId).map((r) => r.id), ids(expected));
  });

  it('a page token replayed with a different query is rejected by the server (422)', async () => {
    const page = await client.query({ limit: 10 });
    await assert.rejects(client.query({ limit: 10, scan_forward: false, page_token: page.next_page_token ?? undefined }), (error: Error) => {
      assert.equal(error.name, 'RequestRejectedError');
      assert.match(error.message, /page_token/);
      return true;
    });
  });
});

describe('recipes against the server', () => {
  it('recently used UDF names over 7 days match the contract, proven by reading the week in pages', async () => {
    server.resetStats();
    const result = await recentlyUsedUdfs(client, { distinctType: 'names', now: NOW, days: 7 });
    // The week's runs read newest first (plus one page oldest first and a split when they do not
    // fit a page): no distinct query is needed once every run was read.
    const stats = server.stats();
    assert.equal(stats.byQuery['distinct:names'], undefined);
    assert.equal(result.requests, stats.requests);
    assert.ok(result.requests <= 64);
    const weekAgo = new Date(NOW.getTime() - 7 * 86400_000).toISOString();
    const inWeek = expectedRecords(all, ada, { start_timestamp: weekAgo, end_timestamp: NOW.toISOString() });
    const expected = expectedDistinct(inWeek, 'names', Infinity).filter((r) => r.udf_name);
    assert.deepEqual(new Set(ids(result.records)), new Set(ids(expected)));
    assert.deepEqual(result.cappedWindows, []);
    assert.equal(result.records.some((r) => r.udf_name === 'contour_lines' || r.udf_name === 'noise_map'), false, 'dormant UDFs are not recent');
    for (let i = 1; i < result.records.length; i++) assert.ok(micros(result.records[i - 1].timestamp) >= micros(result.records[i].timestamp));
  });

  it('recently used UDF ids across the team', async () => {
    const result = await recentlyUsedUdfs(client, { distinctType: 'ids', execEnv: true, now: NOW, days: 3 });
    const start = new Date(NOW.getTime() - 3 * 86400_000).toISOString();
    const expected = expectedDistinct(expectedRecords(all, ada, { exec_env: true, start_timestamp: start, end_timestamp: NOW.toISOString() }), 'ids', Infinity).filter((r) => r.udf_id);
    assert.deepEqual(new Set(ids(result.records)), new Set(ids(expected)));
  });

  it('a budget too small for the data reports the windows it could not prove, asked with a distinct query', async () => {
    server.resetStats();
    const result = await recentlyUsedUdfs(client, { distinctType: 'names', execEnv: true, now: NOW, days: 7, budget: 2, maxRecordsToScan: 5 });
    assert.equal(result.cappedWindows.length, 1);
    assert.deepEqual(server.stats().byQuery, { exec_env: 1, 'distinct:names+exec_env': 1 });
    assert.ok(result.runsRead === 300);
  });

  it('failing UDFs over 7 days match a count done by hand', async () => {
    const summaries = await failingUdfs(client, { now: NOW, days: 7, execEnv: true });
    const weekAgo = new Date(NOW.getTime() - 7 * 86400_000).toISOString();
    const failing = expectedRecords(all, ada, { exec_env: true, start_timestamp: weekAgo, end_timestamp: NOW.toISOString() }).filter(isFailing);
    assert.ok(failing.length > 0);
    const counts = new Map<string | null, number>();
    for (const record of failing) counts.set(record.udf_name ?? null, (counts.get(record.udf_name ?? null) ?? 0) + 1);
    assert.deepEqual(new Map(summaries.map((s) => [s.udf_name, s.failure_count])), counts);
    for (let i = 1; i < summaries.length; i++) assert.ok(summaries[i - 1].failure_count >= summaries[i].failure_count);
    for (const summary of summaries) {
      const mine = failing.filter((r) => (r.udf_name ?? null) === summary.udf_name);
      assert.equal(summary.last_failure, mine[mine.length - 1].timestamp);
    }
  });
});

describe('payloads', () => {
  it('a record with a ~10 MB stderr arrives whole', async () => {
    assert.ok(fixtures.hugeId, 'the default data set has the huge record');
    const started = Date.now();
    const record = await client.getRecord(fixtures.hugeId);
    const ms = Date.now() - started;
    const original = all.find((r) => r.id === fixtures.hugeId);
    assert.ok((record.stderr?.length ?? 0) >= 10 * 1024 * 1024);
    assert.equal(record.stderr, original?.stderr);
    assert.ok(ms < 10_000, `took ${ms} ms`);
  });

  it('records over 100 KB and hostile or Unicode text are returned byte for byte', async () => {
    for (const id of [fixtures.largeStdoutId, fixtures.largeStderrId, fixtures.largeUdfDataId, fixtures.ansiId, fixtures.hostileEngineId]) {
      assert.deepEqual(await client.getRecord(id), all.find((r) => r.id === id));
    }
  });

  it('logs method, URL, status and duration at debug, never the token', () => {
    assert.ok(logger.lines.some((line) => /^debug GET http:\/\/127\.0\.0\.1:\d+\/v1\/audit-log\?limit=300 -> 200 in \d+ ms/.test(line)));
    assert.equal(logger.lines.some((line) => line.includes(server.token)), false);
    assert.equal(logger.lines.some((line) => line.includes(fixtures.sharedToken.token)), false, 'shared tokens are redacted');
  });
});
