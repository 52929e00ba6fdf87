// A tiny in-process stand-in for the audit-log endpoint, for the pure paging and recipe logic
// (the real HTTP path is covered by test/contract against the real local server).
import type { PageSource } from '../../src/api/paging';
import type { AuditLogPage, AuditLogQuery, AuditLogRecord } from '../../src/api/types';

export function record(id: string, timestamp: string, extra: Partial<AuditLogRecord> = {}): AuditLogRecord {
  return { id, timestamp, execution_time: 1, stderr: '', cache: false, ...extra };
}

export interface FakeSourceOptions {
  records: AuditLogRecord[];
  /** Throw this (once) on the given 1-based call number. */
  failOnCall?: { call: number; error: Error };
  /** Repeat the last record of each page at the start of the next (a server bug). */
  overlapPages?: boolean;
  /** Distinct answers scan only this many records (newest first), like the server cap. */
  distinctScanCap?: number;
}

export class FakeSource implements PageSource {
  readonly calls: AuditLogQuery[] = [];
  constructor(private readonly options: FakeSourceOptions) {}

  async query(query: AuditLogQuery, options?: { signal?: AbortSignal }): Promise<AuditLogPage> {
    this.calls.push({ ...query });
    await Promise.resolve();
    if (options?.signal?.aborted) throw new Error('aborted');
    if (this.options.failOnCall?.call === this.calls.length) throw this.options.failOnCall.error;
    const inRange = this.options.records
      .filter((r) => (query.start_timestamp ? Date.parse(r.timestamp) >= Date.parse(query.start_timestamp) : true))
      .filter((r) => (query.end_timestamp ? Date.parse(r.timestamp) <= Date.parse(query.end_timestamp) : true))
      .filter((r) => (query.udf_name ? r.udf_name === query.udf_name : true))
      .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || a.id.localeCompare(b.id));
    if (query.id) return { items: inRange.filter((r) => r.id === query.id), limit: 100, next_page_token: null };
    if (query.distinct) {
      // Like the server: scan newest first, keep the first (most recent) record per key.
      const scanned = [...inRange].reverse().slice(0, this.options.distinctScanCap ?? query.max_records_to_scan ?? 1000);
      const newest = new Map<string, AuditLogRecord>();
      for (const r of scanned) {
        const key = (query.distinct_type === 'names' ? r.udf_name : r.udf_id) ?? '';
        if (!newest.has(key)) newest.set(key, r);
      }
      return { items: [...newest.values()], limit: query.limit ?? 100, next_page_token: 'ignored-for-distinct' };
    }
    const ordered = query.scan_forward === false ? [...inRange].reverse() : inRange;
    const limit = query.limit ?? 100;
    const offset = query.page_token ? Number(query.page_token.replace('tok-', '')) : 0;
    const start = this.options.overlapPages && offset > 0 ? offset - 1 : offset;
    const items = ordered.slice(start, offset + limit);
    const next = offset + limit < ordered.length ? `tok-${offset + limit}` : null;
    return { items, limit, next_page_token: next };
  }
}
