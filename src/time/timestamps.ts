// The one timestamp parser. Every place that reads a time the user typed or a caller passed
// (the tree's custom range, the palette prompts, command arguments, the recipes, the API
// client's query check) reads it here, so they all accept the same forms:
//   2025-04-01T00:00:00Z              ISO 8601 with Z
//   2025-04-01T00:00:00+00:00         with an offset, ±hh:mm, ±hhmm or ±hh
//   2025-04-01 00:00:00+00:00         Python's str(datetime): a space instead of T
//   2025-04-01T00:00:00.123456-05:00  fractional seconds (up to nanoseconds; a comma works too)
//   2025-04-01T14:30, 2025-04-01      minutes only, a date alone (midnight)
//   2025-04-01 14:30                  no offset: the machine's local time
// and refuse impossible dates (2026-02-30) with a message that quotes the input. What is sent
// to the API is always `iso`: ISO 8601 with T and a ±hh:mm offset (Z kept), the digits as
// typed (no precision lost), a local time given the machine's offset at that instant.
// Pure: no `vscode`, no imports at all (the API client and the views both build on it).

import * as l10n from '@vscode/l10n';

export interface Timestamp {
  /** Epoch milliseconds (a fraction finer than a millisecond is kept in `iso`). */
  ms: number;
  /** ISO 8601 with T and an offset: what is sent and shown back. */
  iso: string;
  /** False when the text had no offset and was read as the machine's local time. */
  hadOffset: boolean;
}

export type TimestampResult = ({ ok: true } & Timestamp) | { ok: false; problem: string };

export interface TimestampOptions {
  /** Refuse a time without an offset instead of reading it as local time (the API's own check). */
  requireOffset?: boolean;
}

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/** An example of every accepted form, for prompts and messages. */
export const TIMESTAMP_EXAMPLES = '2026-11-20, 2026-11-20 14:30 (local time), 2026-11-20T14:30:00Z or 2026-11-20 14:30:00+01:00';

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(value: number, width = 2): string {
  return String(Math.abs(value)).padStart(width, '0');
}

/** "+01:00", "-05:30", "Z" for zero only when `zulu` (ISO as VS Code and Fused print it). */
export function formatOffset(offsetMinutes: number, zulu = false): string {
  if (offsetMinutes === 0 && zulu) return 'Z';
  const sign = offsetMinutes < 0 ? '-' : '+';
  return `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
}

/** The machine's offset from UTC at an instant, in minutes east (Date's own is west). */
export function localOffsetMinutes(date: Date): number {
  const offset = -date.getTimezoneOffset();
  return offset === 0 ? 0 : offset;
}

/**
 * An instant as ISO 8601 in the machine's local time with its offset, e.g.
 * "2026-11-20T14:30:00-05:00": how a time typed without an offset is shown back.
 */
export function toLocalIso(date: Date): string {
  const offset = localOffsetMinutes(date);
  const local = new Date(date.getTime() + offset * 60_000);
  const millis = local.getUTCMilliseconds();
  const fraction = millis ? `.${pad(millis, 3)}` : '';
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${fraction}${formatOffset(offset)}`
  );
}

/** Reads one timestamp; `problem` quotes the text and says what is wrong with it. */
export function parseTimestamp(text: string, options: TimestampOptions = {}): TimestampResult {
  const trimmed = text.trim();
  const quoted = JSON.stringify(trimmed);
  if (trimmed === '') return { ok: false, problem: l10n.t('Enter a date or date-time, e.g. {0}.', TIMESTAMP_EXAMPLES) };
  const match = PATTERN.exec(trimmed);
  if (!match) return { ok: false, problem: l10n.t('{0} is not an ISO 8601 date or date-time (e.g. {1}).', quoted, TIMESTAMP_EXAMPLES) };
  const [, y, mo, d, h, mi, s, fraction = '', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) return { ok: false, problem: l10n.t('{0} has month {1}, which does not exist.', quoted, mo) };
  if (day < 1 || day > daysInMonth(year, month)) return { ok: false, problem: l10n.t('{0} is not a date: {1}-{2} has no day {3}.', quoted, y, mo, d) };
  if (h !== undefined && Number(h) > 23) return { ok: false, problem: l10n.t('{0} has hour {1}; hours run 00..23.', quoted, h) };
  if (mi !== undefined && Number(mi) > 59) return { ok: false, problem: l10n.t('{0} has minute {1}; minutes run 00..59.', quoted, mi) };
  if (s !== undefined && Number(s) > 59) return { ok: false, problem: l10n.t('{0} has second {1}; seconds run 00..59.', quoted, s) };
  if (!zone && options.requireOffset) {
    return { ok: false, problem: l10n.t('{0} has no UTC offset; add "Z" or an offset like "+00:00" (a time without one is ambiguous).', quoted) };
  }
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  const millis = Math.floor(Number(`0.${fraction || '0'}`) * 1000);
  const clock = `${pad(hour)}:${pad(minute)}:${pad(second)}${fraction ? `.${fraction}` : ''}`;
  if (zone) {
    let offsetMinutes = 0;
    if (zone.toUpperCase() !== 'Z') {
      const digits = zone.replace(':', '');
      const hours = Number(digits.slice(1, 3));
      const minutes = Number(digits.slice(3, 5) || '0');
      if (hours > 23 || minutes > 59) return { ok: false, problem: l10n.t('{0} has offset {1}, which is not a valid UTC offset.', quoted, zone) };
      offsetMinutes = (digits.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
    }
    const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
    if (!Number.isFinite(ms)) return { ok: false, problem: l10n.t('{0} is not a real instant.', quoted) };
    const offset = zone.toUpperCase() === 'Z' ? 'Z' : formatOffset(offsetMinutes);
    return { ok: true, ms, iso: `${y}-${mo}-${d}T${clock}${offset}`, hadOffset: true };
  }
  // No offset: the machine's local time (what the tree and the local-time labels show).
  const local = new Date(year, month - 1, day, hour, minute, second, millis);
  if (Number.isNaN(local.getTime())) return { ok: false, problem: l10n.t('{0} is not a real instant.', quoted) };
  // A local time skipped by a daylight-saving jump does not exist; Date moves it forward.
  if (local.getFullYear() !== year || local.getMonth() !== month - 1 || local.getDate() !== day || local.getHours() !== hour || local.getMinutes() !== minute) {
    return { ok: false, problem: l10n.t("{0} does not exist in this machine's time zone (the clocks skip it); add an offset or pick another time.", quoted) };
  }
  return { ok: true, ms: local.getTime(), iso: `${y}-${mo}-${d}T${clock}${formatOffset(localOffsetMinutes(local))}`, hadOffset: false };
}

/** Like parseTimestamp, with "now" (any case) read as `now`. */
export function parseTimestampOrNow(text: string, now: Date, options: TimestampOptions = {}): TimestampResult {
  if (text.trim().toLowerCase() === 'now') return { ok: true, ms: now.getTime(), iso: now.toISOString(), hadOffset: true };
  return parseTimestamp(text, options);
}
