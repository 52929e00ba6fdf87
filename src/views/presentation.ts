// How a run reads at a glance: status icon and colour, relative and local times, durations,
// and a Markdown tooltip. Pure, so the tree, result views and hovers show runs the same way.
import type { AuditLogRecord, RunStatus } from '../api/types';

export interface StatusPresentation {
  /** Codicon id for a ThemeIcon. */
  icon: string;
  /** Theme colour id for the ThemeIcon. */
  color: string;
  label: string;
}

const STATUS: Record<RunStatus, StatusPresentation> = {
  ok: { icon: 'pass', color: 'testing.iconPassed', label: 'Succeeded' },
  failed: { icon: 'error', color: 'testing.iconFailed', label: 'Failed' },
  incomplete: { icon: 'warning', color: 'list.warningForeground', label: 'Incomplete (never finished)' },
  cached: { icon: 'database', color: 'charts.blue', label: 'Served from cache' },
};

export function statusPresentation(status: RunStatus): StatusPresentation {
  return STATUS[status];
}

const UNITS: [Intl.RelativeTimeFormatUnit, number, string][] = [
  ['year', 365 * 24 * 3600, 'y'],
  ['month', 30 * 24 * 3600, 'mo'],
  ['week', 7 * 24 * 3600, 'w'],
  ['day', 24 * 3600, 'd'],
  ['hour', 3600, 'h'],
  ['minute', 60, 'min'],
];

/** "just now", "3 min ago", "2 h ago", "5 d ago"; future times (clock skew) read as "just now". */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'unknown time';
  const seconds = Math.round((now.getTime() - then) / 1000);
  if (seconds < 45) return 'just now';
  for (const [, size, short] of UNITS) {
    if (seconds >= size) return `${Math.floor(seconds / size)} ${short} ago`;
  }
  return '1 min ago';
}

/** Seconds as "850 ms", "4.2 s", "3 min 5 s"; null means the run never reported a duration. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return 'did not complete';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
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

/**
 * Escapes text for a MarkdownString so record fields (which may hold markdown links,
 * HTML or command: URIs) are shown as text. Control characters are made visible.
 */
export function escapeMarkdown(text: string): string {
  return visibleControlChars(text).replace(/[\\`*_{}[\]()#+\-.!|<>~&"']/g, (c) => `\\${c}`);
}

/** Replaces control characters (except tab/newline) and ANSI escapes so they can't restyle a view. */
export function visibleControlChars(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One line of text, shortened with an ellipsis, for labels and descriptions. */
export function oneLine(text: string | null | undefined, max = 120): string {
  if (!text) return '';
  const flat = visibleControlChars(text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The last non-blank line of stderr: for a Python traceback, the exception itself. */
export function errorSummary(stderr: string | null | undefined): string {
  if (!stderr) return '';
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return oneLine(lines[lines.length - 1] ?? '');
}

export interface RunFacts {
  status: RunStatus;
  statusLabel: string;
  localTime: string;
  isoTime: string;
  relative: string;
  duration: string;
  user: string;
  engine: string;
  cache: string;
}

export function runFacts(record: AuditLogRecord, status: RunStatus, now: Date = new Date(), timeZone?: string): RunFacts {
  return {
    status,
    statusLabel: statusPresentation(status).label,
    localTime: formatLocalTime(record.timestamp, timeZone),
    isoTime: record.timestamp,
    relative: relativeTime(record.timestamp, now),
    duration: formatDuration(record.execution_time),
    user: record.user_email ?? record.user_id ?? 'unknown user',
    engine: record.execution_engine ?? 'unknown engine',
    cache: record.cache ? 'hit' : record.cache === false ? 'miss' : 'unknown',
  };
}

/** Markdown for a run's tooltip or hover. Every record value is escaped. */
export function runTooltipMarkdown(record: AuditLogRecord, status: RunStatus, now: Date = new Date(), timeZone?: string): string {
  const facts = runFacts(record, status, now, timeZone);
  const lines = [
    `**${escapeMarkdown(record.udf_name ?? record.udf_id ?? 'Unnamed UDF')}** — ${escapeMarkdown(facts.statusLabel)}`,
    '',
    `- Time: ${escapeMarkdown(facts.localTime)} (${escapeMarkdown(facts.relative)})`,
    `- ISO: \`${record.timestamp.replace(/`/g, "'")}\``,
    `- Duration: ${escapeMarkdown(facts.duration)}`,
    `- User: ${escapeMarkdown(facts.user)}`,
    `- Engine: ${escapeMarkdown(facts.engine)}`,
    `- Cache: ${facts.cache}`,
  ];
  const error = errorSummary(record.stderr);
  if (error) lines.push(`- Error: ${escapeMarkdown(error)}`);
  return lines.join('\n');
}
