// Shared set-up for the contract tests: the real AuditLogClient against the real local
// Fused server (test/server), over loopback. Nothing here imitates either side.
import { AuditLogClient, type AuditLogClientOptions } from '../../src/api/client';
import type { AuditLogQuery, AuditLogRecord } from '../../src/api/types';
import type { Logger } from '../../src/util/logger';
import { parseIsoMicros } from '../server/iso';
import type { FusedTestServer } from '../server/server';

export function clientFor(server: FusedTestServer, overrides: Partial<AuditLogClientOptions> = {}, token = server.token): AuditLogClient {
  return new AuditLogClient({
    baseUrl: server.baseUrl,
    auditLogPath: server.auditLogPath,
    getCredentials: async () => ({ token, scheme: 'Bearer', source: 'environment' }),
    timeoutMs: 10_000,
    // Fast but real backoff, so retry tests take milliseconds, not seconds.
    retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 2_000 },
    ...overrides,
  });
}

/** A logger that keeps every line, to check what is (and is not) logged. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep =
    (level: string) =>
    (message: string | Error, ...args: unknown[]): void => {
      lines.push(`${level} ${String(message)} ${args.map((a) => JSON.stringify(a)).join(' ')}`);
    };
  return { lines, trace: keep('trace'), debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

export function micros(timestamp: string): number {
  const parsed = parseIsoMicros(timestamp);
  if (!parsed.ok) throw new Error(`bad timestamp ${timestamp}: ${parsed.reason}`);
  return parsed.micros;
}

/** Oldest first by (timestamp, id): the server's documented order for scan_forward=true. */
export function byTimeThenId(a: AuditLogRecord, b: AuditLogRecord): number {
  return micros(a.timestamp) - micros(b.timestamp) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export interface Caller {
  email: string;
  exec_env_id: string;
}

/**
 * What the contract says a regular query returns, computed from the server's own record list:
 * the caller's records (by email, or by execution environment with exec_env), narrowed by the
 * one filter and the inclusive time range, oldest first.
 */
export function expectedRecords(all: readonly AuditLogRecord[], caller: Caller, query: AuditLogQuery): AuditLogRecord[] {
  const start = query.start_timestamp ? micros(query.start_timestamp) : -Infinity;
  const end = query.end_timestamp ? micros(query.end_timestamp) : Infinity;
  return all
    .filter((r) => (query.exec_env ? r.exec_env_id === caller.exec_env_id : r.user_email === caller.email))
    .filter((r) => (query.udf_id ? r.udf_id === query.udf_id : true))
    .filter((r) => (query.udf_name ? r.udf_name === query.udf_name : true))
    .filter((r) => (query.shared_token ? r.shared_token === query.shared_token : true))
    .filter((r) => micros(r.timestamp) >= start && micros(r.timestamp) <= end)
    .sort(byTimeThenId);
}

/** The contract's distinct: newest record per key among the (newest-first) scanned records. */
export function expectedDistinct(matching: readonly AuditLogRecord[], distinctType: 'names' | 'ids', maxRecordsToScan: number): AuditLogRecord[] {
  const field = distinctType === 'names' ? 'udf_name' : 'udf_id';
  const newest = new Map<string | null, AuditLogRecord>();
  for (const record of [...matching].sort(byTimeThenId).reverse().slice(0, maxRecordsToScan)) {
    const key = record[field] ?? null;
    if (!newest.has(key)) newest.set(key, record);
  }
  return [...newest.values()];
}

export const ids = (records: readonly AuditLogRecord[]): string[] => records.map((r) => r.id);
