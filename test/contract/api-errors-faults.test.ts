// Every error class and every injected fault, with the real client against the real local
// server: caps (client-side and the server's own 422), auth, not found, forged tokens,
// retries with Retry-After, 5xx, truncated/malformed bodies, resets, timeouts, cancellation,
// a server that goes away mid-paging, and redirects that must not carry the token away.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { AuditLogClient } from '../../src/api/client';
import {
  AuthenticationError,
  CancelledError,
  FusedApiError,
  InvalidResponseError,
  NetworkError,
  NotFoundError,
  NotSignedInError,
  QueryValidationError,
  RateLimitedError,
  RequestRejectedError,
  ServerError,
  TimeoutError,
  describeErrorBody,
} from '../../src/api/errors';
import { collectRecords, iteratePages, type PageSource } from '../../src/api/paging';
import type { AuditLogRecord } from '../../src/api/types';
import { EXPIRED_TOKEN, FORBIDDEN_TOKEN, startFusedServer, type FusedTestServer } from '../server/server';
import { clientFor, expectedRecords, ids } from './helpers';

let server: FusedTestServer;
let client: AuditLogClient;

before(async () => {
  server = await startFusedServer({ records: 400, seed: 7 });
  client = clientFor(server);
});
afterEach(() => {
  server.clearFaults();
  server.resetStats();
});
after(async () => {
  await client.close();
  await server.close();
});

function expectError<T extends FusedApiError>(type: new (...args: never[]) => T, check?: (error: T) => void) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof type, `expected ${type.name}, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    check?.(error as T);
    return true;
  };
}

async function rawGet(query: string, token = server.token): Promise<{ status: number; body: string }> {
  const response = await fetch(`${server.baseUrl}${server.auditLogPath}?${query}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.text() };
}

describe('caps and validation', () => {
  it('limit 301 and max_records_to_scan 5001 are refused before sending', async () => {
    await assert.rejects(client.query({ limit: 301 }), expectError(QueryValidationError, (e) => assert.equal(e.field, 'limit')));
    await assert.rejects(
      client.query({ distinct: true, distinct_type: 'names', max_records_to_scan: 5001 }),
      expectError(QueryValidationError, (e) => assert.equal(e.field, 'max_records_to_scan')),
    );
    assert.equal(server.stats().requests, 0, 'nothing reached the server');
  });

  it('the server enforces the same caps with a FastAPI 422, which reads as one line', async () => {
    const limit = await rawGet('limit=301');
    assert.equal(limit.status, 422);
    assert.equal(describeErrorBody(limit.body), 'limit: Input should be less than or equal to 300');
    const scan = await rawGet('distinct=true&distinct_type=names&max_records_to_scan=5001');
    assert.equal(scan.status, 422);
    assert.equal(describeErrorBody(scan.body), 'max_records_to_scan: Input should be less than or equal to 5000');
    const both = await rawGet('limit=0&max_records_to_scan=5001');
    assert.match(describeErrorBody(both.body), /^limit: .*; max_records_to_scan: /);
  });

  it('the bounds themselves are accepted end to end', async () => {
    assert.equal((await client.query({ limit: 300 })).limit, 300);
    assert.equal((await client.query({ limit: 1 })).items.length, 1);
    const distinct = await client.query({ distinct: true, distinct_type: 'ids', max_records_to_scan: 5000 });
    assert.equal(distinct.next_page_token, null);
  });

  it('a forged page token gets the server\'s 422 as RequestRejectedError', async () => {
    await assert.rejects(
      client.query({ page_token: 'eyJ2IjoxfQ.forged-signature' }),
      expectError(RequestRejectedError, (e) => {
        assert.equal(e.status, 422);
        assert.match(e.detail, /^page_token: /);
        assert.match(e.message, /Fused rejected the query \(422\): page_token: .*invalid/);
      }),
    );
  });
});

