// ISO 8601 timestamps with microsecond precision.
// The audit log's timestamps look like Python's `datetime.isoformat()`
// ("2025-04-01T12:34:56.123456+00:00"). JavaScript Dates only keep milliseconds, and two
// runs may land in the same millisecond, so the server orders records by an integer count
// of microseconds since the epoch (safe: 2^53 µs is ~285 years).

export type IsoParse = { ok: true; micros: number } | { ok: false; reason: string };

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Parses an ISO 8601 date-time that carries a UTC offset (`Z`, `+02:00`, `-0500`).
 * A date-time without an offset is rejected: its instant would depend on the server's
 * time zone, which is exactly the ambiguity the contract's examples avoid.
 */
export function parseIsoMicros(text: string): IsoParse {
  const match = ISO_PATTERN.exec(text);
  if (!match) {
    if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)? \d{2}:?\d{2}$/.test(text)) {
      return {
        ok: false,
        reason: "looks like a '+' offset that was not URL-encoded (a '+' in a query string means a space; send %2B)",
      };
    }
    return { ok: false, reason: 'expected ISO 8601 like 2025-04-01T00:00:00+00:00' };
  }
  const [, y, mo, d, h, mi, s, fraction, offset] = match;
  if (offset === undefined) {
    return { ok: false, reason: 'the timestamp has no UTC offset (add Z or +00:00)' };
  }
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12) return { ok: false, reason: `month ${mo} is out of range` };
  const monthDays = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day < 1 || day > monthDays) return { ok: false, reason: `day ${d} is out of range for month ${mo}` };
  if (hour > 23) return { ok: false, reason: `hour ${h} is out of range` };
  if (minute > 59) return { ok: false, reason: `minute ${mi} is out of range` };
  if (second > 59) return { ok: false, reason: `second ${s} is out of range` };
  let offsetMinutes = 0;
  if (offset !== 'Z' && offset !== 'z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMins = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (offsetHours > 23 || offsetMins > 59) return { ok: false, reason: `UTC offset ${offset} is out of range` };
    offsetMinutes = sign * (offsetHours * 60 + offsetMins);
  }
  const utcMillis = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  // Date.UTC maps years 0..99 to 1900..1999; the audit log never holds such dates, but be exact.
  if (year < 100) return { ok: false, reason: `year ${y} is out of range` };
  const fractionMicros = fraction === undefined ? 0 : Number(fraction.slice(0, 6).padEnd(6, '0'));
  return { ok: true, micros: utcMillis * 1000 + fractionMicros };
}

/** Formats like Python's `datetime.isoformat()` for an aware UTC datetime. */
export function formatIsoMicros(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const fractionMicros = micros - millis * 1000;
  const date = new Date(millis);
  const base = date.toISOString(); // 2025-04-01T12:34:56.789Z
  const fraction = String(date.getUTCMilliseconds() * 1000 + fractionMicros).padStart(6, '0');
  return `${base.slice(0, 19)}.${fraction}+00:00`;
}

export function microsFromDate(date: Date): number {
  return date.getTime() * 1000;
}
