// The server's record index and the query semantics of fused.api.log.
//
// Records are kept sorted by (timestamp in µs, id). Regular queries are keyset-paged on that
// key, so records added between two page requests never shift or duplicate a page.
// Page tokens are opaque: base64url(JSON cursor) "." base64url(HMAC-SHA256), where the
// cursor carries a fingerprint of the query and the caller. A token that was forged,
// tampered with, issued by another server instance, or replayed with a different query or
// by another user is rejected (422).

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditLogRecord } from '../../src/api/types';
import { parseIsoMicros } from './iso';
import type { ParsedQuery } from './query';

export interface Caller {
  email: string;
  user_id: string;
  exec_env_id: string;
}

export interface Entry {
  record: AuditLogRecord;
  micros: number;
  /** JSON of the record, serialised once on first use (large payloads are costly). */
  json?: string;
}

interface Cursor {
  micros: number;
  id: string;
}

export type QueryOutcome =
  | { kind: 'page'; items: Entry[]; limit: number; nextPageToken: string | null }
  | { kind: 'not-found' }
  | { kind: 'bad-page-token'; reason: string };

function compareKey(entry: Entry, micros: number, id: string): number {
  if (entry.micros !== micros) return entry.micros < micros ? -1 : 1;
  return entry.record.id < id ? -1 : entry.record.id > id ? 1 : 0;
}

export class PageTokenCodec {
  constructor(private readonly secret: Buffer) {}

  encode(fingerprint: string, cursor: Cursor): string {
    const payload = Buffer.from(JSON.stringify({ v: 1, q: fingerprint, t: cursor.micros, i: cursor.id })).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  decode(token: string, fingerprint: string): { ok: true; cursor: Cursor } | { ok: false; reason: string } {
    const parts = token.split('.');
    if (parts.length !== 2) return { ok: false, reason: 'page_token is not a token issued by this server' };
    const [payload, signature] = parts;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return { ok: false, reason: 'page_token is invalid or expired (bad signature)' };
    }
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'page_token is malformed' };
    }
    const cursor = decoded as { v?: unknown; q?: unknown; t?: unknown; i?: unknown };
    if (cursor.v !== 1 || typeof cursor.q !== 'string' || typeof cursor.t !== 'number' || typeof cursor.i !== 'string') {
      return { ok: false, reason: 'page_token is malformed' };
    }
    if (cursor.q !== fingerprint) {
      return { ok: false, reason: 'page_token belongs to a different query (filters, time range, scope or order changed)' };
    }
    return { ok: true, cursor: { micros: cursor.t, id: cursor.i } };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

/** What a page token is bound to: the caller and everything that defines the result set. */
function fingerprint(caller: Caller, query: ParsedQuery): string {
  const identity = [
    caller.user_id,
    query.execEnv ? `env:${caller.exec_env_id}` : `user:${caller.email}`,
    query.filter?.key ?? null,
    query.filter?.value ?? null,
    query.startMicros ?? null,
    query.endMicros ?? null,
    query.scanForward,
  ];
  return createHash('sha256').update(JSON.stringify(identity)).digest('base64url').slice(0, 22);
}

export class RecordStore {
  private entries: Entry[] = [];
  private byId = new Map<string, Entry>();

