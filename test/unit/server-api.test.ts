// The local Fused server's query semantics, checked over real HTTP (fetch) against the
// contract in ../shared/reference/fused-api-log.md.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditLogPage, AuditLogRecord } from '../../src/api/types';
import { compareRecords, demoFixtures, type DemoFixtures } from '../server/generator';
import { startFusedServer, EXPIRED_TOKEN, EXTRA_TOKENS, FORBIDDEN_TOKEN, ENV_MERCATOR, type FusedTestServer } from '../server/server';
import { getAuditLog, getPage } from '../server/testClient';

const NOW = new Date('2025-04-01T12:00:00Z');
let server: FusedTestServer;
let records: AuditLogRecord[];
let fixtures: DemoFixtures;

const ADA = 'ada@example.com';
const mine = (r: AuditLogRecord): boolean => r.user_email === ADA;
const myEnv = (r: AuditLogRecord): boolean => r.exec_env_id === ENV_MERCATOR;
const ids = (page: AuditLogPage): string[] => page.items.map((r) => r.id);
const newestFirst = (list: AuditLogRecord[]): AuditLogRecord[] => [...list].sort((a, b) => compareRecords(b, a));

function detailLocs(body: unknown): string[] {
  const detail = (body as { detail: { loc: string[] }[] }).detail;
  assert.ok(Array.isArray(detail), `expected FastAPI-style detail list, got ${JSON.stringify(body)}`);
  return detail.map((d) => d.loc.join('.'));
}

before(async () => {
  server = await startFusedServer({ records: 600, seed: 7, now: NOW });
  records = server.records;
  fixtures = demoFixtures(records);
});
after(() => server.close());

describe('authentication', () => {
  test('no Authorization header -> 401 Not authenticated', async () => {
    const result = await getAuditLog(server, {}, null);
    assert.equal(result.status, 401);
    assert.deepEqual(result.body, { detail: 'Not authenticated' });
    assert.equal(result.headers.get('www-authenticate'), 'Bearer');
  });
  test('unknown, expired and forbidden tokens', async () => {
    const unknown = await getAuditLog(server, {}, 'not-a-token');
    assert.equal(unknown.status, 401);
    assert.deepEqual(unknown.body, { detail: 'Could not validate credentials' });
    const expired = await getAuditLog(server, {}, EXPIRED_TOKEN);
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.body, { detail: 'Token has expired' });
    const forbidden = await getAuditLog(server, {}, FORBIDDEN_TOKEN);
    assert.equal(forbidden.status, 403);
  });
  test('any scheme word is accepted; a bare token is not', async () => {
    for (const header of [`Bearer ${server.token}`, `token ${server.token}`, `  Bearer   ${server.token} `]) {
      const response = await fetch(`${server.baseUrl}/audit-log?limit=1`, { headers: { authorization: header } });
      assert.equal(response.status, 200, header);
      await response.arrayBuffer();
    }
    const bare = await fetch(`${server.baseUrl}/audit-log`, { headers: { authorization: server.token } });
    assert.equal(bare.status, 401);
    assert.match(((await bare.json()) as { detail: string }).detail, /<scheme> <token>/);
  });
  test('auth is checked before the query is validated', async () => {
    const result = await getAuditLog(server, { limit: 0 }, null);
    assert.equal(result.status, 401);
  });
});

describe('scope', () => {
  test('no filter: the caller’s own records, oldest first, default limit 100', async () => {
    const page = await getPage(server);
    assert.equal(page.limit, 100);
    assert.equal(page.items.length, 100);
    assert.ok(page.items.every(mine));
    const expected = records.filter(mine).slice(0, 100).map((r) => r.id);
    assert.deepEqual(ids(page), expected);
    assert.equal(typeof page.next_page_token, 'string');
  });
  test('records are served exactly as generated (all 15 fields, nulls kept)', async () => {
    const page = await getPage(server, { limit: 300, scan_forward: false });
    for (const item of page.items) {
      const original = records.find((r) => r.id === item.id);
      assert.deepEqual(item, original);
    }
  });
  test('exec_env=true widens to every user of the caller’s execution environment', async () => {
    const page = await getPage(server, { exec_env: true, limit: 300, scan_forward: false });
    assert.ok(page.items.every(myEnv));
    const emails = new Set(page.items.map((r) => r.user_email));
    assert.ok(emails.has('grace@example.com') && emails.has('linus@example.com') && emails.has(ADA), [...emails].join());
    assert.deepEqual(ids(page), newestFirst(records.filter(myEnv)).slice(0, 300).map((r) => r.id));
  });
  test('another user sees only their own records; their team differs', async () => {
    const hedy = await getPage(server, { limit: 300 }, EXTRA_TOKENS.hedy);
    assert.ok(hedy.items.length > 0);
    assert.ok(hedy.items.every((r) => r.user_email === 'hedy@example.org'));
    const team = await getPage(server, { limit: 300, exec_env: 'true' }, EXTRA_TOKENS.hedy);
    assert.ok(team.items.every((r) => r.exec_env_id !== ENV_MERCATOR));
  });
  test('a user without runs gets an empty page', async () => {
    const page = await getPage(server, {}, EXTRA_TOKENS.emmy);
    assert.deepEqual(page, { items: [], limit: 100, next_page_token: null });
  });
});

