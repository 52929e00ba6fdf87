// How a run reads at a glance: status icon and colour, relative and local times, durations,
// and a Markdown tooltip. Pure, so the tree, result views and hovers show runs the same way.
import * as l10n from '@vscode/l10n';
import type { AuditLogRecord, RunStatus } from '../api/types';
import { errorSummary } from './traceback';
import { countText } from '../text/counts';
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

/**
 * A status's look and words. Built when asked, not at module load: a module's top level runs
 * before the l10n bundle is configured (activation, or the webview page's first import), so
 * words read there would stay English.
 */
export function statusPresentation(status: RunStatus): StatusPresentation {
  switch (status) {
    case 'ok':
      return { icon: 'pass', color: 'testing.iconPassed', label: l10n.t('Succeeded'), short: l10n.t('Succeeded') };
    case 'failed':
      return { icon: 'error', color: 'testing.iconFailed', label: l10n.t('Failed'), short: l10n.t('Failed') };
    case 'incomplete':
      return { icon: 'warning', color: 'list.warningForeground', label: l10n.t('Incomplete (never finished)'), short: l10n.t('Incomplete') };
    case 'cached':
      return { icon: 'database', color: 'charts.blue', label: l10n.t('Served from cache'), short: l10n.t('Cached') };
  }
}

/**
 * What a screen reader says for a UDF row: the name, then the latest run's status in words (the
 * row's icon shows it by shape and colour only), when, and the failing count if shown. Record
 * text: the caller passes it through labelText.
 */
export function udfAccessibleLabel(name: string, status: RunStatus, relative: string, failingRuns?: number): string {
  const latest = l10n.t('{0}, latest run {1}, {2}', name, statusPresentation(status).label.toLowerCase(), relative);
  return failingRuns ? `${latest}, ${countText(failingRuns, l10n.t('{0} failing run'), l10n.t('{0} failing runs'))}` : latest;
}

/**
 * A UDF row's description: the latest run's relative time first (what differs between rows and
 * what a narrow side bar still shows), then, for a watched UDF whose icon is an eye instead of
 * its status, the status in a word and "watched", then the UDF id when grouped by id and the
 * failing count when failing-only. Record text (the id) goes through labelText.
 */
export function udfRowDescription(when: string, status: RunStatus, options: { watched?: boolean; udfId?: string; failingRuns?: number } = {}): string {
  const parts = [when];
  if (options.watched) parts.push(statusPresentation(status).short, l10n.t('watched'));
  if (options.udfId) parts.push(options.udfId);
  if (options.failingRuns) parts.push(l10n.t('{0} failing', options.failingRuns));
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
  const look = statusPresentation(status);
  const name = labelText(record.udf_name ?? record.udf_id ?? l10n.t('Unnamed UDF'), 60);
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
  const spoken = [when, look.label.toLowerCase(), l10n.t('{0} run at {1}', name, labelText(formatLocalTime(record.timestamp, options.timeZone)))];
  // formatDuration says "did not complete" or "invalid duration" when there is no time to take.
  spoken.push(/^\d/.test(duration) ? l10n.t('took {0}', duration) : duration);
  if (user) spoken.push(l10n.t('by {0}', labelText(user, 60)));
  if (error) spoken.push(l10n.t('error: {0}', labelText(error, 80)));
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
    user: record.user_email ?? record.user_id ?? l10n.t('unknown user'),
    engine: record.execution_engine ?? l10n.t('unknown engine'),
    cache: record.cache ? l10n.t('hit') : record.cache === false ? l10n.t('miss') : l10n.t('unknown'),
  };
}

/** Markdown for a run's tooltip or hover. Every record value goes through markdownText. */
export function runTooltipMarkdown(record: AuditLogRecord, status: RunStatus, now: Date = new Date(), timeZone?: string): string {
  const facts = runFacts(record, status, now, timeZone);
  const lines = [
    `**${markdownText(record.udf_name ?? record.udf_id ?? l10n.t('Unnamed UDF'), { max: 200 })}** — ${facts.statusLabel}`,
    '',
    `- ${l10n.t('Time: {0} ({1})', markdownText(facts.localTime), markdownText(facts.relative))}`,
    `- ${l10n.t('ISO: {0}', markdownText(record.timestamp))}`,
    `- ${l10n.t('Duration: {0}', markdownText(facts.duration))}`,
    `- ${l10n.t('User: {0}', markdownText(facts.user, { max: 200 }))}`,
    `- ${l10n.t('Engine: {0}', markdownText(facts.engine, { max: 200 }))}`,
    `- ${l10n.t('Cache: {0}', facts.cache)}`,
  ];
  const error = errorSummary(record.stderr, 300);
  if (error) lines.push(`- ${l10n.t('Error: {0}', markdownText(error))}`);
  return lines.join('\n');
}
