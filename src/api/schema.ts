// Checks that a parsed response is an audit-log page before anything downstream trusts it.
// A violation names the exact path (e.g. `items[3].execution_time`) so a bug report is useful.

import * as l10n from '@vscode/l10n';
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
  if (Array.isArray(value)) return l10n.t('an array');
  if (typeof value === 'string') return value.length > 40 ? l10n.t('a string') : l10n.t('the string {0}', JSON.stringify(value));
  if (typeof value === 'object') return l10n.t('an object');
  return `${typeof value} ${String(value)}`;
}

function violation(path: string, expected: string, value: unknown): InvalidResponseError {
  return new InvalidResponseError(
    l10n.t('Fused sent an audit-log page that does not match the contract: {0} should be {1} but is {2}.', path, expected, describe(value)),
    path,
  );
}

/** Validates one record at `path`; returns it typed. */
export function validateRecord(value: unknown, path: string): AuditLogRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw violation(path, l10n.t('an object'), value);
  const record = value as Record<string, unknown>;
  for (const key of ['id', 'timestamp'] as const) {
    if (typeof record[key] !== 'string' || record[key] === '') throw violation(`${path}.${key}`, l10n.t('a non-empty string'), record[key]);
  }
  for (const [key, type] of Object.entries(OPTIONAL_FIELD_TYPES)) {
    const field = record[key];
    if (field === undefined || field === null) continue;
    if (typeof field !== type || (type === 'number' && !Number.isFinite(field))) {
      throw violation(`${path}.${key}`, l10n.t('a {0} or null', type), field);
    }
  }
  return record as unknown as AuditLogRecord;
}

/** Validates a whole page `{ items, limit, next_page_token }`. */
export function validatePage(value: unknown): AuditLogPage {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw violation('(response)', l10n.t('an object'), value);
  const page = value as Record<string, unknown>;
  if (!Array.isArray(page.items)) throw violation('items', l10n.t('an array'), page.items);
  page.items.forEach((item, index) => validateRecord(item, `items[${index}]`));
  if (typeof page.limit !== 'number' || !Number.isFinite(page.limit)) throw violation('limit', l10n.t('a number'), page.limit);
  // The SDK stops on `if not page_token`, so an absent key or "" both mean "no more pages".
  const token = page.next_page_token === undefined || page.next_page_token === '' ? null : page.next_page_token;
  if (token !== null && typeof token !== 'string') throw violation('next_page_token', l10n.t('a string or null'), token);
  return { items: page.items as AuditLogRecord[], limit: page.limit, next_page_token: token };
}
