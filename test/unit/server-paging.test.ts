// Keyset paging and opaque page tokens of the local Fused server.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditLogRecord } from '../../src/api/types';
import { compareRecords, demoFixtures, type DemoFixtures } from '../server/generator';
import { formatIsoMicros, parseIsoMicros } from '../server/iso';
import { startFusedServer, EXTRA_TOKENS, ENV_MERCATOR, type FusedTestServer } from '../server/server';
import { getAllPages, getAuditLog, getPage } from '../server/testClient';

const NOW = new Date('2025-04-01T12:00:00Z');
let server: FusedTestServer;
let records: AuditLogRecord[];
let fixtures: DemoFixtures;

const mine = (r: AuditLogRecord): boolean => r.user_email === 'ada@example.com';

before(async () => {
  server = await startFusedServer({ records: 500, seed: 11, now: NOW });
  records = server.records;
  fixtures = demoFixtures(records);
});
after(() => server.close());

function flatIds(pages: { items: AuditLogRecord[] }[]): string[] {
  return pages.flatMap((p) => p.items.map((r) => r.id));
}

describe('paging to the end', () => {
  for (const scanForward of [true, false]) {
    test(`scan_forward=${scanForward}: every record once, in order, last token null`, async () => {
      const pages = await getAllPages(server, { limit: 7, scan_forward: scanForward });
      const expected = records.filter(mine).sort((a, b) => (scanForward ? compareRecords(a, b) : compareRecords(b, a)));
      const got = flatIds(pages);
      assert.equal(new Set(got).size, got.length, 'no duplicates');
      assert.deepEqual(got, expected.map((r) => r.id));
      assert.ok(pages.length > 10);
      assert.ok(pages.slice(0, -1).every((p) => p.items.length === 7 && typeof p.next_page_token === 'string'));
      assert.equal(pages[pages.length - 1].next_page_token, null);
      // The two runs with the same timestamp are both there, ordered by id.
      const [first, second] = fixtures.tiedIds;
      assert.ok(got.includes(first) && got.includes(second));
    });
  }
  test('exec_env + udf_name + time range, limit changed between pages', async () => {
    const params = { exec_env: true, udf_name: 'overture_buildings', start_timestamp: '2025-03-10T00:00:00+00:00', end_timestamp: '2025-04-01T00:00:00+00:00', scan_forward: false };
    const seen: string[] = [];
    let token: string | undefined;
    let limit = 2;
    do {
      const page = await getPage(server, { ...params, limit, page_token: token });
      seen.push(...page.items.map((r) => r.id));
      token = page.next_page_token ?? undefined;
      limit = limit === 2 ? 5 : 2;
    } while (token);
    const lo = parseIsoMicros(params.start_timestamp);
    const hi = parseIsoMicros(params.end_timestamp);
    assert.ok(lo.ok && hi.ok);
    const expected = records
      .filter((r) => r.exec_env_id === ENV_MERCATOR && r.udf_name === 'overture_buildings')
      .filter((r) => r.timestamp >= formatIsoMicros(lo.micros) && r.timestamp <= formatIsoMicros(hi.micros))
      .sort((a, b) => compareRecords(b, a));
    assert.ok(expected.length > 5);
    assert.deepEqual(seen, expected.map((r) => r.id));
  });
  test('a result that exactly fills the page has no next token (no empty trailing page)', async () => {
    const total = records.filter((r) => mine(r) && r.udf_name === 'dem_hillshade').length;
    assert.ok(total > 1);
    const page = await getPage(server, { udf_name: 'dem_hillshade', limit: total });
    assert.equal(page.items.length, total);
    assert.equal(page.next_page_token, null);
    const smaller = await getPage(server, { udf_name: 'dem_hillshade', limit: total - 1 });
    assert.equal(typeof smaller.next_page_token, 'string');
  });
});

