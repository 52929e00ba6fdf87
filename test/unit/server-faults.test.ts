// Fault injection, the admin endpoint, statistics and large-payload streaming.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { demoFixtures } from '../server/generator';
import { startFusedServer, type FusedTestServer, type ServerStats } from '../server/server';
import { admin, auditLogUrl, getAuditLog, getPage } from '../server/testClient';

const NOW = new Date('2025-04-01T12:00:00Z');
let server: FusedTestServer;

before(async () => {
  server = await startFusedServer({ records: 120, seed: 5, now: NOW });
});
after(() => server.close());

/** Raw GET with node:http, reporting how the exchange ended (fetch hides resets behind a generic TypeError). */
function rawGet(url: string, token: string): Promise<{ status?: number; headers?: Record<string, unknown>; body: string; error?: NodeJS.ErrnoException; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts).toString('utf8'), ms: Date.now() - started }));
      res.on('error', (error) => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts).toString('utf8'), error, ms: Date.now() - started }));
      res.on('aborted', () => undefined);
    });
    req.on('error', (error) => resolve({ body: '', error, ms: Date.now() - started }));
    req.end();
  });
}

describe('faults', () => {
  test('429 with Retry-After for the next request only (times: 1)', async () => {
    server.setFaults({ status: 429, retryAfterSeconds: 2, times: 1 });
    const limited = await getAuditLog(server, { limit: 1 });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '2');
    assert.deepEqual(limited.body, { detail: 'Too Many Requests' });
    assert.equal((await getAuditLog(server, { limit: 1 })).status, 200);
  });
  test('500 is plain text; 502/503/504 are gateway HTML', async () => {
    server.setFaults({ status: 500, times: 1 });
    const internal = await getAuditLog(server);
    assert.equal(internal.status, 500);
    assert.equal(internal.text, 'Internal Server Error');
    for (const status of [502, 503, 504]) {
      server.setFaults({ status, times: 1 });
      const gateway = await getAuditLog(server);
      assert.equal(gateway.status, status);
      assert.match(gateway.headers.get('content-type') ?? '', /text\/html/);
      assert.match(gateway.text, new RegExp(`<title>${status} `));
      assert.equal(gateway.body, undefined, 'not JSON');
    }
    assert.equal((await getAuditLog(server)).status, 200);
  });
  test('fault persists until cleared when times is not given', async () => {
    server.setFaults({ status: 503 });
    assert.equal((await getAuditLog(server)).status, 503);
    assert.equal((await getAuditLog(server)).status, 503);
    server.clearFaults();
    assert.equal((await getAuditLog(server)).status, 200);
  });
  test('latency delays the response', async () => {
    server.setFaults({ latencyMs: 300, times: 1 });
    const started = Date.now();
    assert.equal((await getAuditLog(server, { limit: 1 })).status, 200);
    assert.ok(Date.now() - started >= 290, `took ${Date.now() - started} ms`);
  });
  test('latency: a client that aborts while waiting is logged as aborted, at once', async () => {
    server.resetStats();
    server.setFaults({ latencyMs: 30_000, times: 1 });
    const controller = new AbortController();
    const request = fetch(auditLogUrl(server), { headers: { Authorization: `Bearer ${server.token}` }, signal: controller.signal }).catch((error: Error) => error);
    while (server.stats().faultsApplied === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = Date.now();
    controller.abort();
    assert.equal(((await request) as Error).name, 'AbortError');
    while (server.stats().byStatus.aborted === undefined && Date.now() - started < 5_000) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(server.stats().byStatus.aborted, 1);
    assert.equal(server.stats().recent.at(-1)?.status, 'aborted');
    assert.ok(Date.now() - started < 5_000, 'seen before the 30 s latency ran out');
  });
  test('resetConnection: the connection is reset without a response', async () => {
    server.setFaults({ resetConnection: true, times: 1 });
    const result = await rawGet(auditLogUrl(server), server.token);
    assert.equal(result.status, undefined);
    assert.equal(result.error?.code, 'ECONNRESET');
  });
  test('truncateBody: full Content-Length announced, half sent, connection dropped', async () => {
    server.setFaults({ truncateBody: true, times: 1 });
    const result = await rawGet(auditLogUrl(server, { limit: 20 }), server.token);
    assert.equal(result.status, 200);
    assert.ok(result.error, 'the body must end in an error');
    const announced = Number(result.headers?.['content-length']);
    assert.ok(announced > 0 && result.body.length < announced);
  });
  test('malformedBody: a complete 200 whose JSON is cut', async () => {
    server.setFaults({ malformedBody: true, times: 1 });
    const result = await getAuditLog(server, { limit: 20 });
    assert.equal(result.status, 200);
    assert.equal(result.body, undefined);
    assert.ok(result.text.startsWith('{"items":['));
  });
  test('custom body violating the schema', async () => {
    server.setFaults({ body: '{"items":[{"timestamp":5}],"limit":100,"next_page_token":null}', times: 1 });
    const result = await getAuditLog(server);
    assert.equal(result.status, 200);
    assert.deepEqual(result.body, { items: [{ timestamp: 5 }], limit: 100, next_page_token: null });
  });
  test('slowBodyMs: body arrives whole, in pieces, slowly', async () => {
    server.setFaults({ slowBodyMs: 60, times: 1 });
    const started = Date.now();
    const page = await getPage(server, { limit: 30 });
    assert.equal(page.items.length, 30);
    assert.ok(Date.now() - started >= 7 * 60 - 20, `took ${Date.now() - started} ms`);
  });
  test('match limits a fault to one UDF name or path', async () => {
    server.setFaults({ status: 500, match: { udf_name: 'hello_world' }, times: 1 });
    assert.equal((await getAuditLog(server, { udf_name: 'sentinel_tile' })).status, 200);
    assert.equal((await getAuditLog(server)).status, 200);
    assert.equal((await getAuditLog(server, { udf_name: 'hello_world' })).status, 500);
    assert.equal((await getAuditLog(server, { udf_name: 'hello_world' })).status, 200, 'times: 1 used up');
    server.setFaults({ status: 502, match: { path: '/v1/other' }, times: 1 });
    assert.equal((await getAuditLog(server)).status, 200);
    server.clearFaults();
  });
  test('invalid fault configurations are refused with the field named', () => {
    assert.throws(() => server.setFaults({ status: 42 }), /status/);
    assert.throws(() => server.setFaults({ latencyMs: -1 }), /latencyMs/);
    assert.throws(() => server.setFaults({ times: 0 }), /times/);
    assert.throws(() => server.setFaults({ delay: 5 } as never), /unknown fault option "delay"/);
    assert.throws(() => server.setFaults({ match: { user: 'x' } } as never), /unknown match option/);
  });
});

