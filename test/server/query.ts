// Parses and validates the audit-log query string the way a FastAPI service would:
// per-parameter errors (type, range, literal) are all reported together as
// {"detail":[{"type","loc":["query",name],"msg","input"}]}; cross-parameter rules
// (one filter at most, distinct needs distinct_type) are checked afterwards.

import { LIMITS, type DistinctType } from '../../src/api/types';
import { parseIsoMicros } from './iso';

export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
}

export type FilterParam = 'udf_id' | 'udf_name' | 'shared_token';

export interface ParsedQuery {
  /** id mode: every other parameter is ignored (not even validated), as the contract says. */
  id?: string;
  filter?: { key: FilterParam; value: string };
  execEnv: boolean;
  distinct: boolean;
  distinctType?: DistinctType;
  startMicros?: number;
  endMicros?: number;
  limit: number;
  scanForward: boolean;
  pageToken?: string;
  maxRecordsToScan: number;
}

export type ParseResult = { ok: true; query: ParsedQuery } | { ok: false; issues: ValidationIssue[] };

const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

/** FastAPI keeps the last value of a repeated scalar parameter. */
function last(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  return all.length === 0 ? undefined : all[all.length - 1];
}

export function parseAuditQuery(params: URLSearchParams): ParseResult {
  const issues: ValidationIssue[] = [];
  const loc = (name: string): string[] => ['query', name];

  const nonEmpty = (name: string): string | undefined => {
    const value = last(params, name);
    if (value === undefined) return undefined;
    if (value.length === 0) {
      issues.push({ type: 'string_too_short', loc: loc(name), msg: 'String should have at least 1 character', input: value });
      return undefined;
    }
    return value;
  };

  const id = last(params, 'id');
  if (id !== undefined) {
    if (id.length === 0) {
      return { ok: false, issues: [{ type: 'string_too_short', loc: loc('id'), msg: 'String should have at least 1 character', input: id }] };
    }
    return { ok: true, query: { id, execEnv: false, distinct: false, limit: LIMITS.defaultLimit, scanForward: true, maxRecordsToScan: LIMITS.defaultMaxRecordsToScan } };
  }

  const bool = (name: string, fallback: boolean): boolean => {
    const value = last(params, name);
    if (value === undefined) return fallback;
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    issues.push({ type: 'bool_parsing', loc: loc(name), msg: 'Input should be a valid boolean, unable to interpret input', input: value });
    return fallback;
  };

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const value = last(params, name);
    if (value === undefined) return fallback;
    const trimmed = value.trim();
    if (!/^[+-]?\d+$/.test(trimmed)) {
      issues.push({ type: 'int_parsing', loc: loc(name), msg: 'Input should be a valid integer, unable to parse string as an integer', input: value });
      return fallback;
    }
    const parsed = Number(trimmed);
    if (parsed < min) {
      issues.push({ type: 'greater_than_equal', loc: loc(name), msg: `Input should be greater than or equal to ${min}`, input: value });
      return fallback;
    }
    if (parsed > max) {
      issues.push({ type: 'less_than_equal', loc: loc(name), msg: `Input should be less than or equal to ${max}`, input: value });
      return fallback;
    }
    return parsed;
  };

  const timestamp = (name: string): number | undefined => {
    const value = last(params, name);
    if (value === undefined) return undefined;
    const parsed = parseIsoMicros(value.trim());
    if (!parsed.ok) {
      issues.push({ type: 'datetime_from_date_parsing', loc: loc(name), msg: `Input should be a valid ISO 8601 datetime with a UTC offset: ${parsed.reason}`, input: value });
      return undefined;
    }
    return parsed.micros;
  };

  const udfId = nonEmpty('udf_id');
  const udfName = nonEmpty('udf_name');
  const sharedToken = nonEmpty('shared_token');
  const pageToken = nonEmpty('page_token');
  const execEnv = bool('exec_env', false);
  const distinct = bool('distinct', false);
  const scanForward = bool('scan_forward', true);
  const limit = int('limit', LIMITS.defaultLimit, 1, LIMITS.maxLimit);
  const maxRecordsToScan = int('max_records_to_scan', LIMITS.defaultMaxRecordsToScan, 1, LIMITS.maxRecordsToScan);
  const startMicros = timestamp('start_timestamp');
  const endMicros = timestamp('end_timestamp');
  let distinctType: DistinctType | undefined;
  const rawDistinctType = last(params, 'distinct_type');
  if (rawDistinctType !== undefined) {
    if (rawDistinctType === 'names' || rawDistinctType === 'ids') distinctType = rawDistinctType;
    else issues.push({ type: 'literal_error', loc: loc('distinct_type'), msg: "Input should be 'names' or 'ids'", input: rawDistinctType });
  }
  if (issues.length > 0) return { ok: false, issues };

  const filters = (
    [
      ['udf_id', udfId],
      ['udf_name', udfName],
      ['shared_token', sharedToken],
    ] as const
  ).filter((entry): entry is readonly [FilterParam, string] => entry[1] !== undefined);
  if (filters.length > 1) {
    return {
      ok: false,
      issues: [
        {
          type: 'value_error',
          loc: loc(filters[1][0]),
          msg: `Value error, only one of id, udf_id, udf_name or shared_token may be specified (got ${filters.map(([key]) => key).join(', ')})`,
          input: filters[1][1],
        },
      ],
    };
  }
  if (distinct && distinctType === undefined) {
    return {
      ok: false,
      issues: [{ type: 'value_error', loc: loc('distinct_type'), msg: "Value error, distinct_type ('names' or 'ids') is required when distinct is true", input: null }],
    };
  }
  const query: ParsedQuery = { execEnv, distinct, limit, scanForward, maxRecordsToScan };
  if (filters.length === 1) query.filter = { key: filters[0][0], value: filters[0][1] };
  if (distinct) query.distinctType = distinctType;
  if (startMicros !== undefined) query.startMicros = startMicros;
  if (endMicros !== undefined) query.endMicros = endMicros;
  if (pageToken !== undefined) query.pageToken = pageToken;
  return { ok: true, query };
}

/** A short label of what kind of query a request was, for the admin statistics. */
export function queryShape(params: URLSearchParams): string {
  if (params.has('id')) return 'id';
  const truthy = (name: string): boolean => TRUE_WORDS.has((last(params, name) ?? '').trim().toLowerCase());
  const parts: string[] = [];
  if (truthy('distinct')) parts.push(`distinct:${last(params, 'distinct_type') ?? '?'}`);
  parts.push(...(['udf_id', 'udf_name', 'shared_token'] as const).filter((key) => params.has(key)));
  if (truthy('exec_env')) parts.push('exec_env');
  if (params.has('page_token') && !truthy('distinct')) parts.push('page');
  if (parts.length === 0) return 'all';
  if (parts[0] === 'page') return 'all+page';
  return parts.join('+');
}