describe('page tokens', () => {
  async function firstToken(params: Record<string, string | number | boolean> = {}): Promise<string> {
    const page = await getPage(server, { limit: 5, ...params });
    assert.ok(page.next_page_token);
    return page.next_page_token;
  }
  async function expect422(params: Record<string, string | number | boolean | undefined>, token = server.token): Promise<string> {
    const result = await getAuditLog(server, params, token);
    assert.equal(result.status, 422, result.text);
    const detail = (result.body as { detail: { loc: string[]; msg: string }[] }).detail;
    assert.deepEqual(detail[0].loc, ['query', 'page_token']);
    return detail[0].msg;
  }
  test('are opaque (no record id or timestamp in clear text)', async () => {
    const page = await getPage(server, { limit: 5 });
    const last = page.items[4];
    assert.ok(page.next_page_token);
    assert.ok(!page.next_page_token.includes(last.id));
    assert.ok(!page.next_page_token.includes(last.timestamp.slice(0, 10)));
  });
  test('forged -> 422', async () => {
    await expect422({ page_token: 'abc' });
    const fake = `${Buffer.from(JSON.stringify({ v: 1, q: 'x', t: 0, i: 'a' })).toString('base64url')}.${'A'.repeat(43)}`;
    assert.match(await expect422({ page_token: fake }), /invalid or expired/);
  });
  test('tampered cursor -> 422', async () => {
    const token = await firstToken();
    const [payload, signature] = token.split('.');
    const cursor = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { t: number };
    cursor.t -= 1_000_000;
    await expect422({ page_token: `${Buffer.from(JSON.stringify(cursor)).toString('base64url')}.${signature}` });
  });
  test('used with a different query, order or user -> 422', async () => {
    const token = await firstToken();
    assert.match(await expect422({ page_token: token, udf_name: 'sentinel_tile', limit: 5 }), /different query/);
    await expect422({ page_token: token, scan_forward: false });
    await expect422({ page_token: token, exec_env: true });
    await expect422({ page_token: token, start_timestamp: '2025-01-01T00:00:00Z' });
    await expect422({ page_token: token }, EXTRA_TOKENS.grace);
    // ... while the same query with another limit is fine.
    const ok = await getPage(server, { page_token: token, limit: 50 });
    assert.equal(ok.items.length, 50);
  });
  test('from another server instance (stale) -> 422', async () => {
    const other = await startFusedServer({ records: 500, seed: 11, now: NOW });
    try {
      const page = await getPage(other, { limit: 5 });
      assert.ok(page.next_page_token);
      await expect422({ page_token: page.next_page_token });
    } finally {
      await other.close();
    }
  });
});

describe('records arriving between pages', () => {
  test('new runs do not shift or duplicate pages (newest first and oldest first)', async () => {
    const local = await startFusedServer({ records: 200, seed: 3, now: NOW });
    try {
      const firstNewest = await getPage(local, { limit: 10, scan_forward: false });
      const firstOldest = await getPage(local, { limit: 10, scan_forward: true });
      const template = local.records.find(mine);
      assert.ok(template);
      // Newer than everything, and older than everything: both land outside the cursors' way.
      const arriving: AuditLogRecord[] = [
        { ...template, id: 'f0000000-0000-4000-8000-000000000001', timestamp: '2025-04-01T11:59:59.999999+00:00' },
        { ...template, id: 'f0000000-0000-4000-8000-000000000002', timestamp: '2025-02-01T00:00:00.000000+00:00' },
      ];
      const before = local.records.filter(mine);
      local.addRecords(arriving);
      const rest = async (first: { items: AuditLogRecord[]; next_page_token: string | null }, scanForward: boolean): Promise<string[]> => {
        const ids = first.items.map((r) => r.id);
        let token = first.next_page_token;
        while (token) {
          const page = await getPage(local, { limit: 10, scan_forward: scanForward, page_token: token });
          ids.push(...page.items.map((r) => r.id));
          token = page.next_page_token;
        }
        return ids;
      };
      const newest = await rest(firstNewest, false);
      // Paging newest-first continues below the cursor: the new newest run is not in this
      // walk, the new oldest one is (it is further along); nothing duplicated or skipped.
      assert.deepEqual(newest, [...before.sort((a, b) => compareRecords(b, a)).map((r) => r.id), arriving[1].id]);
      const oldest = await rest(firstOldest, true);
      assert.deepEqual(oldest, [...before.sort(compareRecords).map((r) => r.id), arriving[0].id]);
    } finally {
      await local.close();
    }
  });
});
