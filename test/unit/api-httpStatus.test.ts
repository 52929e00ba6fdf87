// The table from HTTP status to typed error (src/api/httpStatus.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthenticationError, InvalidResponseError, NotFoundError, RateLimitedError, RequestRejectedError, ServerError } from '../../src/api/errors';
import { STATUS_TABLE, interpretStatus, type StatusContext } from '../../src/api/httpStatus';

const base: StatusContext = {
  status: 0,
  origin: 'https://www.fused.io',
  endpointPath: '/server/v1/audit-log',
  credentialsSource: 'secret-storage',
  bodyText: '',
  now: Date.parse('2026-11-27T12:00:00Z'),
};
const at = (status: number, extra: Partial<StatusContext> = {}) => interpretStatus({ ...base, status, ...extra });

describe('interpretStatus: one row per status', () => {
  it('maps every listed status to its error kind and retry decision', () => {
    const expected: Array<[number, string, boolean]> = [
      [400, 'rejected', false],
      [401, 'authentication', false],
      [403, 'authentication', false],
      [404, 'not-found', false],
      [405, 'not-found', false],
      [422, 'rejected', false],
      [429, 'rate-limited', true],
      [500, 'server', false],
      [502, 'server', true],
      [503, 'server', true],
    ];
    assert.deepEqual(Object.keys(STATUS_TABLE).map(Number), expected.map(([status]) => status), 'the table lists exactly these statuses');
    for (const [status, kind, retryable] of expected) {
      const outcome = at(status);
      assert.equal(outcome.error.kind, kind, `${status}`);
      assert.equal(outcome.retryable, retryable, `${status} retryable`);
    }
  });

  it('falls back by class: other 3xx redirect, other 5xx server errors not retried, the rest unexpected', () => {
    assert.ok(at(307).error instanceof InvalidResponseError);
    assert.match(at(307).error.message, /redirect \(307\) \(without a Location\)/);
    const gateway = at(504, { bodyText: '<html><title>504 Gateway Time-out</title></html>' });
    assert.ok(gateway.error instanceof ServerError);
    assert.equal(gateway.retryable, false);
    assert.match(gateway.error.message, /504 Gateway Time-out/);
    const teapot = at(418, { bodyText: '{"detail":"short and stout"}' });
    assert.ok(teapot.error instanceof InvalidResponseError);
    assert.match(teapot.error.message, /unexpected status 418: short and stout/);
  });

  it('a redirect says where it pointed, and names another site by its origin only', () => {
    assert.match(at(302, { location: 'https://evil.example/steal?x=1' }).error.message, /redirect \(302\) to another site \(https:\/\/evil\.example\)\..*only goes to https:\/\/www\.fused\.io/);
    assert.match(at(301, { location: '/server/v2/audit-log' }).error.message, /redirect \(301\) to \/server\/v2\/audit-log\./);
    assert.match(at(302, { location: 'http://[bad' }).error.message, /to an address that is not a URL/);
  });

  it('404 for a list query means the path is unknown; for a record id, that record is missing', () => {
    const missingPath = at(404).error as NotFoundError;
    assert.equal(missingPath.endpointMissing, true);
    assert.match(missingPath.message, /404 for \/server\/v1\/audit-log.*fusedRuns\.api\.auditLogPath.*python-sdk/);
    const missingRecord = at(404, { recordId: 'abc' }).error as NotFoundError;
    assert.equal(missingRecord.endpointMissing, false);
    assert.match(missingRecord.message, /No audit-log record with id abc/);
    const wrongMethod = at(405).error as NotFoundError;
    assert.equal(wrongMethod.endpointMissing, true);
    assert.equal(wrongMethod.status, 405);
  });

  it('401/403 advise by where the token came from', () => {
    assert.match(at(401, { credentialsSource: 'environment' }).error.message, /\(401\).*FUSED_AUTH_TOKEN/);
    assert.match(at(401, { credentialsSource: 'fused-sdk' }).error.message, /fused\.api\.login\(\)/);
    const forbidden = at(403).error as AuthenticationError;
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.message, /not allowed to read these audit logs/);
  });

  it('400 and 422 carry the server explanation on one line', () => {
    const body = JSON.stringify({ detail: [{ loc: ['query', 'limit'], msg: 'Input should be less than or equal to 300' }] });
    const rejected = at(400, { bodyText: body }).error as RequestRejectedError;
    assert.equal(rejected.status, 400);
    assert.equal(rejected.detail, 'limit: Input should be less than or equal to 300');
  });

  it('Retry-After is read for 429 and 503 (seconds or a date), not for 502', () => {
    const limited = at(429, { retryAfter: '7' });
    assert.ok(limited.error instanceof RateLimitedError);
    assert.equal(limited.retryAfterMs, 7000);
    assert.equal(at(503, { retryAfter: new Date(base.now! + 3000).toUTCString() }).retryAfterMs, 3000);
    assert.equal(at(502, { retryAfter: '5' }).retryAfterMs, undefined);
  });
});