  constructor(records: readonly AuditLogRecord[]) {
    this.add(records);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Every record, oldest first. */
  records(): AuditLogRecord[] {
    return this.entries.map((e) => e.record);
  }

  /** Adds records (e.g. "new runs arrived"); ids must be new. */
  add(records: readonly AuditLogRecord[]): void {
    for (const record of records) {
      if (this.byId.has(record.id)) throw new Error(`duplicate record id ${record.id}`);
      const parsed = parseIsoMicros(record.timestamp);
      if (!parsed.ok) throw new Error(`record ${record.id}: timestamp ${JSON.stringify(record.timestamp)}: ${parsed.reason}`);
      const entry: Entry = { record, micros: parsed.micros };
      this.entries.push(entry);
      this.byId.set(record.id, entry);
    }
    this.entries.sort((a, b) => compareKey(a, b.micros, b.record.id));
  }

  json(entry: Entry): string {
    entry.json ??= JSON.stringify(entry.record);
    return entry.json;
  }

  run(caller: Caller, query: ParsedQuery, codec: PageTokenCodec): QueryOutcome {
    if (query.id !== undefined) {
      // An id lookup may reach the caller's own records and any record of the caller's
      // execution environment (what exec_env=true would show); records of other teams are
      // "not found", so their existence does not leak.
      const entry = this.byId.get(query.id);
      const visible = entry !== undefined && (entry.record.user_email === caller.email || (!!caller.exec_env_id && entry.record.exec_env_id === caller.exec_env_id));
      if (!entry || !visible) return { kind: 'not-found' };
      return { kind: 'page', items: [entry], limit: query.limit, nextPageToken: null };
    }
    const matches = this.matcher(caller, query);
    if (query.distinct) return { kind: 'page', items: this.distinct(query, matches), limit: query.limit, nextPageToken: null };

    const key = fingerprint(caller, query);
    let cursor: Cursor | undefined;
    if (query.pageToken !== undefined) {
      const decoded = codec.decode(query.pageToken, key);
      if (!decoded.ok) return { kind: 'bad-page-token', reason: decoded.reason };
      cursor = decoded.cursor;
    }
    const start = query.startMicros ?? -Infinity;
    const end = query.endMicros ?? Infinity;
    const items: Entry[] = [];
    let more = false;
    if (query.scanForward) {
      let index = this.firstIndex((e) => e.micros >= start);
      const after = cursor;
      if (after) index = Math.max(index, this.firstIndex((e) => compareKey(e, after.micros, after.id) > 0));
      for (; index < this.entries.length; index++) {
        const entry = this.entries[index];
        if (entry.micros > end) break;
        if (!matches(entry)) continue;
        if (items.length === query.limit) {
          more = true;
          break;
        }
        items.push(entry);
      }
    } else {
      let index = this.firstIndex((e) => e.micros > end) - 1;
      const before = cursor;
      if (before) index = Math.min(index, this.firstIndex((e) => compareKey(e, before.micros, before.id) >= 0) - 1);
      for (; index >= 0; index--) {
        const entry = this.entries[index];
        if (entry.micros < start) break;
        if (!matches(entry)) continue;
        if (items.length === query.limit) {
          more = true;
          break;
        }
        items.push(entry);
      }
    }
    const lastItem = items[items.length - 1];
    const nextPageToken = more && lastItem ? codec.encode(key, { micros: lastItem.micros, id: lastItem.record.id }) : null;
    return { kind: 'page', items, limit: query.limit, nextPageToken };
  }

  /**
   * Distinct: scan at most max_records_to_scan matching records, newest first, keeping the
   * first (most recent) record per udf_name or udf_id. Records without the key (null or
   * absent) form one group of their own, like any other value. scan_forward, limit and
   * page_token do not apply: the result comes back whole, newest first.
   */
  private distinct(query: ParsedQuery, matches: (entry: Entry) => boolean): Entry[] {
    const field = query.distinctType === 'ids' ? 'udf_id' : 'udf_name';
    const start = query.startMicros ?? -Infinity;
    const end = query.endMicros ?? Infinity;
    const seen = new Map<string | null, Entry>();
    let scanned = 0;
    for (let index = this.firstIndex((e) => e.micros > end) - 1; index >= 0 && scanned < query.maxRecordsToScan; index--) {
      const entry = this.entries[index];
      if (entry.micros < start) break;
      if (!matches(entry)) continue;
      scanned++;
      const value = entry.record[field] ?? null;
      if (!seen.has(value)) seen.set(value, entry);
    }
    return [...seen.values()];
  }

  private matcher(caller: Caller, query: ParsedQuery): (entry: Entry) => boolean {
    const inScope = query.execEnv
      ? (r: AuditLogRecord) => !!caller.exec_env_id && r.exec_env_id === caller.exec_env_id
      : (r: AuditLogRecord) => r.user_email === caller.email;
    const filter = query.filter;
    if (!filter) return (entry) => inScope(entry.record);
    // Filters narrow the caller's scope; a shared_token query is scoped like the others
    // (the audit log is private: a shared link does not expose other accounts' runs).
    return (entry) => entry.record[filter.key] === filter.value && inScope(entry.record);
  }

  /** First index whose entry satisfies a predicate that is false…false,true…true over the order. */
  private firstIndex(predicate: (entry: Entry) => boolean): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (predicate(this.entries[mid])) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}