describe('authentication and not found', () => {
  it('no credentials: NotSignedInError, nothing sent', async () => {
    const anonymous = new AuditLogClient({ baseUrl: server.baseUrl, auditLogPath: server.auditLogPath, getCredentials: async () => undefined });
    await assert.rejects(anonymous.query({}), expectError(NotSignedInError, (e) => assert.match(e.message, /Fused: Set API Token/)));
    assert.equal(server.stats().requests, 0);
    await anonymous.close();
  });

  it('a credentials provider that throws becomes NotSignedInError', async () => {
    const broken = new AuditLogClient({ baseUrl: server.baseUrl, auditLogPath: server.auditLogPath, getCredentials: () => Promise.reject(new Error('keychain locked')) });
    await assert.rejects(broken.query({}), expectError(NotSignedInError, (e) => assert.match(e.message, /keychain locked/)));
    await broken.close();
  });

  it('a bad, an expired and a forbidden token give AuthenticationError with what to do', async () => {
    for (const [token, status] of [['not-a-real-token', 401], [EXPIRED_TOKEN, 401], [FORBIDDEN_TOKEN, 403]] as const) {
      const wrong = clientFor(server, {}, token);
      await assert.rejects(
        wrong.query({}),
        expectError(AuthenticationError, (e) => {
          assert.equal(e.status, status);
          assert.match(e.message, new RegExp(`\\(${status}\\)`));
          assert.match(e.message, /FUSED_AUTH_TOKEN|Set API Token/);
          assert.equal(e.message.includes(token), false, 'the token is not in the message');
        }),
      );
      await wrong.close();
    }
    assert.equal(server.stats().requests, 3, 'auth failures are not retried');
  });

  it('an unknown id is NotFoundError naming the id', async () => {
    await assert.rejects(client.getRecord('00000000-0000-4000-8000-000000000000'), expectError(NotFoundError, (e) => assert.match(e.message, /00000000-0000-4000-8000-000000000000/)));
  });

  it('a wrong audit-log path is NotFoundError pointing at the setting', async () => {
    const misconfigured = clientFor(server, { auditLogPath: '/audit-logs' });
    await assert.rejects(misconfigured.query({}), expectError(NotFoundError, (e) => assert.match(e.message, /fusedRuns\.api\.auditLogPath/)));
    await misconfigured.close();
  });
});

describe('retries', () => {
  it('429 with Retry-After: waits that long, then succeeds', async () => {
    server.setFaults({ status: 429, retryAfterSeconds: 1, times: 1 });
    const started = Date.now();
    const page = await client.query({ limit: 5 });
    const elapsed = Date.now() - started;
    assert.equal(page.items.length, 5);
    assert.ok(elapsed >= 950, `waited only ${elapsed} ms`);
    assert.ok(elapsed < 3000, `waited ${elapsed} ms`);
    assert.deepEqual(server.stats().byStatus, { '429': 1, '200': 1 });
  });

  it('429 that never ends: RateLimitedError after maxAttempts, with the wait asked for', async () => {
    server.setFaults({ status: 429, retryAfterSeconds: 0 });
    const limited = clientFor(server, { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 } });
    await assert.rejects(limited.query({}), expectError(RateLimitedError, (e) => assert.equal(e.retryAfterMs, 0)));
    assert.equal(server.stats().requests, 3);
    await limited.close();
  });

  it('a Retry-After longer than the cap fails at once instead of hanging', async () => {
    server.setFaults({ status: 429, retryAfterSeconds: 120 });
    const started = Date.now();
    await assert.rejects(client.query({}), expectError(RateLimitedError, (e) => {
      assert.equal(e.retryAfterMs, 120_000);
      assert.match(e.message, /Try again in 120 s/);
    }));
    assert.ok(Date.now() - started < 1000);
    assert.equal(server.stats().requests, 1);
  });

  it('502 and 503 are retried with backoff until they pass', async () => {
    for (const status of [502, 503]) {
      server.resetStats();
      server.setFaults({ status, times: 2 });
      const page = await client.query({ limit: 3 });
      assert.equal(page.items.length, 3);
      assert.deepEqual(server.stats().byStatus, { [String(status)]: 2, '200': 1 });
    }
  });

  it('503 that persists ends as ServerError with the gateway page reduced to its title', async () => {
    server.setFaults({ status: 503 });
    await assert.rejects(client.query({}), expectError(ServerError, (e) => {
      assert.equal(e.status, 503);
      assert.match(e.message, /\(503\): 503 Service Temporarily Unavailable/);
    }));
    assert.equal(server.stats().requests, 4);
  });

  it('500 is not retried (a server bug would only repeat)', async () => {
    server.setFaults({ status: 500 });
    await assert.rejects(client.query({}), expectError(ServerError, (e) => {
      assert.equal(e.status, 500);
      assert.match(e.message, /Internal Server Error/);
    }));
    assert.equal(server.stats().requests, 1);
  });

  it('a connection reset is retried, and a persistent one is NetworkError', async () => {
    server.setFaults({ resetConnection: true, times: 1 });
    assert.equal((await client.query({ limit: 2 })).items.length, 2);
    assert.equal(server.stats().byStatus.reset, 1);
    server.setFaults({ resetConnection: true });
    await assert.rejects(client.query({}), expectError(NetworkError, (e) => assert.match(e.message, /reset/)));
  });
});

