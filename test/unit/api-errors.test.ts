import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, parseRetryAfter, redactUrl } from '../../src/api/client';
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
  isCancellation,
  userMessage,
} from '../../src/api/errors';
import { validatePage, validateRecord } from '../../src/api/schema';

describe('error classes', () => {
  it('each has its kind, its name, and an actionable message', () => {
    const cases: [FusedApiError, string, RegExp][] = [
      [new QueryValidationError('limit', 'limit bad'), 'validation', /limit/],
      [new NotSignedInError(), 'not-signed-in', /Fused: Set API Token/],
      [new AuthenticationError(401), 'authentication', /rejected the API token \(401\).*Set API Token/],
      [new AuthenticationError(403), 'authentication', /403/],
      [new NotFoundError('No audit-log record with id x.'), 'not-found', /id x/],
      [new RequestRejectedError('limit: must be <= 300'), 'rejected', /rejected the query \(422\): limit: must be <= 300/],
      [new RateLimitedError(2500), 'rate-limited', /Try again in 3 s/],
      [new RateLimitedError(undefined), 'rate-limited', /Wait a moment/],
      [new ServerError(500), 'server', /server error \(500\)/],
      [new TimeoutError('connect', 5000), 'timeout', /Could not connect to Fused within 5 s.*timeoutSeconds/],
      [new TimeoutError('headers', 30000), 'timeout', /did not answer within 30 s/],
      [new TimeoutError('body', 1500), 'timeout', /stopped sending its response within 1.5 s/],
      [new NetworkError('reset'), 'network', /reset/],
      [new InvalidResponseError('bad', 'items[0].id'), 'invalid-response', /bad/],
      [new CancelledError(), 'cancelled', /cancelled/],
    ];
    for (const [error, kind, message] of cases) {
      assert.ok(error instanceof FusedApiError);
      assert.ok(error instanceof Error);
      assert.equal(error.kind, kind);
      assert.equal(error.name, error.constructor.name);
      assert.match(error.message, message);
    }
  });
  it('carry their data', () => {
    assert.equal(new AuthenticationError(403).status, 403);
    assert.equal(new RateLimitedError(1200).retryAfterMs, 1200);
    assert.equal(new ServerError(502).status, 502);
    assert.equal(new RequestRejectedError('x').detail, 'x');
    assert.equal(new InvalidResponseError('x', 'items[3].cache').path, 'items[3].cache');
    assert.equal(new InvalidResponseError('x', undefined, { truncated: true }).truncated, true);
    assert.equal(new TimeoutError('body', 10).phase, 'body');
  });
});

describe('describeErrorBody (422 bodies)', () => {
  it('joins FastAPI validation details into one line, without the "query" prefix', () => {
    const body = JSON.stringify({
      detail: [
        { loc: ['query', 'limit'], msg: 'Input should be less than or equal to 300', type: 'less_than_equal' },
        { loc: ['query', 'max_records_to_scan'], msg: 'Input should be less than or equal to 5000', type: 'less_than_equal' },
      ],
    });
    assert.equal(
      describeErrorBody(body),
      'limit: Input should be less than or equal to 300; max_records_to_scan: Input should be less than or equal to 5000',
    );
  });
  it('uses a string detail as is', () => assert.equal(describeErrorBody('{"detail":"Invalid page token"}'), 'Invalid page token'));
  it('falls back to the text, on one line and clipped', () => {
    assert.equal(describeErrorBody('bad\n  gateway'), 'bad gateway');
    assert.equal(describeErrorBody(''), 'no details given');
    const long = describeErrorBody('x'.repeat(2000));
    assert.equal(long.length, 500);
    assert.ok(long.endsWith('…'));
  });
  it('reduces a gateway HTML page to its title', () => {
    const html = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body></html>';
    assert.equal(describeErrorBody(html), '502 Bad Gateway');
    assert.equal(describeErrorBody('<!DOCTYPE html><html><body>oops</body></html>'), 'an HTML error page');
  });
  it('handles odd detail shapes', () => {
    assert.equal(describeErrorBody('{"detail":[{"msg":"nope"}]}'), 'nope');
    assert.equal(describeErrorBody('{"detail":{"a":1}}'), '{"a":1}');
    assert.equal(describeErrorBody('{"message":"quota"}'), 'quota');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2025, 3, 1, 12, 0, 0);
  it('reads delta seconds', () => {
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter('0.5', now), 500);
    assert.equal(parseRetryAfter(['2'], now), 2000);
  });
  it('reads an HTTP date', () => {
    assert.equal(parseRetryAfter(new Date(now + 4000).toUTCString(), now), 4000);
    assert.equal(parseRetryAfter(new Date(now - 4000).toUTCString(), now), 0);
  });
  it('ignores absent or unreadable values', () => {
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });
});