describe('filters', () => {
  test('udf_name narrows the scope; exec_env sees both census_join UDFs', async () => {
    const own = await getPage(server, { udf_name: 'census_join', limit: 300 });
    assert.ok(own.items.length > 0);
    assert.ok(own.items.every((r) => r.udf_name === 'census_join' && mine(r)));
    assert.equal(own.items.length, records.filter((r) => r.udf_name === 'census_join' && mine(r)).length);
    const team = await getPage(server, { udf_name: 'census_join', exec_env: true, limit: 300 });
    assert.deepEqual(new Set(team.items.map((r) => r.udf_id)), new Set(fixtures.duplicateName.udf_ids));
  });
  test('udf_id', async () => {
    const udfId = fixtures.duplicateName.udf_ids[1];
    const page = await getPage(server, { udf_id: udfId, exec_env: true, limit: 300 });
    assert.ok(page.items.length > 0);
    assert.ok(page.items.every((r) => r.udf_id === udfId));
    assert.equal(page.items.length, records.filter((r) => r.udf_id === udfId && myEnv(r)).length);
  });
  test('shared_token is scoped to the caller like the other filters', async () => {
    const { token } = fixtures.sharedToken;
    const page = await getPage(server, { shared_token: token, limit: 300 });
    assert.ok(page.items.some((r) => r.id === fixtures.sharedToken.recordId));
    assert.ok(page.items.every((r) => r.shared_token === token && mine(r)));
    const outsider = await getPage(server, { shared_token: token }, EXTRA_TOKENS.hedy);
    assert.equal(outsider.items.length, 0);
  });
  test('more than one filter -> 422 naming the second filter', async () => {
    const result = await getAuditLog(server, { udf_id: 'a', udf_name: 'b' });
    assert.equal(result.status, 422);
    assert.deepEqual(detailLocs(result.body), ['query.udf_name']);
    const three = await getAuditLog(server, { udf_name: 'b', shared_token: 'c', udf_id: 'a' });
    assert.equal(three.status, 422);
    assert.match(JSON.stringify(three.body), /only one of id, udf_id, udf_name or shared_token/);
  });
  test('an empty filter value -> 422', async () => {
    const result = await getAuditLog(server, { udf_name: '' });
    assert.equal(result.status, 422);
    assert.deepEqual(detailLocs(result.body), ['query.udf_name']);
  });
});

describe('id', () => {
  test('returns that one record as a page, other options ignored', async () => {
    const page = await getPage(server, { id: fixtures.hostileId, limit: 9999, udf_name: 'x', scan_forward: 'maybe' });
    assert.equal(page.items.length, 1);
    assert.deepEqual(page.items[0], records.find((r) => r.id === fixtures.hostileId));
    assert.equal(page.next_page_token, null);
  });
  test('a teammate’s record is visible; another environment’s is not found', async () => {
    const graces = records.find((r) => r.user_email === 'grace@example.com');
    assert.ok(graces);
    assert.equal((await getPage(server, { id: graces.id })).items[0].id, graces.id);
    const other = records.find((r) => r.exec_env_id !== ENV_MERCATOR && r.exec_env_id);
    assert.ok(other);
    const result = await getAuditLog(server, { id: other.id });
    assert.equal(result.status, 404);
  });
  test('unknown id -> 404 Audit log record not found', async () => {
    const result = await getAuditLog(server, { id: '00000000-0000-4000-8000-000000000000' });
    assert.equal(result.status, 404);
    assert.deepEqual(result.body, { detail: 'Audit log record not found' });
  });
});

