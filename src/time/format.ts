// Times as a person reads them: relative ("3 min ago"), local ("2026-11-25 14:03:12 EST",
// "2026-11-25 14:03"), and durations ("4.2 s"). One place, so the tree, the results, hovers,
// documents and the details panel say a time the same way. Pure: no `vscode`.

import * as l10n from '@vscode/l10n';

/** The units of a relative time, largest first, each with its short form ("3 d"). */
const UNITS: [Intl.RelativeTimeFormatUnit, number, (count: number) => string][] = [
  ['year', 365 * 24 * 3600, (n) => l10n.t('{0} y', n)],
  ['month', 30 * 24 * 3600, (n) => l10n.t('{0} mo', n)],
  ['week', 7 * 24 * 3600, (n) => l10n.t('{0} w', n)],
  ['day', 24 * 3600, (n) => l10n.t('{0} d', n)],
  ['hour', 3600, (n) => l10n.t('{0} h', n)],
  ['minute', 60, (n) => l10n.t('{0} min', n)],
];

/** Within this much of the future, a run's time is clock skew and reads "just now". */
const SKEW_SECONDS = 60;

/**
 * "just now", "3 min ago", "2 h ago", "5 d ago". A time further in the future than clock skew
 * explains is a bad record or a wrong clock: it says so ("⚠ in the future (2 d ahead)") rather
 * than "just now"; the date itself is shown beside it wherever a run is listed.
 */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return l10n.t('unknown time');
  const seconds = Math.round((now.getTime() - then) / 1000);
  if (seconds < -SKEW_SECONDS) return l10n.t('⚠ in the future ({0} ahead)', ago(-seconds));
  if (seconds < 45) return l10n.t('just now');
  return l10n.t('{0} ago', ago(seconds));
}

function ago(seconds: number): string {
  for (const [, size, short] of UNITS) {
    if (seconds >= size) return short(Math.floor(seconds / size));
  }
  return l10n.t('{0} min', 1);
}

/** Whether a timestamp lies further in the future than clock skew explains. */
export function isFutureTime(iso: string, now: Date = new Date()): boolean {
  const then = Date.parse(iso);
  return !Number.isNaN(then) && then - now.getTime() > SKEW_SECONDS * 1000;
}

/**
 * Seconds as "850 ms", "4.2 s", "3 min 5 s", "2 h 5 min", "3 d 4 h"; null means the run never
 * reported a duration; a negative or non-finite number is not a duration at all.
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return l10n.t('did not complete');
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return l10n.t('invalid duration');
  if (seconds < 1) return l10n.t('{0} ms', Math.round(seconds * 1000));
  if (seconds < 60) return l10n.t('{0} s', seconds.toFixed(seconds < 10 ? 1 : 0));
  const whole = Math.round(seconds);
  if (whole < 3600) {
    const [minutes, rest] = [Math.floor(whole / 60), whole % 60];
    return rest ? l10n.t('{0} min {1} s', minutes, rest) : l10n.t('{0} min', minutes);
  }
  if (whole < 86_400) {
    const [hours, rest] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60)];
    return rest ? l10n.t('{0} h {1} min', hours, rest) : l10n.t('{0} h', hours);
  }
  const [days, rest] = [Math.floor(whole / 86_400), Math.floor((whole % 86_400) / 3600)];
  if (days === 1) return rest ? l10n.t('{0} day {1} h', days, rest) : l10n.t('{0} day', days);
  return rest ? l10n.t('{0} days {1} h', days, rest) : l10n.t('{0} days', days);
}

/**
 * A tick of a log-scale seconds axis: "1 ms", "50 ms", "1 s", "10 s", "1,000 s". One unit per
 * side of a second and no mixed "1 min 40 s", so the decades read as decades. null is a tick
 * uPlot's log-axis filter left unlabelled (too close to its neighbours): it gets no text, where
 * formatDuration would write "did not complete" on every minor tick.
 */
export function formatDurationTick(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return '';
  // Splits are computed as powers and products (0.001 * 3 = 0.0030000000000000005): round the noise away.
  const clean = (value: number) => Number(value.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 3 });
  return seconds < 1 ? `${clean(seconds * 1000)} ms` : `${clean(seconds)} s`;
}

/** The time in the user's local zone, e.g. "2026-11-25 14:03:12 EST". */
export function formatLocalTime(iso: string, timeZone?: string): string {
  const parts = localParts(iso, true, timeZone);
  if (!parts) return iso;
  return `${parts.date} ${parts.time} ${parts.zone}`.trim();
}

/** Date and minutes in the user's local zone, e.g. "2026-11-25 14:03", for titles and ranges. */
export function formatLocalMinutes(iso: string, timeZone?: string): string {
  const parts = localParts(iso, false, timeZone);
  return parts ? `${parts.date} ${parts.time}` : iso;
}

/**
 * A span of time in the user's zone, short: "14 Nov 09:00–15:00" within one day,
 * "14 Nov 09:00 – 15 Nov 09:00" across days (the year is added when it is not the current one).
 */
export function formatLocalRange(startIso: string, endIso: string, timeZone?: string, now: Date = new Date()): string {
  const start = new Date(startIso);
  const end = new Date(endIso);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return `${startIso} – ${endIso}`;
  const zone = timeZone ? { timeZone } : {};
  const yearOf = (date: Date) => new Intl.DateTimeFormat('en-GB', { year: 'numeric', ...zone }).format(date);
  const withYear = yearOf(start) !== yearOf(now) || yearOf(end) !== yearOf(now);
  const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', ...(withYear ? { year: 'numeric' } : {}), ...zone });
  const time = (date: Date) => {
    const parts = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, ...zone }).formatToParts(date);
    const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
    return `${get('hour') === '24' ? '00' : get('hour')}:${get('minute')}`;
  };
  const startDay = day.format(start);
  const endDay = day.format(end);
  return startDay === endDay ? `${startDay} ${time(start)}–${time(end)}` : `${startDay} ${time(start)} – ${endDay} ${time(end)}`;
}

function localParts(iso: string, withSeconds: boolean, timeZone?: string): { date: string; time: string; zone: string } | undefined {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit', timeZoneName: 'short' } : {}),
    hour12: false,
    ...(timeZone ? { timeZone } : {}),
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  // Some ICU versions write midnight as 24 with hour12: false.
  const hour = get('hour') === '24' ? '00' : get('hour');
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    time: withSeconds ? `${hour}:${get('minute')}:${get('second')}` : `${hour}:${get('minute')}`,
    zone: get('timeZoneName'),
  };
}

