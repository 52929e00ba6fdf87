// The failing-UDFs summary as the user sorts and reads it: order by count, last failure or
// name, and one line per UDF (count, when it last failed, the error). Pure: no `vscode` import.
import * as l10n from '@vscode/l10n';
import type { CappedWindow, FailingUdfSummary, TimeWindow } from '../api/recipes';
import { labelText } from '../text/safeText';
import { countText, formatCount } from '../text/counts';
import { errorSummary, formatLocalRange, formatLocalTime, relativeTime } from './presentation';

import type { FailingSortKey, FailingUdfsArg } from './commands';

export const FAILING_SORT_LABELS: Record<FailingSortKey, string> = {
  // Getters: looked up when shown, in the display language.
  get count() {
    return l10n.t('most failures first');
  },
  get lastFailure() {
    return l10n.t('most recent failure first');
  },
  get name() {
    return l10n.t('name A–Z');
  },
};

function failureTime(summary: FailingUdfSummary): number {
  const ms = Date.parse(summary.last_failure);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/** Unnamed failures sort last by name; names compare case-insensitively, then exactly. */
function compareNames(a: FailingUdfSummary, b: FailingUdfSummary): number {
  if (a.udf_name === b.udf_name) return 0;
  if (a.udf_name === null) return 1;
  if (b.udf_name === null) return -1;
  return a.udf_name.localeCompare(b.udf_name, 'en', { sensitivity: 'base' }) || (a.udf_name < b.udf_name ? -1 : 1);
}

function compareRecency(a: FailingUdfSummary, b: FailingUdfSummary): number {
  const ta = failureTime(a);
  const tb = failureTime(b);
  return ta === tb ? 0 : tb > ta ? 1 : -1;
}

/**
 * A sorted copy. Ties fall through to the other keys so the order is total and stable across
 * re-sorts: count → last failure → name; last failure → count → name; name → last failure.
 */
export function sortFailingSummaries(summaries: readonly FailingUdfSummary[], key: FailingSortKey): FailingUdfSummary[] {
  const byCount = (a: FailingUdfSummary, b: FailingUdfSummary) => b.failure_count - a.failure_count;
  const order: ((a: FailingUdfSummary, b: FailingUdfSummary) => number)[] =
    key === 'count' ? [byCount, compareRecency, compareNames] : key === 'lastFailure' ? [compareRecency, byCount, compareNames] : [compareNames, compareRecency];
  return [...summaries].sort((a, b) => {
    for (const compare of order) {
      const result = compare(a, b);
      if (result !== 0) return result;
    }
    return 0;
  });
}

export interface FailingRowText {
  label: string;
  description: string;
  detail: string;
}

/** The label shown for a UDF with no name (failures the recipe grouped under null). */
export function unnamedUdfLabel(): string {
  return l10n.t('(runs without a UDF name)');
}

/** What a QuickPick row says: name; "7 failures · last 3 h ago (local time)"; the error line. */
export function failingRowText(summary: FailingUdfSummary, now: Date, timeZone?: string): FailingRowText {
  const count = countText(summary.failure_count, l10n.t('{0} failure'), l10n.t('{0} failures'));
  const last = l10n.t('last {0} ({1})', relativeTime(summary.last_failure, now), formatLocalTime(summary.last_failure, timeZone));
  const kinds: string[] = [];
  if (summary.incomplete_count > 0) kinds.push(l10n.t('{0} never finished', summary.incomplete_count));
  const error = errorSummary(summary.sample_error, 200);
  // QuickPick text: record names and errors keep their $(…) as text.
  return {
    label: summary.udf_name === null ? unnamedUdfLabel() : labelText(summary.udf_name, 80),
    description: labelText([count, last, ...kinds].join(' · '), 200),
    detail: error ? labelText(error, 200) : summary.sample_error === null ? l10n.t('No stderr: infrastructure failure or run that never completed') : l10n.t('stderr is blank'),
  };
}

// ---------------------------------------------------------------------------------------------
// Arguments and notices

/** Windows named by their local time range, e.g. "14 Nov 09:00–15:00, 15 Nov 10:00 – 16 Nov 10:00". */
export function describeWindows(windows: readonly TimeWindow[], timeZone?: string, now?: Date): string {
  return windows.map((w) => formatLocalRange(w.start, w.end, timeZone, now)).join(', ');
}

/** What to tell the user when windows of the recently-used list could not be proven complete. */
export function cappedWindowsNotice(cappedWindows: readonly Pick<CappedWindow, 'start' | 'end'>[], timeZone?: string, now?: Date): string | undefined {
  const capped = cappedWindows.length;
  if (capped === 0) return undefined;
  const windows = describeWindows(cappedWindows, timeZone, now);
  return capped === 1
    ? l10n.t('One window may be incomplete ({0}): they held more runs than the request budget could read, and a distinct query scans at most 5000 runs, so UDFs used only there may be missing.', windows)
    : l10n.t('{0} windows may be incomplete ({1}): they held more runs than the request budget could read, and a distinct query scans at most 5000 runs, so UDFs used only there may be missing.', formatCount(capped), windows);
}

/** What to tell the user when windows of the failing recipe were cut at their record budget. */
export function truncatedWindowsNotice(windows: readonly TimeWindow[], maxRecords: number, timeZone?: string, now?: Date): string | undefined {
  const count = windows.length;
  if (count === 0) return undefined;
  const described = describeWindows(windows, timeZone, now);
  return count === 1
    ? l10n.t('One day window had over {0} runs ({1}); older failures in it were not read.', maxRecords, described)
    : l10n.t('{0} day windows had over {1} runs ({2}); older failures in them were not read.', formatCount(count), maxRecords, described);
}

/** The instants a failing summary covered; no start = from the beginning of the log. */
export interface FailingWindow {
  start?: string;
  end: string;
}

/**
 * The range in words: "last 7 days" (no explicit range, or one ending now that spans whole
 * days/hours), otherwise local times: "2026-11-18 21:00:00 EST → 2026-11-20 09:00:00 EST".
 */
export function describeFailingRange(args: Pick<FailingUdfsArg, 'start' | 'end'>, days: number, now: Date, timeZone?: string): string {
  const lastDays = (n: number) => (n === 1 ? l10n.t('last day') : l10n.t('last {0} days', n));
  const lastHours = (n: number) => (n === 1 ? l10n.t('last hour') : l10n.t('last {0} hours', n));
  if (!args.start && !args.end) return lastDays(days);
  const local = (iso: string) => formatLocalTime(iso, timeZone);
  if (!args.start) return l10n.t('until {0}', local(args.end as string));
  const startMs = Date.parse(args.start);
  const endMs = args.end ? Date.parse(args.end) : now.getTime();
  const endsNow = Math.abs(now.getTime() - endMs) < 10 * 60_000;
  const spanHours = (endMs - startMs) / 3600_000;
  if (endsNow && Number.isFinite(spanHours) && spanHours > 0) {
    if (spanHours >= 24 && Math.abs(spanHours / 24 - Math.round(spanHours / 24)) < 0.01) return lastDays(Math.round(spanHours / 24));
    if (spanHours < 24 && Math.abs(spanHours - Math.round(spanHours)) < 0.01) return lastHours(Math.round(spanHours));
  }
  return args.end ? `${local(args.start)} → ${local(args.end)}` : l10n.t('since {0}', local(args.start));
}
