// How a run reads at a glance: status icon and colour, relative and local times, durations,
// and a Markdown tooltip. Pure, so the tree, result views and hovers show runs the same way.
import type { AuditLogRecord, RunStatus } from '../api/types';
import { stripAnsi } from '../text/ansi';
import { markdownText, oneLine } from '../text/safeText';

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

import { formatDuration, formatLocalTime, relativeTime } from '../time/format';

// Time formatting lives in src/time/format.ts; re-exported for the views that read it from here.
export { formatDuration, formatLocalMinutes, formatLocalRange, formatLocalTime, isFutureTime, relativeTime } from '../time/format';

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

/** "1 run", "3 runs", "1,204 lines": a count with its noun in the right number. */
export function countOf(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : pluralNoun}`;
}

/** The last non-blank line of stderr: for a Python traceback, the exception itself. */
export function errorSummary(stderr: string | null | undefined, max = 120): string {
  if (!stderr) return '';
  // Only the end is read: a 10 MB stderr has its exception on the last lines.
  const tail = stderr.length > 8192 ? stderr.slice(-8192) : stderr;
  const lines = stripAnsi(tail).text.split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean);
  return oneLine(lines[lines.length - 1] ?? '', max);
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