describe('admin endpoint', () => {
  test('faults over HTTP: POST, GET, DELETE', async () => {
    const posted = await admin(server, 'POST', '/__admin/faults', { status: 503, retryAfterSeconds: 1, times: 2 });
    assert.equal(posted.status, 200);
    assert.deepEqual((await admin(server, 'GET', '/__admin/faults')).body, { faults: { status: 503, retryAfterSeconds: 1, times: 2 }, remaining: 2 });
    assert.equal((await getAuditLog(server)).status, 503);
    assert.equal((await admin(server, 'DELETE', '/__admin/faults')).status, 204);
    assert.equal((await getAuditLog(server)).status, 200);
  });
  test('bad fault JSON -> 400 with the reason', async () => {
    const notJson = await admin(server, 'POST', '/__admin/faults', '{status: 500');
    assert.equal(notJson.status, 400);
    assert.match((notJson.body as { error: string }).error, /not valid JSON/);
    const badField = await admin(server, 'POST', '/__admin/faults', { status: 'oops' });
    assert.equal(badField.status, 400);
    assert.match((badField.body as { error: string }).error, /status/);
  });
  test('stats count requests by query shape and status; reset clears them', async () => {
    assert.equal((await admin(server, 'POST', '/__admin/stats/reset')).status, 204);
    const fixtures = demoFixtures(server.records);
    await getAuditLog(server);
    await getAuditLog(server, { exec_env: true });
    await getAuditLog(server, { id: fixtures.cachedId });
    await getAuditLog(server, { distinct: true, distinct_type: 'names', exec_env: true });
    await getAuditLog(server, { udf_name: 'sentinel_tile' });
    const first = await getPage(server, { limit: 2 });
    await getAuditLog(server, { limit: 2, page_token: first.next_page_token ?? '' });
    await getAuditLog(server, { limit: 0 });
    await getAuditLog(server, {}, null);
    const stats = (await admin(server, 'GET', '/__admin/stats')).body as ServerStats;
    assert.equal(stats.requests, 9);
    assert.deepEqual(stats.byQuery, { all: 4, exec_env: 1, id: 1, 'distinct:names+exec_env': 1, udf_name: 1, 'all+page': 1 });
    assert.deepEqual(stats.byStatus, { '200': 7, '422': 1, '401': 1 });
    assert.equal(stats.recent.length, 9);
    assert.ok(stats.recent.every((entry) => !entry.url.includes(server.token)));
    assert.deepEqual(server.stats().byQuery, stats.byQuery);
    server.resetStats();
    assert.equal(server.stats().requests, 0);
  });
  test('admin requests are not counted as API requests', async () => {
    server.resetStats();
    await admin(server, 'GET', '/__admin/stats');
    await admin(server, 'GET', '/__admin/health');
    assert.equal(server.stats().requests, 0);
  });
  test('records can be added through the admin endpoint (validated)', async () => {
    const template = server.records[0];
    const added = await admin(server, 'POST', '/__admin/records', [{ ...template, id: 'added-1', timestamp: '2025-04-01T11:59:00+00:00' }]);
    assert.equal(added.status, 200);
    assert.ok(server.records.some((r) => r.id === 'added-1'));
    const bad = await admin(server, 'POST', '/__admin/records', [{ id: 'added-2', timestamp: '2025-04-01 11:59' }]);
    assert.equal(bad.status, 400);
    assert.match((bad.body as { error: string }).error, /record 0: field "timestamp"/);
    const duplicate = await admin(server, 'POST', '/__admin/records', [{ id: 'added-1', timestamp: '2025-04-01T11:59:00Z' }]);
    assert.equal(duplicate.status, 400);
  });
  test('refuses browser (Origin) requests and non-loopback Host headers', async () => {
    const withOrigin = await admin(server, 'POST', '/__admin/faults', { status: 500 }, { origin: 'http://evil.example' });
    assert.equal(withOrigin.status, 403);
    assert.match((withOrigin.body as { error: string }).error, /Origin/);
    const rebinding = await new Promise<number | undefined>((resolve) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/__admin/stats', headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', () => resolve(undefined));
      req.end();
    });
    assert.equal(rebinding, 403);
    assert.equal((await getAuditLog(server)).status, 200, 'the refused fault was not installed');
  });
  test('refuses callers that are not on loopback', async (t) => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    if (!external) {
      t.skip('this machine has no non-loopback IPv4 address to call from');
      return;
    }
    const open = await startFusedServer({ records: 30, seed: 1, now: NOW, host: '0.0.0.0' });
    try {
      const status = await new Promise<number | undefined>((resolve) => {
        const req = request({ host: external.address, port: open.port, path: '/__admin/stats', localAddress: external.address, headers: { host: `127.0.0.1:${open.port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('error', () => resolve(undefined));
        req.end();
      });
      assert.equal(status, 403);
      // The API itself still answers there (the server is only "exposed" because we asked).
      const api = await fetch(`http://${external.address}:${open.port}/v1/audit-log?limit=1`, { headers: { authorization: `Bearer ${open.token}` } });
      assert.equal(api.status, 200);
      await api.arrayBuffer();
    } finally {
      await open.close();
    }
  });
});

describe('content encoding', () => {
  function rawBytes(url: string, headers: Record<string, string>): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { authorization: `Bearer ${server.token}`, ...headers } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(parts) }));
      });
      req.on('error', reject);
      req.end();
    });
  }
  test('gzip only when the client accepts it; same JSON either way', async () => {
    const url = auditLogUrl(server, { limit: 50 });
    const plain = await rawBytes(url, {});
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(Number(plain.headers['content-length']), plain.body.length);
    const zipped = await rawBytes(url, { 'accept-encoding': 'br;q=1, gzip;q=0.8' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(Number(zipped.headers['content-length']), zipped.body.length);
    assert.ok(zipped.body.length < plain.body.length);
    assert.deepEqual(JSON.parse(gunzipSync(zipped.body).toString('utf8')), JSON.parse(plain.body.toString('utf8')));
    const refused = await rawBytes(url, { 'accept-encoding': 'gzip;q=0, identity' });
    assert.equal(refused.headers['content-encoding'], undefined);
  });
  test('malformedBody cuts the JSON before compression (the transfer itself is fine)', async () => {
    server.setFaults({ malformedBody: true, times: 1 });
    const zipped = await rawBytes(auditLogUrl(server, { limit: 50 }), { 'accept-encoding': 'gzip' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    const text = gunzipSync(zipped.body).toString('utf8');
    assert.ok(text.startsWith('{"items":['));
    assert.throws(() => JSON.parse(text), SyntaxError);
  });
});

describe('large payloads', () => {
  test('a multi-megabyte stderr is streamed whole while other requests still get answers', async () => {
    const big = await startFusedServer({ records: 60, seed: 9, now: NOW, hugePayloadBytes: 4 * 1024 * 1024 });
    try {
      const fixtures = demoFixtures(big.records);
      assert.ok(fixtures.hugeId);
      const original = big.records.find((r) => r.id === fixtures.hugeId);
      const started = Date.now();
      const [huge, small] = await Promise.all([getPage(big, { id: fixtures.hugeId }), getPage(big, { limit: 1 })]);
      assert.equal(huge.items[0].stderr, original?.stderr);
      assert.ok((huge.items[0].stderr?.length ?? 0) >= 4 * 1024 * 1024);
      assert.equal(small.items.length, 1);
      assert.ok(Date.now() - started < 5000);
    } finally {
      await big.close();
    }
  });
  test('closing the server while a slow response is in flight does not hang', async () => {
    const slow = await startFusedServer({ records: 30, seed: 2, now: NOW });
    slow.setFaults({ latencyMs: 60_000 });
    const pending = rawGet(auditLogUrl(slow), slow.token);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await slow.close();
    const result = await pending;
    assert.ok(result.error, 'the client sees the connection end');
    assert.ok(Date.now() - started < 2000);
  });
});
