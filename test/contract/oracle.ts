// A second, deliberately simple implementation of the contract's rules, computed straight from
// a data set, for the differential check. It shares no code with the client, the recipes or
// the server: a list filtered and sorted by hand, no paging, no index, no tokens. Instants are
// parsed with one regular expression over the only timestamp shape the generator writes.
import type { AuditLogQuery, AuditLogRecord, DistinctType } from '../../src/api/types';

export interface OracleUser {
  email: string;
  exec_env_id: string;
}

const SHAPE = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:\d\d)$/;

/** Microseconds since the epoch; throws on any other shape (the generator writes only this one). */
export function micros(timestamp: string): number {
  const m = SHAPE.exec(timestamp);
  if (!m) throw new Error(`oracle: unexpected timestamp ${timestamp}`);
  const [, y, mo, d, h, mi, s, fraction = '', zone] = m;
  let offsetMinutes = 0;
  if (zone !== 'Z') offsetMinutes = (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - offsetMinutes * 60_000;
  return ms * 1000 + Number(fraction.padEnd(6, '0'));
}

/** Oldest first: by instant, then id (the contract's order for scan_forward=true). */
export function oldestFirst(a: AuditLogRecord, b: AuditLogRecord): number {
  const t = micros(a.timestamp) - micros(b.timestamp);
  if (t !== 0) return t;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Every record the query's scope, filter and inclusive time range select, oldest first. */
export function matching(all: readonly AuditLogRecord[], user: OracleUser, query: AuditLogQuery): AuditLogRecord[] {
  const start = query.start_timestamp === undefined ? -Infinity : micros(query.start_timestamp);
  const end = query.end_timestamp === undefined ? Infinity : micros(query.end_timestamp);
  const out: AuditLogRecord[] = [];
  for (const r of all) {
    if (query.exec_env) {
      if (r.exec_env_id !== user.exec_env_id) continue;
    } else if (r.user_email !== user.email) continue;
    if (query.udf_id !== undefined && r.udf_id !== query.udf_id) continue;
    if (query.udf_name !== undefined && r.udf_name !== query.udf_name) continue;
    if (query.shared_token !== undefined && r.shared_token !== query.shared_token) continue;
    const t = micros(r.timestamp);
    if (t < start || t > end) continue;
    out.push(r);
  }
  return out.sort(oldestFirst);
}

/** All pages of a regular query, concatenated: the matching records in the query's order. */
export function regularAnswer(all: readonly AuditLogRecord[], user: OracleUser, query: AuditLogQuery): AuditLogRecord[] {
  const list = matching(all, user, query);
  return query.scan_forward === false ? list.reverse() : list;
}

/** Distinct: the newest `max_records_to_scan` matching records, the first (newest) per key, newest first. */
export function distinctAnswer(all: readonly AuditLogRecord[], user: OracleUser, query: AuditLogQuery): AuditLogRecord[] {
  const field = query.distinct_type === 'ids' ? 'udf_id' : 'udf_name';
  const scanned = matching(all, user, query).reverse().slice(0, query.max_records_to_scan ?? 1000);
  const kept: AuditLogRecord[] = [];
  const keys: (string | null)[] = [];
  for (const r of scanned) {
    const key = r[field] ?? null;
    if (keys.includes(key)) continue;
    keys.push(key);
    kept.push(r);
  }
  return kept;
}

/** An id lookup: the record when it is the caller's or in the caller's environment, else not found. */
export function idAnswer(all: readonly AuditLogRecord[], user: OracleUser, id: string): AuditLogRecord | undefined {
  return all.find((r) => r.id === id && (r.user_email === user.email || r.exec_env_id === user.exec_env_id));
}

/**
 * The UDFs of a range: for each key (skipping records without one), its newest record in the
 * scope and range. Keyed by the key.
 */
export function newestPerKey(all: readonly AuditLogRecord[], user: OracleUser, scope: { execEnv?: boolean; start?: string; end?: string }, distinctType: DistinctType): Map<string, AuditLogRecord> {
  const list = matching(all, user, { exec_env: scope.execEnv, start_timestamp: scope.start, end_timestamp: scope.end });
  const field = distinctType === 'ids' ? 'udf_id' : 'udf_name';
  const out = new Map<string, AuditLogRecord>();
  for (const r of list) {
    const key = r[field];
    if (typeof key !== 'string' || key === '') continue;
    out.set(key, r); // oldest first, so the last one set is the newest
  }
  return out;
}

export interface OracleFailing {
  udf_name: string | null;
  failure_count: number;
  last_failure: string;
  sample_error: string | null;
  error_count: number;
  incomplete_count: number;
}

/**
 * The documented failing rule over the runs of [start, end]: failing = stderr non-blank or
 * execution_time null; per udf_name (no name: null) the count, the newest failure's timestamp,
 * the stderr of the newest failure that has one, and the counts of each kind.
 */
export function failingAnswer(all: readonly AuditLogRecord[], user: OracleUser, scope: { execEnv?: boolean; start: string; end: string }): Map<string | null, OracleFailing> {
  const list = matching(all, user, { exec_env: scope.execEnv, start_timestamp: scope.start, end_timestamp: scope.end });
  const out = new Map<string | null, OracleFailing>();
  for (const r of list) {
    const hasError = typeof r.stderr === 'string' && r.stderr.trim() !== '';
    const incomplete = r.execution_time === null || r.execution_time === undefined;
    if (!hasError && !incomplete) continue;
    const name = typeof r.udf_name === 'string' && r.udf_name !== '' ? r.udf_name : null;
    const group = out.get(name) ?? { udf_name: name, failure_count: 0, last_failure: r.timestamp, sample_error: null, error_count: 0, incomplete_count: 0 };
    group.failure_count++;
    group.last_failure = r.timestamp; // oldest first: the last one is the newest
    if (hasError) {
      group.error_count++;
      group.sample_error = r.stderr as string;
    }
    if (incomplete) group.incomplete_count++;
    out.set(name, group);
  }
  return out;
}
