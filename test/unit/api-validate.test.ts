import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryValidationError } from '../../src/api/errors';
import type { AuditLogQuery } from '../../src/api/types';
import { parseIsoTimestamp, toSearchParams, validateQuery } from '../../src/api/validate';

/** Asserts validation fails naming `field`, with a message matching `pattern`. */
function rejects(query: unknown, field: string, pattern?: RegExp): void {
  assert.throws(
    () => validateQuery(query as AuditLogQuery),
    (error: unknown) => {
      assert.ok(error instanceof QueryValidationError, `expected QueryValidationError, got ${String(error)}`);
      assert.equal(error.field, field);
      assert.equal(error.kind, 'validation');
      assert.match(error.message, new RegExp(field));
      if (pattern) assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('validateQuery: filters', () => {
  it('accepts each filter alone and no filter at all', () => {
    assert.deepEqual(validateQuery({}), {});
    assert.deepEqual(validateQuery({ udf_id: 'u1' }), { udf_id: 'u1' });
    assert.deepEqual(validateQuery({ udf_name: 'my_udf' }), { udf_name: 'my_udf' });
    assert.deepEqual(validateQuery({ shared_token: 'fsh_1' }), { shared_token: 'fsh_1' });
    assert.deepEqual(validateQuery({ id: 'r1' }), { id: 'r1' });
  });

  it('rejects two filters, naming both', () => {
    rejects({ udf_id: 'a', udf_name: 'b' }, 'udf_name', /udf_id and udf_name/);
    rejects({ id: 'a', shared_token: 'b' }, 'shared_token', /id and shared_token/);
    rejects({ udf_name: 'a', shared_token: 'b', udf_id: 'c' }, 'udf_name', /Only one of/);
  });

  it('rejects empty and blank strings', () => {
    rejects({ udf_name: '' }, 'udf_name', /empty/);
    rejects({ id: '   ' }, 'id', /empty/);
    rejects({ shared_token: '' }, 'shared_token');
    rejects({ page_token: '' }, 'page_token');
  });

  it('rejects wrong types and unknown options', () => {
    rejects({ udf_name: 42 }, 'udf_name', /string/);
    rejects({ exec_env: 'yes' }, 'exec_env', /true or false/);
    rejects({ scan_forward: 1 }, 'scan_forward');
    rejects({ udfname: 'x' }, 'udfname', /Unknown option/);
  });

  it('id drops every other option, as documented', () => {
    const sent = validateQuery({ id: 'r1', exec_env: true, limit: 5, scan_forward: false, start_timestamp: 'not a date', page_token: 't' });
    assert.deepEqual(sent, { id: 'r1' });
  });

  it('treats null and undefined as unset', () => {
    assert.deepEqual(validateQuery({ udf_name: 'x', udf_id: undefined, limit: null } as unknown as AuditLogQuery), { udf_name: 'x' });
  });
});

describe('validateQuery: distinct', () => {
  it('accepts both distinct types', () => {
    assert.deepEqual(validateQuery({ distinct: true, distinct_type: 'names' }), { distinct: true, distinct_type: 'names' });
    assert.deepEqual(validateQuery({ distinct: true, distinct_type: 'ids', exec_env: true }), { exec_env: true, distinct: true, distinct_type: 'ids' });
  });
  it('requires distinct_type with distinct', () => rejects({ distinct: true }, 'distinct_type', /requires/));
  it('rejects a bad distinct_type', () => rejects({ distinct: true, distinct_type: 'udfs' }, 'distinct_type', /"names" or "ids"/));
  it('rejects distinct_type without distinct', () => {
    rejects({ distinct_type: 'names' }, 'distinct');
    rejects({ distinct: false, distinct_type: 'ids' }, 'distinct');
  });
  it('accepts distinct=false alone', () => assert.deepEqual(validateQuery({ distinct: false }), { distinct: false }));
});

describe('validateQuery: limit and max_records_to_scan', () => {
  it('limit: 1 and 300 pass, 0 and 301 fail', () => {
    assert.equal(validateQuery({ limit: 1 }).limit, 1);
    assert.equal(validateQuery({ limit: 300 }).limit, 300);
    rejects({ limit: 0 }, 'limit', /between 1 and 300/);
    rejects({ limit: 301 }, 'limit', /between 1 and 300/);
    rejects({ limit: -5 }, 'limit');
  });
  it('limit must be a whole number', () => {
    rejects({ limit: 10.5 }, 'limit', /whole number/);
    rejects({ limit: '10' }, 'limit', /whole number/);
    rejects({ limit: Number.NaN }, 'limit');
    rejects({ limit: Number.POSITIVE_INFINITY }, 'limit');
  });
  it('max_records_to_scan: 1 and 5000 pass, 0 and 5001 fail', () => {
    assert.equal(validateQuery({ max_records_to_scan: 1 }).max_records_to_scan, 1);
    assert.equal(validateQuery({ max_records_to_scan: 5000 }).max_records_to_scan, 5000);
    rejects({ max_records_to_scan: 0 }, 'max_records_to_scan', /between 1 and 5000/);
    rejects({ max_records_to_scan: 5001 }, 'max_records_to_scan', /between 1 and 5000/);
    rejects({ max_records_to_scan: 2.5 }, 'max_records_to_scan', /whole number/);
  });
});

describe('validateQuery: timestamps', () => {
  it('accepts ISO 8601 with Z or an offset', () => {
    for (const value of [
      '2025-04-01T00:00:00+00:00',
      '2025-04-01T00:00:00Z',
      '2025-04-01T23:59:59.123456-05:30',
      '2024-02-29T12:00:00+14:00',
    ]) {
      assert.equal(validateQuery({ start_timestamp: value }).start_timestamp, value, value);
    }
  });
  it('accepts the other forms of the one timestamp parser and sends them as ISO 8601 with T and ±hh:mm', () => {
    for (const [value, sent] of [
      ['2025-04-01T00:00:00+0000', '2025-04-01T00:00:00+00:00'],
      ['2025-04-01 00:00:00+00:00', '2025-04-01T00:00:00+00:00'],
      ['2025-04-01 00:00:00.123456+0530', '2025-04-01T00:00:00.123456+05:30'],
      ['2025-04-01T00:00:00z', '2025-04-01T00:00:00Z'],
      ['2025-04-01T00:00Z', '2025-04-01T00:00:00Z'],
    ]) {
      assert.equal(validateQuery({ end_timestamp: value }).end_timestamp, sent, value);
    }
  });
  it('rejects a timestamp without an offset, saying so', () => {
    rejects({ start_timestamp: '2025-04-01T00:00:00' }, 'start_timestamp', /no UTC offset/);
    rejects({ end_timestamp: '2025-04-01' }, 'end_timestamp', /no UTC offset/);
  });
  it('rejects text that is not ISO 8601', () => {
    rejects({ start_timestamp: 'yesterday' }, 'start_timestamp', /not an ISO 8601/);
    rejects({ start_timestamp: '04/01/2025 00:00 +00:00' }, 'start_timestamp');
    rejects({ end_timestamp: '2025-04-01T00:00:00 UTC' }, 'end_timestamp');
  });
  it('rejects dates that do not exist', () => {
    rejects({ start_timestamp: '2025-02-29T00:00:00Z' }, 'start_timestamp', /day 29/);
    rejects({ start_timestamp: '2025-13-01T00:00:00Z' }, 'start_timestamp', /month 13/);
    rejects({ start_timestamp: '2025-04-31T00:00:00Z' }, 'start_timestamp', /day 31/);
    rejects({ start_timestamp: '2025-04-01T24:00:00Z' }, 'start_timestamp', /hour 24/);
    rejects({ start_timestamp: '2025-04-01T10:60:00Z' }, 'start_timestamp', /minute 60/);
    rejects({ start_timestamp: '2025-04-01T10:00:61Z' }, 'start_timestamp', /second 61/);
    rejects({ start_timestamp: '2025-04-01T10:00:00+25:00' }, 'start_timestamp', /offset/);
  });
  it('rejects start after end, comparing instants across offsets', () => {
    rejects({ start_timestamp: '2025-04-02T00:00:00Z', end_timestamp: '2025-04-01T00:00:00Z' }, 'start_timestamp', /after end_timestamp/);
    // 01:00+02:00 is 23:00Z the day before: before the end, so accepted.
    assert.ok(validateQuery({ start_timestamp: '2025-04-02T01:00:00+02:00', end_timestamp: '2025-04-01T23:30:00Z' }));
    rejects({ start_timestamp: '2025-04-01T20:00:00-05:00', end_timestamp: '2025-04-02T00:30:00Z' }, 'start_timestamp');
  });
  it('accepts start equal to end (the range is inclusive)', () => {
    const t = '2025-04-01T00:00:00Z';
    assert.deepEqual(validateQuery({ start_timestamp: t, end_timestamp: t }), { start_timestamp: t, end_timestamp: t });
  });
  it('parseIsoTimestamp returns the instant', () => {
    assert.deepEqual(parseIsoTimestamp('2025-04-01T02:00:00+02:00'), { ms: Date.UTC(2025, 3, 1, 0, 0, 0), iso: '2025-04-01T02:00:00+02:00' });
  });
});

describe('toSearchParams', () => {
  it('writes booleans as true/false and leaves unset options out', () => {
    const params = toSearchParams({ udf_name: 'a b&c', exec_env: false, scan_forward: true, limit: 300 });
    assert.equal(params.toString(), 'udf_name=a+b%26c&exec_env=false&limit=300&scan_forward=true');
    assert.equal(params.has('distinct'), false);
  });
  it('writes every option in a fixed order', () => {
    const params = toSearchParams({
      max_records_to_scan: 5000,
      distinct_type: 'names',
      distinct: true,
      exec_env: true,
      start_timestamp: '2025-04-01T00:00:00+00:00',
      end_timestamp: '2025-04-02T00:00:00+00:00',
    });
    assert.deepEqual([...params.keys()], ['exec_env', 'distinct', 'distinct_type', 'start_timestamp', 'end_timestamp', 'max_records_to_scan']);
    assert.equal(params.get('start_timestamp'), '2025-04-01T00:00:00+00:00');
  });
  it('is empty for the default query', () => assert.equal(toSearchParams({}).toString(), ''));
});