describe('broken responses', () => {
  it('a body cut off mid-way (connection dropped) is NetworkError saying it was truncated', async () => {
    server.setFaults({ truncateBody: true });
    // 300 records are gzipped: the decoded bytes cannot be compared with Content-Length, so the
    // message gives the compressed size announced.
    await assert.rejects(
      client.query({ limit: 300 }),
      expectError(NetworkError, (e) => assert.match(e.message, /closed before the whole response arrived \(\d+ bytes decoded; it announced \d+ compressed bytes\).*truncated/)),
    );
    assert.equal(server.stats().requests, 4, 'retried, since a repeat may get the whole body');
  });

  it('a complete response with half the JSON is InvalidResponseError mentioning truncation', async () => {
    server.setFaults({ malformedBody: true, times: 1 });
    // Retried once, and the second answer is whole.
    assert.equal((await client.query({ limit: 10 })).items.length, 10);
    server.setFaults({ malformedBody: true });
    await assert.rejects(client.query({ limit: 10 }), expectError(InvalidResponseError, (e) => {
      assert.equal(e.truncated, true);
      assert.match(e.message, /truncated/);
    }));
  });

  it('a 200 that is not JSON is InvalidResponseError', async () => {
    server.setFaults({ status: 200, body: '<html>maintenance</html>', contentType: 'text/html' });
    await assert.rejects(client.query({}), expectError(InvalidResponseError, (e) => assert.match(e.message, /not valid JSON/)));
    assert.equal(server.stats().requests, 1);
  });

  it('a page that breaks the record schema is InvalidResponseError naming the path', async () => {
    const items = [0, 1, 2, 3].map((i) => ({ id: `r${i}`, timestamp: '2025-04-01T00:00:00+00:00', execution_time: i === 3 ? 'slow' : 1.5 }));
    server.setFaults({ status: 200, body: JSON.stringify({ items, limit: 100, next_page_token: null }) });
    await assert.rejects(client.query({}), expectError(InvalidResponseError, (e) => {
      assert.equal(e.path, 'items[3].execution_time');
      assert.match(e.message, /items\[3\]\.execution_time should be a number or null but is the string "slow"/);
    }));
    server.setFaults({ status: 200, body: JSON.stringify({ items: [], limit: 100, next_page_token: 42 }) });
    await assert.rejects(client.query({}), expectError(InvalidResponseError, (e) => assert.equal(e.path, 'next_page_token')));
  });

  it('an uncompressed body cut off mid-way says how many of the announced bytes came', async () => {
    // A small answer (under the server's 1 KiB gzip threshold) travels uncompressed.
    server.setFaults({ status: 200, body: JSON.stringify({ items: [], limit: 100, next_page_token: null, padding: 'x'.repeat(600) }), truncateBody: true });
    await assert.rejects(client.query({ limit: 1 }), expectError(NetworkError, (e) => assert.match(e.message, /closed after \d+ of \d+ bytes.*truncated/)));
  });

  it('a gzip response is decoded, and the size guard counts the decoded bytes', async () => {
    const page = await client.query({ limit: 300 });
    assert.ok(page.items.length > 100, `${page.items.length} records`);
    // The server gzips bodies over 1 KiB for clients that accept it; fetch asks for gzip and decodes it.
    const raw = await fetch(`${server.baseUrl}${server.auditLogPath}?limit=300`, { headers: { authorization: `Bearer ${server.token}` } });
    assert.equal(raw.headers.get('content-encoding'), 'gzip');
    const wire = Number(raw.headers.get('content-length'));
    const text = await raw.text();
    const decoded = Buffer.byteLength(text);
    assert.deepEqual(ids(page.items), ids((JSON.parse(text) as { items: AuditLogRecord[] }).items), 'the client decoded the same page');
    assert.ok(wire < decoded / 2, `compressed ${wire} vs decoded ${decoded}`);
    // A guard between the compressed and the decoded size refuses the page: it counts decoded bytes.
    const guarded = clientFor(server, { maxResponseBytes: Math.floor((wire + decoded) / 2), retry: { maxAttempts: 1 } });
    await assert.rejects(guarded.query({ limit: 300 }), expectError(InvalidResponseError, (e) => assert.match(e.message, /larger than/)));
    await guarded.close();
  });

  it('a response over the size guard is refused', async () => {
    const small = clientFor(server, { maxResponseBytes: 10_000 });
    await assert.rejects(small.query({ limit: 300 }), expectError(InvalidResponseError, (e) => assert.match(e.message, /larger than/)));
    await small.close();
  });
});

