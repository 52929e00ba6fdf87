// Checks that a parsed response is an audit-log page before anything downstream trusts it.
// A violation names the exact path (e.g. `items[3].execution_time`) so a bug report is useful.

import { InvalidResponseError } from './errors';
import type { AuditLogPage, AuditLogRecord } from './types';

type FieldType = 'string' | 'number' | 'boolean';

/** Types of the optional record fields; each may also be absent or null. */
const OPTIONAL_FIELD_TYPES: Record<Exclude<keyof AuditLogRecord, 'id' | 'timestamp'>, FieldType> = {
  exec_env_id: 'string',
  user_id: 'string',
  user_email: 'string',
  udf_id: 'string',
  udf_name: 'string',
  execution_engine: 'string',
  execution_time: 'number',
  cache: 'boolean',
  stdout: 'string',
  stderr: 'string',
  udf_data: 'string',
  shared_token: 'string',
  client_ip: 'string',
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? 'a string' : `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function violation(path: string, expected: string, value: unknown): InvalidResponseError {
  return new InvalidResponseError(
    `Fused sent an audit-log page that does not match the contract: ${path} should be ${expected} but is ${describe(value)}.`,
    path,
  );
}

/** Validates one record at `path`; returns it typed. */
export function validateRecord(value: unknown, path: string): AuditLogRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw violation(path, 'an object', value);
  const record = value as Record<string, unknown>;
  for (const key of ['id', 'timestamp'] as const) {
    if (typeof record[key] !== 'string' || record[key] === '') throw violation(`${path}.${key}`, 'a non-empty string', record[key]);
  }
  for (const [key, type] of Object.entries(OPTIONAL_FIELD_TYPES)) {
    const field = record[key];
    if (field === undefined || field === null) continue;
    if (typeof field !== type || (type === 'number' && !Number.isFinite(field))) {
      throw violation(`${path}.${key}`, `a ${type} or null`, field);
    }
  }
  return record as unknown as AuditLogRecord;
}

/** Validates a whole page `{ items, limit, next_page_token }`. */
export function validatePage(value: unknown): AuditLogPage {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw violation('(response)', 'an object', value);
  const page = value as Record<string, unknown>;
  if (!Array.isArray(page.items)) throw violation('items', 'an array', page.items);
  page.items.forEach((item, index) => validateRecord(item, `items[${index}]`));
  if (typeof page.limit !== 'number' || !Number.isFinite(page.limit)) throw violation('limit', 'a number', page.limit);
  // The SDK stops on `if not page_token`, so an absent key or "" both mean "no more pages".
  const token = page.next_page_token === undefined || page.next_page_token === '' ? null : page.next_page_token;
  if (token !== null && typeof token !== 'string') throw violation('next_page_token', 'a string or null', token);
  return { items: page.items as AuditLogRecord[], limit: page.limit, next_page_token: token };
}