describe('validation (422)', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['limit 0', { limit: '0' }, 'query.limit'],
    ['limit 301', { limit: '301' }, 'query.limit'],
    ['limit not a number', { limit: 'ten' }, 'query.limit'],
    ['limit fraction', { limit: '1.5' }, 'query.limit'],
    ['max_records_to_scan 0', { max_records_to_scan: '0' }, 'query.max_records_to_scan'],
    ['max_records_to_scan 5001', { max_records_to_scan: '5001' }, 'query.max_records_to_scan'],
    ['bad boolean', { exec_env: 'maybe' }, 'query.exec_env'],
    ['bad scan_forward', { scan_forward: '2' }, 'query.scan_forward'],
    ['bad distinct_type', { distinct: 'true', distinct_type: 'udfs' }, 'query.distinct_type'],
    ['distinct without distinct_type', { distinct: 'true' }, 'query.distinct_type'],
    ['start without offset', { start_timestamp: '2025-03-01T00:00:00' }, 'query.start_timestamp'],
    ['end not a date', { end_timestamp: 'yesterday' }, 'query.end_timestamp'],
    ['impossible date', { end_timestamp: '2025-02-30T00:00:00Z' }, 'query.end_timestamp'],
  ];
  for (const [name, params, loc] of cases) {
    test(name, async () => {
      const result = await getAuditLog(server, params);
      assert.equal(result.status, 422, result.text);
      assert.deepEqual(detailLocs(result.body), [loc]);
      const issue = (result.body as { detail: { msg: string; type: string }[] }).detail[0];
      assert.ok(issue.msg.length > 10 && issue.type.length > 0);
    });
  }
  test('several bad parameters are reported together', async () => {
    const result = await getAuditLog(server, { limit: '0', max_records_to_scan: '9999', exec_env: 'x' });
    assert.equal(result.status, 422);
    assert.deepEqual(detailLocs(result.body).sort(), ['query.exec_env', 'query.limit', 'query.max_records_to_scan']);
  });
  test("an unencoded '+' in an offset is explained", async () => {
    const url = `${server.baseUrl}/audit-log?start_timestamp=2025-03-01T00:00:00+00:00`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${server.token}` } });
    assert.equal(response.status, 422);
    assert.match(await response.text(), /%2B/);
  });
  test('boundaries are accepted: limit 1 and 300, max_records_to_scan 1 and 5000, Python-style booleans', async () => {
    assert.equal((await getPage(server, { limit: 1 })).items.length, 1);
    assert.equal((await getPage(server, { limit: 300 })).limit, 300);
    await getPage(server, { distinct: 'True', distinct_type: 'names', max_records_to_scan: 1 });
    await getPage(server, { distinct: '1', distinct_type: 'ids', max_records_to_scan: 5000 });
    await getPage(server, { exec_env: 'no', scan_forward: 'yes' });
  });
});

describe('time range and order', () => {
  test('start and end are inclusive', async () => {
    const target = records.find((r) => r.id === fixtures.cachedId);
    assert.ok(target);
    const page = await getPage(server, { start_timestamp: target.timestamp, end_timestamp: target.timestamp });
    assert.deepEqual(ids(page), [target.id]);
  });
  test('the same instant in another offset selects the same records', async () => {
    const utc = await getPage(server, { start_timestamp: '2025-03-25T00:00:00+00:00', end_timestamp: '2025-03-28T00:00:00Z', limit: 300 });
    const ny = await getPage(server, { start_timestamp: '2025-03-24T20:00:00-04:00', end_timestamp: '2025-03-27T19:00:00-0500', limit: 300 });
    assert.ok(utc.items.length > 0);
    assert.deepEqual(ids(ny), ids(utc));
    const expected = records.filter((r) => mine(r) && r.timestamp >= '2025-03-25T00:00:00' && r.timestamp <= '2025-03-28T00:00:00.000000+00:00');
    assert.deepEqual(ids(utc), expected.map((r) => r.id));
  });
  test('scan_forward=false is newest first; true is oldest first', async () => {
    const backward = await getPage(server, { scan_forward: false, limit: 50 });
    const forward = await getPage(server, { scan_forward: true, limit: 50 });
    assert.deepEqual(ids(backward), newestFirst(records.filter(mine)).slice(0, 50).map((r) => r.id));
    const times = forward.items.map((r) => r.timestamp);
    assert.deepEqual(times, [...times].sort());
  });
  test('start after end -> empty page', async () => {
    const page = await getPage(server, { start_timestamp: '2025-03-30T00:00:00Z', end_timestamp: '2025-03-01T00:00:00Z' });
    assert.deepEqual(page.items, []);
    assert.equal(page.next_page_token, null);
  });
});

describe('distinct', () => {
  function expectedDistinct(scope: (r: AuditLogRecord) => boolean, key: 'udf_name' | 'udf_id', maxScan = 1000): string[] {
    const seen = new Map<unknown, string>();
    for (const record of newestFirst(records.filter(scope)).slice(0, maxScan)) {
      const value = record[key] ?? null;
      if (!seen.has(value)) seen.set(value, record.id);
    }
    return [...seen.values()];
  }
  test('names: the most recent record per udf_name, newest first, next_page_token null', async () => {
    const page = await getPage(server, { distinct: true, distinct_type: 'names' });
    assert.deepEqual(ids(page), expectedDistinct(mine, 'udf_name'));
    assert.equal(page.next_page_token, null);
    assert.equal(page.limit, 100);
    const names = page.items.map((r) => r.udf_name ?? null);
    assert.equal(new Set(names).size, names.length);
    const times = page.items.map((r) => r.timestamp);
    assert.deepEqual(times, [...times].sort().reverse());
  });
  test('ids in the execution environment keep both census_join UDFs; names keep one', async () => {
    const byIds = await getPage(server, { distinct: true, distinct_type: 'ids', exec_env: true });
    assert.deepEqual(ids(byIds), expectedDistinct(myEnv, 'udf_id'));
    const census = byIds.items.filter((r) => r.udf_name === 'census_join');
    assert.equal(census.length, 2);
    const byNames = await getPage(server, { distinct: true, distinct_type: 'names', exec_env: true });
    assert.equal(byNames.items.filter((r) => r.udf_name === 'census_join').length, 1);
    assert.ok(byIds.items.length > byNames.items.length);
  });
  test('max_records_to_scan caps the scan', async () => {
    const page = await getPage(server, { distinct: true, distinct_type: 'names', max_records_to_scan: 5 });
    assert.deepEqual(ids(page), expectedDistinct(mine, 'udf_name', 5));
    assert.ok(page.items.length <= 5);
    const scanned = new Set(newestFirst(records.filter(mine)).slice(0, 5).map((r) => r.id));
    assert.ok(page.items.every((r) => scanned.has(r.id)));
  });
  test('ignores limit, scan_forward and page_token; honours the time range', async () => {
    const plain = await getPage(server, { distinct: true, distinct_type: 'names', exec_env: true });
    const odd = await getPage(server, { distinct: true, distinct_type: 'names', exec_env: true, limit: 2, scan_forward: true, page_token: 'whatever' });
    assert.deepEqual(ids(odd), ids(plain));
    assert.equal(odd.limit, 2);
    assert.ok(odd.items.length > 2);
    const windowed = await getPage(server, { distinct: true, distinct_type: 'names', start_timestamp: '2025-03-31T12:00:00Z', end_timestamp: '2025-04-01T12:00:00Z' });
    assert.ok(windowed.items.every((r) => r.timestamp >= '2025-03-31T12:00:00' && mine(r)));
    assert.ok(windowed.items.length < plain.items.length);
  });
  test('records without the key form one group of their own', async () => {
    const page = await getPage(server, { distinct: true, distinct_type: 'names', max_records_to_scan: 5000 });
    const unnamed = page.items.filter((r) => r.udf_name === null || r.udf_name === undefined);
    assert.equal(unnamed.length, 1);
  });
});

describe('routing', () => {
  test('unknown path -> 404, wrong method -> 405', async () => {
    const missing = await fetch(`${server.baseUrl}/udfs`, { headers: { authorization: `Bearer ${server.token}` } });
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { detail: 'Not Found' });
    const post = await fetch(`${server.baseUrl}/audit-log`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` } });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET');
    await post.arrayBuffer();
  });
  test('large payloads are served in full', async () => {
    for (const id of [fixtures.largeStdoutId, fixtures.largeStderrId, fixtures.largeUdfDataId]) {
      const page = await getPage(server, { id });
      assert.deepEqual(page.items[0], records.find((r) => r.id === id));
    }
    const big = records.find((r) => r.id === fixtures.largeStdoutId);
    assert.ok((big?.stdout?.length ?? 0) >= 100 * 1024);
  });
});
