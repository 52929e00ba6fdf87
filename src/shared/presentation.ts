// How a run reads at a glance: status icon and colour, relative and local times, durations,
// and a Markdown tooltip. Pure, so the tree, result views and hovers show runs the same way.
import type { AuditLogRecord, RunStatus } from '../api/types';
import { errorSummary } from './traceback';
import { labelText, markdownText } from '../text/safeText';
import { formatDuration, formatLocalMinutes, formatLocalTime, isFutureTime, relativeTime } from '../time/format';

export interface StatusPresentation {
  /** Codicon id for a ThemeIcon. */
  icon: string;
  /** Theme colour id for the ThemeIcon. */
  color: string;
  label: string;
  /** One word, for rows where width is short (a run row's description). */
  short: string;
}

const STATUS: Record<RunStatus, StatusPresentation> = {
  ok: { icon: 'pass', color: 'testing.iconPassed', label: 'Succeeded', short: 'Succeeded' },
  failed: { icon: 'error', color: 'testing.iconFailed', label: 'Failed', short: 'Failed' },
  incomplete: { icon: 'warning', color: 'list.warningForeground', label: 'Incomplete (never finished)', short: 'Incomplete' },
  cached: { icon: 'database', color: 'charts.blue', label: 'Served from cache', short: 'Cached' },
};

export function statusPresentation(status: RunStatus): StatusPresentation {
  return STATUS[status];
}

/**
 * What a screen reader says for a UDF row: the name, then the latest run's status in words (the
 * row's icon shows it by shape and colour only), when, and the failing count if shown. Record
 * text: the caller passes it through labelText.
 */
export function udfAccessibleLabel(name: string, status: RunStatus, relative: string, failingRuns?: number): string {
  const failing = failingRuns ? `, ${failingRuns} failing run${failingRuns === 1 ? '' : 's'}` : '';
  return `${name}, latest run ${STATUS[status].label.toLowerCase()}, ${relative}${failing}`;
}

/**
 * A UDF row's description: the latest run's relative time first (what differs between rows and
 * what a narrow side bar still shows), then, for a watched UDF whose icon is an eye instead of
 * its status, the status in a word and "watched", then the UDF id when grouped by id and the
 * failing count when failing-only. Record text (the id) goes through labelText.
 */
export function udfRowDescription(when: string, status: RunStatus, options: { watched?: boolean; udfId?: string; failingRuns?: number } = {}): string {
  const parts = [when];
  if (options.watched) parts.push(STATUS[status].short, 'watched');
  if (options.udfId) parts.push(options.udfId);
  if (options.failingRuns) parts.push(`${options.failingRuns} failing`);
  return labelText(parts.join(' · '), 160);
}

/** The text of a run's tree row: what the label, the description and a screen reader say. */
export interface RunRowText {
  label: string;
  description: string;
  accessibleLabel: string;
}

/**
 * A run's row leads with what tells runs apart, because a side bar of the default width shows
 * about 35 characters of a run row: the label is the relative time ("5 min ago"; a UDF's name
 * first in lists that mix UDFs), the description the status in one word, the duration, the
 * user and the error's line. The absolute local time with its zone, the same date and zone on
 * most rows, is in the tooltip and in the accessible label, whose "<UDF> run at <local time>"
 * part stays the same as time passes. A date in the future is shown beside its warning, as on
 * a UDF row. Record text goes through labelText.
 */
export function runRowText(record: AuditLogRecord, status: RunStatus, now: Date = new Date(), options: { showUdfName?: boolean; timeZone?: string } = {}): RunRowText {
  const look = STATUS[status];
  const name = labelText(record.udf_name ?? record.udf_id ?? 'Unnamed UDF', 60);
  const relative = relativeTime(record.timestamp, now);
  const when = Number.isNaN(Date.parse(record.timestamp))
    ? `${relative}: ${labelText(record.timestamp, 40)}`
    : isFutureTime(record.timestamp, now)
      ? `${relative} ${formatLocalMinutes(record.timestamp, options.timeZone)}`
      : relative;
  const duration = formatDuration(record.execution_time);
  const user = record.user_email ?? record.user_id;
  const error = errorSummary(record.stderr, 80);
  const description = [look.short, duration];
  if (user) description.push(labelText(user, 60));
  if (error) description.push(labelText(error, 80));
  const spoken = [when, look.label.toLowerCase(), `${name} run at ${labelText(formatLocalTime(record.timestamp, options.timeZone))}`];
  // formatDuration says "did not complete" or "invalid duration" when there is no time to take.
  spoken.push(/^\d/.test(duration) ? `took ${duration}` : duration);
  if (user) spoken.push(`by ${labelText(user, 60)}`);
  if (error) spoken.push(`error: ${labelText(error, 80)}`);
  return {
    label: labelText(options.showUdfName ? `${name} · ${when}` : when, 120),
    description: labelText(description.join(' · '), 240),
    accessibleLabel: labelText(spoken.join(', '), 300),
  };
}

// Time formatting lives in src/time/format.ts; re-exported for the views that read it from here.
export { formatDuration, formatDurationTick, formatLocalMinutes, formatLocalRange, formatLocalTime, isFutureTime, relativeTime } from '../time/format';
// A count with its noun, and a stderr's last line: re-exported for the views that read them from here.
export { countOf } from '../text/counts';
export { errorSummary } from './traceback';

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

/** Markdown for a run's tooltip or hover. Every record value goes through markdownText. */
export function runTooltipMarkdown(record: AuditLogRecord, status: RunStatus, now: Date = new Date(), timeZone?: string): string {
  const facts = runFacts(record, status, now, timeZone);
  const lines = [
    `**${markdownText(record.udf_name ?? record.udf_id ?? 'Unnamed UDF', { max: 200 })}** — ${facts.statusLabel}`,
    '',
    `- Time: ${markdownText(facts.localTime)} (${markdownText(facts.relative)})`,
    `- ISO: ${markdownText(record.timestamp)}`,
    `- Duration: ${markdownText(facts.duration)}`,
    `- User: ${markdownText(facts.user, { max: 200 })}`,
    `- Engine: ${markdownText(facts.engine, { max: 200 })}`,
    `- Cache: ${facts.cache}`,
  ];
  const error = errorSummary(record.stderr, 300);
  if (error) lines.push(`- Error: ${markdownText(error)}`);
  return lines.join('\n');
}