describe('timeouts', () => {
  it('headers that never come: TimeoutError(headers)', async () => {
    const impatient = clientFor(server, { timeoutMs: 1000, retry: { maxAttempts: 1 } });
    server.setFaults({ latencyMs: 4000 });
    const started = Date.now();
    await assert.rejects(impatient.query({}), expectError(TimeoutError, (e) => {
      assert.equal(e.phase, 'headers');
      assert.match(e.message, /did not answer within 1 s.*timeoutSeconds/);
    }));
    assert.ok(Date.now() - started < 3500);
    await impatient.close();
  });

  it('a body that stalls: TimeoutError(body)', async () => {
    const impatient = clientFor(server, { timeoutMs: 1000, retry: { maxAttempts: 1 } });
    server.setFaults({ slowBodyMs: 4000 });
    await assert.rejects(impatient.query({ limit: 50 }), expectError(TimeoutError, (e) => assert.equal(e.phase, 'body')));
    await impatient.close();
  });

  it('a slow body within the idle timeout still arrives', async () => {
    server.setFaults({ slowBodyMs: 100 });
    assert.equal((await client.query({ limit: 50 })).items.length, 50);
  });
});

describe('cancellation', () => {
  it('an abort while waiting for the server: CancelledError at once', async () => {
    server.setFaults({ latencyMs: 5000 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(client.query({}, { signal: controller.signal }), expectError(CancelledError));
    assert.ok(Date.now() - started < 1500);
  });

  it('an abort during a retry backoff: CancelledError without waiting it out', async () => {
    const patient = clientFor(server, { retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 60_000 } });
    server.setFaults({ status: 429, retryAfterSeconds: 30 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(patient.query({}, { signal: controller.signal }), expectError(CancelledError));
    assert.ok(Date.now() - started < 1500);
    assert.equal(server.stats().requests, 1);
    await patient.close();
  });

  it('an already aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(client.query({}, { signal: controller.signal }), expectError(CancelledError));
    assert.equal(server.stats().requests, 0);
  });

  it('an abort mid-paging stops the pages and keeps what was read', async () => {
    const controller = new AbortController();
    const slowAfterFirst: PageSource = {
      query: async (q, o) => {
        const page = await client.query(q, o);
        server.setFaults({ latencyMs: 5000 });
        setTimeout(() => controller.abort(), 50);
        return page;
      },
    };
    await assert.rejects(collectRecords(slowAfterFirst, { limit: 20 }, { signal: controller.signal }), expectError(CancelledError, (e) => assert.equal(e.partial?.records.length, 20)));
  });
});

describe('a server that goes away', () => {
  it('closed mid-paging: NetworkError, and the records already read are kept', async () => {
    const doomed = await startFusedServer({ records: 400, seed: 7 });
    const doomedClient = clientFor(doomed, { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 } });
    const expected = expectedRecords(doomed.records, { email: doomed.users[0].email, exec_env_id: doomed.users[0].exec_env_id }, {});
    const read: AuditLogRecord[] = [];
    await assert.rejects(
      (async () => {
        for await (const page of iteratePages(doomedClient, { limit: 25 })) {
          read.push(...page.items);
          if (read.length === 50) await doomed.close();
        }
      })(),
      expectError(NetworkError, (e) => assert.match(e.message, /refused|reset|closed/)),
    );
    assert.deepEqual(ids(read), ids(expected.slice(0, 50)));
    await doomedClient.close();
  });

  it('collectRecords attaches the partial result to the error', async () => {
    const doomed = await startFusedServer({ records: 400, seed: 7 });
    const doomedClient = clientFor(doomed, { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 } });
    let calls = 0;
    const closingAfterTwoPages: PageSource = {
      query: async (q, o) => {
        const page = await doomedClient.query(q, o);
        if (++calls === 2) await doomed.close();
        return page;
      },
    };
    await assert.rejects(collectRecords(closingAfterTwoPages, { limit: 30 }), expectError(NetworkError, (e) => {
      assert.equal(e.partial?.records.length, 60);
      assert.ok(e.partial?.nextPageToken);
    }));
    await doomedClient.close();
  });

  it('nothing listening: NetworkError (connection refused), not retried', async () => {
    const gone = await startFusedServer({ records: 30, seed: 1 });
    await gone.close();
    const orphan = clientFor(gone);
    const started = Date.now();
    await assert.rejects(orphan.query({}), expectError(NetworkError, (e) => assert.match(e.message, /connection refused.*fusedRuns\.api\.baseUrl/)));
    assert.ok(Date.now() - started < 1000);
    await orphan.close();
  });

  it('a closed client refuses further queries with a clear message', async () => {
    const shortLived = clientFor(server);
    await shortLived.close();
    await assert.rejects(shortLived.query({}), expectError(NetworkError, (e) => assert.match(e.message, /closed/)));
  });
});

