// How a run reads at a glance: status icon and colour, relative and local times, durations,
// and a Markdown tooltip. Pure, so the tree, result views and hovers show runs the same way.
import type { AuditLogRecord, RunStatus } from '../api/types';
import { errorSummary } from '../shared/traceback';
import { markdownText } from '../text/safeText';
import { formatDuration, formatLocalTime, relativeTime } from '../time/format';

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

/**
 * What a screen reader says for a UDF row: the name, then the latest run's status in words (the
 * row's icon shows it by shape and colour only), when, and the failing count if shown. Record
 * text: the caller passes it through labelText.
 */
export function udfAccessibleLabel(name: string, status: RunStatus, relative: string, failingRuns?: number): string {
  const failing = failingRuns ? `, ${failingRuns} failing run${failingRuns === 1 ? '' : 's'}` : '';
  return `${name}, latest run ${STATUS[status].label.toLowerCase()}, ${relative}${failing}`;
}

// Time formatting lives in src/time/format.ts; re-exported for the views that read it from here.
export { formatDuration, formatDurationTick, formatLocalMinutes, formatLocalRange, formatLocalTime, isFutureTime, relativeTime } from '../time/format';
// A count with its noun, and a stderr's last line: re-exported for the views that read them from here.
export { countOf } from '../text/counts';
export { errorSummary } from '../shared/traceback';

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