describe('backoffDelay', () => {
  const retry = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  it('doubles per attempt with jitter between half and all of it', () => {
    assert.equal(backoffDelay(1, retry, () => 0), 50);
    assert.equal(backoffDelay(1, retry, () => 1), 100);
    assert.equal(backoffDelay(3, retry, () => 0), 200);
    assert.equal(backoffDelay(3, retry, () => 1), 400);
  });
  it('never exceeds the cap', () => {
    assert.equal(backoffDelay(20, retry, () => 1), 1000);
    assert.equal(backoffDelay(20, retry, () => 0), 500);
  });
});

describe('redactUrl', () => {
  it('hides shared token values in logs and keeps the rest', () => {
    const logged = redactUrl(new URL('http://127.0.0.1:1/v1/audit-log?shared_token=fsh_secret&limit=3'));
    assert.equal(logged.includes('fsh_secret'), false);
    assert.match(logged, /limit=3/);
  });
});

describe('page schema', () => {
  const good = { id: 'r1', timestamp: '2025-04-01T00:00:00+00:00', execution_time: 1.5, cache: false, stderr: null };
  it('accepts a valid page, treating a missing or empty next_page_token as the end', () => {
    assert.deepEqual(validatePage({ items: [good], limit: 100, next_page_token: 'abc' }).next_page_token, 'abc');
    assert.equal(validatePage({ items: [], limit: 100 }).next_page_token, null);
    assert.equal(validatePage({ items: [], limit: 100, next_page_token: '' }).next_page_token, null);
  });
  it('names the bad path', () => {
    const bad = (page: unknown, path: string): void => {
      assert.throws(
        () => validatePage(page),
        (error: unknown) => error instanceof InvalidResponseError && error.path === path && error.message.includes(path),
      );
    };
    bad([], '(response)');
    bad({ items: {}, limit: 1 }, 'items');
    bad({ items: [good, good, good, { ...good, execution_time: '1.5' }], limit: 1 }, 'items[3].execution_time');
    bad({ items: [{ ...good, id: 7 }], limit: 1 }, 'items[0].id');
    bad({ items: [{ timestamp: good.timestamp }], limit: 1 }, 'items[0].id');
    bad({ items: [{ id: 'x' }], limit: 1 }, 'items[0].timestamp');
    bad({ items: [{ ...good, cache: 'yes' }], limit: 1 }, 'items[0].cache');
    bad({ items: [{ ...good, udf_name: 5 }], limit: 1 }, 'items[0].udf_name');
    bad({ items: ['x'], limit: 1 }, 'items[0]');
    bad({ items: [], limit: '100' }, 'limit');
    bad({ items: [], limit: 100, next_page_token: 5 }, 'next_page_token');
  });
  it('allows null and absent optional fields and keeps unknown ones', () => {
    const record = validateRecord({ id: 'a', timestamp: 't', stdout: null, extra: 1 }, 'items[0]');
    assert.equal((record as unknown as { extra: number }).extra, 1);
  });
});

it('userMessage: the one way any thrown value becomes the text a user reads', () => {
  assert.equal(userMessage(new NotFoundError('Run r1 was not found.')), 'Run r1 was not found.');
  assert.equal(userMessage(new TypeError('bad')), 'bad');
  const blank = new RangeError('');
  assert.equal(userMessage(blank), 'RangeError', 'an Error without a message says its name');
  assert.equal(userMessage('plain text'), 'plain text');
  assert.equal(userMessage({ message: 'from an object' }), 'from an object');
  assert.equal(userMessage(42), '42');
  assert.equal(userMessage(undefined), 'undefined');
});

it('isCancellation: the one cancellation check (ours, fetch/AbortSignal, nothing else)', () => {
  assert.equal(isCancellation(new CancelledError()), true);
  const abort = new Error('This operation was aborted');
  abort.name = 'AbortError';
  assert.equal(isCancellation(abort), true);
  assert.equal(isCancellation(new NotFoundError('gone')), false);
  assert.equal(isCancellation(new Error('boom')), false);
  assert.equal(isCancellation('AbortError'), false);
});