describe('the token only goes to the configured origin', () => {
  it('a redirect (even to another site) is not followed, and the error says why', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const redirecting = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(302, { location: 'http://attacker.example/steal' }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const port = (redirecting.address() as AddressInfo).port;
    const redirected = new AuditLogClient({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      auditLogPath: '/audit-log',
      getCredentials: async () => ({ token: 'secret-token-123', scheme: 'Bearer', source: 'secret-storage' }),
    });
    await assert.rejects(redirected.query({}), expectError(InvalidResponseError, (e) => {
      assert.match(e.message, /redirect \(302\) to another site \(http:\/\/attacker\.example\)/);
      assert.equal(e.message.includes('secret-token-123'), false);
    }));
    assert.equal(seen.length, 1, 'one request, no follow-up');
    assert.equal(seen[0].authorization, 'Bearer secret-token-123');
    await redirected.close();
    await new Promise<void>((resolve) => redirecting.close(() => resolve()));
  });

  it('sends the credential scheme it is given', async () => {
    const seen: (string | undefined)[] = [];
    const echo = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[],"limit":100,"next_page_token":null}');
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const port = (echo.address() as AddressInfo).port;
    const tokenClient = new AuditLogClient({
      baseUrl: `http://127.0.0.1:${port}/v1/`,
      auditLogPath: 'audit-log',
      getCredentials: async () => ({ token: 'abc', scheme: 'Token', source: 'fused-sdk' }),
    });
    assert.deepEqual((await tokenClient.query({ udf_name: 'x', exec_env: false })).items, []);
    assert.deepEqual(seen, ['Token abc']);
    await tokenClient.close();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  it('refuses a base URL with embedded credentials or a strange scheme', () => {
    const options = { auditLogPath: '/audit-log', getCredentials: async () => undefined };
    assert.throws(() => new AuditLogClient({ ...options, baseUrl: 'https://user:pw@example.com/v1' }), /user name or password/);
    assert.throws(() => new AuditLogClient({ ...options, baseUrl: 'ftp://example.com' }), /https:\/\//);
    assert.throws(() => new AuditLogClient({ ...options, baseUrl: 'not a url' }), /not a URL/);
  });
});
