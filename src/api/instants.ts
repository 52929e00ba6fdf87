// Timestamps compared as instants, to the microsecond the audit log records, never as text:
// "2025-04-01T12:00:00+02:00" is older than "2025-04-01T11:00:00Z" although it sorts after it.
// Ties between runs at the same instant are broken by id, the server's order (newest first =
// largest (instant, id)). Pure.
import type { AuditLogRecord } from './types';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Microseconds since the epoch. A date-time without an offset is read as UTC (what a server
 * that drops the offset means); undefined when the text is not a timestamp at all.
 */
export function isoMicros(text: string): number | undefined {
  const match = ISO.exec(text.trim());
  if (!match) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms * 1000;
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    offsetMinutes = (digits.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0'));
  }
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMinutes * 60_000;
  if (Number.isNaN(ms)) return undefined;
  const micros = Number(fraction.padEnd(6, '0').slice(0, 6));
  return ms * 1000 + micros;
}

/** True when the text carries an explicit offset (Z or ±hh:mm), so the server reads it as we do. */
export function hasOffset(text: string): boolean {
  return /(?:[zZ]|[+-]\d{2}:\d{2})$/.test(text.trim());
}

/** Negative when `a` is earlier. Unparseable timestamps sort before every real one. */
export function compareInstants(a: string, b: string): number {
  const ma = isoMicros(a);
  const mb = isoMicros(b);
  if (ma === undefined || mb === undefined) {
    if (ma === mb) return 0;
    return ma === undefined ? -1 : 1;
  }
  return ma - mb;
}

/** True when `a` ran after `b`; at the same instant the larger id counts as newer (the server's order). */
export function isNewerRun(a: Pick<AuditLogRecord, 'timestamp' | 'id'>, b: Pick<AuditLogRecord, 'timestamp' | 'id'>): boolean {
  const byTime = compareInstants(a.timestamp, b.timestamp);
  return byTime !== 0 ? byTime > 0 : a.id > b.id;
}

/** Sort comparator: newest first, ties by id descending (the server's newest-first order). */
export function newestRunFirst(a: Pick<AuditLogRecord, 'timestamp' | 'id'>, b: Pick<AuditLogRecord, 'timestamp' | 'id'>): number {
  const byTime = compareInstants(b.timestamp, a.timestamp);
  if (byTime !== 0) return byTime;
  return a.id === b.id ? 0 : a.id < b.id ? 1 : -1;
}
