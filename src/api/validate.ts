// Checks a query against the documented contract before anything is sent, so a mistake gets
// a message naming the option instead of a round trip and a server 422.

import * as l10n from '@vscode/l10n';
import { QueryValidationError } from './errors';
import { parseTimestamp } from '../time/timestamps';
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

/**
 * A timestamp of a query: any form the one timestamp parser reads (src/time/timestamps.ts), but
 * with an offset (a time without one is ambiguous to the server). `iso` is what is sent: ISO 8601
 * with T and ±hh:mm (or Z), every digit kept, e.g. "2025-04-01 00:00:00+0000" is sent as
 * "2025-04-01T00:00:00+00:00". `problem` is a sentence that quotes the text.
 */
export function parseIsoTimestamp(value: string): { ms: number; iso: string } | { problem: string } {
  const parsed = parseTimestamp(value, { requireOffset: true });
  return parsed.ok ? { ms: parsed.ms, iso: parsed.iso } : { problem: parsed.problem };
}

function fail(field: string, message: string): never {
  throw new QueryValidationError(field, message);
}

function checkInteger(field: string, value: unknown, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    fail(field, l10n.t('{0} must be a whole number from 1 to {1}; got {2}.', field, max, JSON.stringify(value)));
  }
  if (value < 1 || value > max) {
    fail(field, l10n.t('{0} must be between 1 and {1} (the documented maximum); got {2}.', field, max, value));
  }
}

/**
 * Validates a query and returns the normalized query that is actually sent: unset (undefined
 * or null) options removed, and, when `id` is set, every other option dropped because the
 * contract says "When set, all other filters are ignored". Throws QueryValidationError.
 */
export function validateQuery(query: AuditLogQuery): AuditLogQuery {
  if (query === null || typeof query !== 'object') {
    fail('query', l10n.t('The query must be an object of fused.api.log options.'));
  }
  const present: Partial<Record<QueryKey, unknown>> = {};
  for (const [key, value] of Object.entries(query)) {
    if (!(QUERY_KEYS as readonly string[]).includes(key)) {
      fail(key, l10n.t('Unknown option "{0}". fused.api.log accepts: {1}.', key, QUERY_KEYS.join(', ')));
    }
    if (value !== undefined && value !== null) present[key as QueryKey] = value;
  }

  for (const key of STRING_KEYS) {
    const value = present[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') fail(key, l10n.t('{0} must be a string; got {1}.', key, typeof value));
    if (value.trim() === '') fail(key, l10n.t('{0} is empty; give a value or leave it out.', key));
  }
  for (const key of BOOLEAN_KEYS) {
    const value = present[key];
    if (value !== undefined && typeof value !== 'boolean') {
      fail(key, l10n.t('{0} must be true or false; got {1}.', key, JSON.stringify(value)));
    }
  }

  const filters = FILTER_KEYS.filter((key) => present[key] !== undefined);
  if (filters.length > 1) {
    fail(
      filters[1],
      l10n.t('Only one of id, udf_id, udf_name or shared_token may be given; this query has {0}.', filters.join(l10n.t(' and '))),
    );
  }

  if (present.id !== undefined) {
    // Documented: "When set, all other filters are ignored." Drop them rather than send them.
    return { id: present.id as string };
  }

  if (present.distinct === true && present.distinct_type === undefined) {
    fail('distinct_type', l10n.t('distinct=true requires distinct_type: "names" (one record per UDF name) or "ids" (one per UDF id).'));
  }
  if (present.distinct_type !== undefined) {
    if (present.distinct_type !== 'names' && present.distinct_type !== 'ids') {
      fail('distinct_type', l10n.t('distinct_type must be "names" or "ids"; got {0}.', JSON.stringify(present.distinct_type)));
    }
    if (present.distinct !== true) {
      fail('distinct', l10n.t('distinct_type only applies to distinct queries; set distinct=true or remove distinct_type.'));
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
    if ('problem' in parsed) fail(key, `${key}: ${parsed.problem}`);
    instants[key] = parsed.ms;
    present[key] = parsed.iso;
  }
  if (
    instants.start_timestamp !== undefined &&
    instants.end_timestamp !== undefined &&
    instants.start_timestamp > instants.end_timestamp
  ) {
    fail(
      'start_timestamp',
      l10n.t('start_timestamp ({0}) is after end_timestamp ({1}); the range would be empty.', present.start_timestamp as string, present.end_timestamp as string),
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
