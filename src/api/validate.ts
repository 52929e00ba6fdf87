// Checks a query against the documented contract before anything is sent, so a mistake gets
// a message naming the option instead of a round trip and a server 422.

import { QueryValidationError } from './errors';
import { FILTER_KEYS, LIMITS, type AuditLogQuery } from './types';

/** Every option of fused.api.log, in the order they are put on the query string. */
export const QUERY_KEYS = [
  'id',
  'udf_id',
  'udf_name',
  'shared_token',
  'exec_env',
  'distinct',
  'distinct_type',
  'start_timestamp',
  'end_timestamp',
  'limit',
  'scan_forward',
  'page_token',
  'max_records_to_scan',
] as const satisfies readonly (keyof AuditLogQuery)[];

type QueryKey = (typeof QUERY_KEYS)[number];

const STRING_KEYS: readonly QueryKey[] = ['id', 'udf_id', 'udf_name', 'shared_token', 'start_timestamp', 'end_timestamp', 'page_token'];
const BOOLEAN_KEYS: readonly QueryKey[] = ['exec_env', 'distinct', 'scan_forward'];

// ISO 8601 date-time with a mandatory offset: 2025-04-01T00:00:00+00:00, ...T00:00Z, ...T00:00:00.123456-05:00.
const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses an ISO 8601 timestamp that carries an offset and names a real instant.
 * Returns epoch milliseconds, or a reason it is not acceptable.
 */
export function parseIsoTimestamp(value: string): { ms: number } | { problem: string } {
  const match = ISO_WITH_OFFSET.exec(value);
  if (!match) {
    if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(value)) {
      return { problem: 'has no UTC offset; add "Z" or an offset like "+00:00" (a time without one is ambiguous)' };
    }
    return { problem: 'is not an ISO 8601 date-time such as "2025-04-01T00:00:00+00:00"' };
  }
  const [, y, mo, d, h, mi, s, , zone, oh, om] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) return { problem: `has month ${mo}, which does not exist` };
  if (day < 1 || day > daysInMonth(year, month)) return { problem: `has day ${d}, which does not exist in ${y}-${mo}` };
  if (Number(h) > 23) return { problem: `has hour ${h}; hours run 00..23` };
  if (Number(mi) > 59) return { problem: `has minute ${mi}; minutes run 00..59` };
  if (s !== undefined && Number(s) > 59) return { problem: `has second ${s}; seconds run 00..59` };
  if (zone !== 'Z' && zone !== 'z' && (Number(oh) > 23 || Number(om) > 59)) {
    return { problem: `has offset ${zone}, which is not a valid UTC offset` };
  }
  const ms = Date.parse(value.replace(/z$/, 'Z'));
  if (Number.isNaN(ms)) return { problem: 'is not a valid date-time' };
  return { ms };
}

function fail(field: string, message: string): never {
  throw new QueryValidationError(field, message);
}

function checkInteger(field: string, value: unknown, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    fail(field, `${field} must be a whole number from 1 to ${max}; got ${JSON.stringify(value)}.`);
  }
  if (value < 1 || value > max) {
    fail(field, `${field} must be between 1 and ${max} (the documented maximum); got ${value}.`);
  }
}

/**
 * Validates a query and returns the normalized query that is actually sent: unset (undefined
 * or null) options removed, and, when `id` is set, every other option dropped because the
 * contract says "When set, all other filters are ignored". Throws QueryValidationError.
 */
export function validateQuery(query: AuditLogQuery): AuditLogQuery {
  if (query === null || typeof query !== 'object') {
    fail('query', 'The query must be an object of fused.api.log options.');
  }
  const present: Partial<Record<QueryKey, unknown>> = {};
  for (const [key, value] of Object.entries(query)) {
    if (!(QUERY_KEYS as readonly string[]).includes(key)) {
      fail(key, `Unknown option "${key}". fused.api.log accepts: ${QUERY_KEYS.join(', ')}.`);
    }
    if (value !== undefined && value !== null) present[key as QueryKey] = value;
  }

  for (const key of STRING_KEYS) {
    const value = present[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') fail(key, `${key} must be a string; got ${typeof value}.`);
    if (value.trim() === '') fail(key, `${key} is empty; give a value or leave it out.`);
  }
  for (const key of BOOLEAN_KEYS) {
    const value = present[key];
    if (value !== undefined && typeof value !== 'boolean') {
      fail(key, `${key} must be true or false; got ${JSON.stringify(value)}.`);
    }
  }

  const filters = FILTER_KEYS.filter((key) => present[key] !== undefined);
  if (filters.length > 1) {
    fail(
      filters[1],
      `Only one of id, udf_id, udf_name or shared_token may be given; this query has ${filters.join(' and ')}.`,
    );
  }

  if (present.id !== undefined) {
    // Documented: "When set, all other filters are ignored." Drop them rather than send them.
    return { id: present.id as string };
  }

  if (present.distinct === true && present.distinct_type === undefined) {
    fail('distinct_type', 'distinct=true requires distinct_type: "names" (one record per UDF name) or "ids" (one per UDF id).');
  }
  if (present.distinct_type !== undefined) {
    if (present.distinct_type !== 'names' && present.distinct_type !== 'ids') {
      fail('distinct_type', `distinct_type must be "names" or "ids"; got ${JSON.stringify(present.distinct_type)}.`);
    }
    if (present.distinct !== true) {
      fail('distinct', 'distinct_type only applies to distinct queries; set distinct=true or remove distinct_type.');
    }
  }

  if (present.limit !== undefined) checkInteger('limit', present.limit, LIMITS.maxLimit);
  if (present.max_records_to_scan !== undefined) {
    checkInteger('max_records_to_scan', present.max_records_to_scan, LIMITS.maxRecordsToScan);
  }

  const instants: Partial<Record<'start_timestamp' | 'end_timestamp', number>> = {};
  for (const key of ['start_timestamp', 'end_timestamp'] as const) {
    const value = present[key];
    if (value === undefined) continue;
    const parsed = parseIsoTimestamp(value as string);
    if ('problem' in parsed) fail(key, `${key} "${value as string}" ${parsed.problem}.`);
    instants[key] = parsed.ms;
  }
  if (
    instants.start_timestamp !== undefined &&
    instants.end_timestamp !== undefined &&
    instants.start_timestamp > instants.end_timestamp
  ) {
    fail(
      'start_timestamp',
      `start_timestamp (${present.start_timestamp as string}) is after end_timestamp (${present.end_timestamp as string}); the range would be empty.`,
    );
  }

  const normalized: Record<string, unknown> = {};
  for (const key of QUERY_KEYS) if (present[key] !== undefined) normalized[key] = present[key];
  return normalized as AuditLogQuery;
}

/**
 * The query string for a (validated) query: keys in a fixed order, booleans as `true`/`false`,
 * unset options absent.
 */
export function toSearchParams(query: AuditLogQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of QUERY_KEYS) {
    const value = query[key];
    if (value === undefined || value === null) continue;
    params.set(key, typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value));
  }
  return params;
}
