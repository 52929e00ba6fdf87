// Builds what the insights webview shows from the runs the panel loaded. Pure (no `vscode`):
// numbers come from aggregate.ts, text we did not write (names, users, engines, error messages)
// leaves here through safeText's visibleText, so the webview only lays out text.

import * as l10n from '@vscode/l10n';
import type { AuditLogRecord, RunStatus } from '../api/types';
import { oneLine, visibleText } from '../text/safeText';
import { countText } from '../text/counts';
import { formatDuration, formatLocalMinutes, formatLocalTime } from '../shared/presentation';
import { describeRange } from '../time/range';
import {
  bucketRuns,
  byEngine,
  byUser,
  cacheHitRatio,
  chooseBucket,
  failureRatio,
  groupErrors,
  localZoneOffset,
  overallPercentiles,
  runTable,
  trendOf,
  type Breakdown,
  type Ratio,
  type ZoneOffset,
} from './aggregate';
import { subjectKey, type InsightsSubject, type InsightsView, type RatioView } from './protocol';

export interface LoadedRuns {
  records: readonly AuditLogRecord[];
  /** Every run of the window was read (no page left). */
  complete: boolean;
}

export interface InsightsInput {
  subject: InsightsSubject;
  /** The range as drawn: a preset's open end is the moment of loading; all time starts at the oldest run read. */
  window: { startMs?: number; endMs: number };
  current: LoadedRuns & { requests: number };
  /** The previous range of the same length; absent for all time. */
  previous?: LoadedRuns;
  /** Runs one load reads at most (the "load more" step). */
  budget: number;
  timeZone?: string;
  offset?: ZoneOffset;
}

export function buildInsightsView(input: InsightsInput): InsightsView {
  const { subject, current } = input;
  const records = current.records;
  const times = records.map((r) => Date.parse(r.timestamp)).filter(Number.isFinite);
  const oldest = times.length ? Math.min(...chunkMin(times)) : input.window.endMs;
  const startMs = input.window.startMs ?? Math.min(oldest, input.window.endMs - 3_600_000);
  const endMs = input.window.endMs;
  const unit = chooseBucket(endMs - startMs);
  const buckets = bucketRuns(records, startMs, endMs, unit, input.offset ?? localZoneOffset);
  const table = runTable(records);
  const overall = overallPercentiles(records);
  const totals: Record<RunStatus, number> & { all: number } = { ok: 0, failed: 0, incomplete: 0, cached: 0, all: records.length };
  for (const status of ['ok', 'failed', 'incomplete', 'cached'] as const) totals[status] = buckets.counts[status].reduce((a, b) => a + b, 0);

  const previous = input.previous;
  const failure = ratioView(failureRatio(records), previous ? failureRatio(previous.records) : undefined, previous ? !previous.complete : false, 'down');
  const cacheHit = ratioView(cacheHitRatio(records), previous ? cacheHitRatio(previous.records) : undefined, previous ? !previous.complete : false, 'up');

  const zone = input.timeZone;
  const heading = oneLine(visibleText(subject.value), 200);
  return {
    key: subjectKey(subject),
    heading: subject.kind === 'udf_id' ? l10n.t('UDF {0}', heading) : heading,
    scopeLabel: subject.scope === 'mine' ? l10n.t('Mine') : l10n.t('Execution environment'),
    rangeLabel: describeRange(subject.range, zone),
    rangeStartMs: startMs,
    rangeEndMs: endMs,
    ...(current.complete || times.length === 0 ? {} : { coverageStartMs: oldest }),
    basis: {
      runs: records.length,
      complete: current.complete,
      text: basisText(records.length, current.complete, oldest, zone),
      canLoadMore: !current.complete,
      requests: current.requests,
    },
    buckets: {
      unit,
      starts: buckets.starts,
      labels: buckets.starts.map((ms) => formatLocalMinutes(new Date(ms).toISOString(), zone)),
      counts: buckets.counts,
      p50: buckets.p50,
      p95: buckets.p95,
    },
    totals,
    durations: {
      points: table.points,
      ids: table.ids,
      users: table.users.map((user) => oneLine(visibleText(user), 200)),
      withoutDuration: table.withoutDuration,
      ...(overall.p50 !== undefined ? { p50: overall.p50 } : {}),
      ...(overall.p95 !== undefined ? { p95: overall.p95 } : {}),
      p50Text: overall.p50 === undefined ? '—' : formatDuration(overall.p50),
      p95Text: overall.p95 === undefined ? '—' : formatDuration(overall.p95),
    },
    ratios: {
      failure,
      cacheHit,
      previousLabel: previous ? l10n.t('previous range of the same length') : l10n.t('no previous range for all time'),
    },
    errors: groupErrors(records).map((group) => ({
      type: oneLine(visibleText(group.type), 200),
      message: oneLine(visibleText(group.message), 300),
      example: oneLine(visibleText(group.example), 300),
      count: group.count,
      firstSeen: group.firstSeen,
      lastSeen: group.lastSeen,
      firstSeenText: formatLocalTime(group.firstSeen, zone),
      lastSeenText: formatLocalTime(group.lastSeen, zone),
      latestRunId: group.latestRunId,
    })),
    byUser: visibleRows(byUser(records)),
    byEngine: visibleRows(byEngine(records)),
  };
}

/** Math.min over a long array without spreading 10,000 arguments at once. */
function chunkMin(values: number[]): number[] {
  const mins: number[] = [];
  for (let i = 0; i < values.length; i += 4096) mins.push(Math.min(...values.slice(i, i + 4096)));
  return mins;
}

function visibleRows(rows: Breakdown[]): Breakdown[] {
  return rows.map((row) => ({ ...row, label: oneLine(visibleText(row.label), 200) }));
}

function basisText(runs: number, complete: boolean, oldestMs: number, zone: string | undefined): string {
  const counted = countText(runs, l10n.t('{0} run'), l10n.t('{0} runs'));
  if (complete) return l10n.t('based on {0}: every run in the range', counted);
  return l10n.t('based on {0}: the newest in the range, back to {1}; older runs are not loaded', counted, formatLocalMinutes(new Date(oldestMs).toISOString(), zone));
}

export function percentText(value: number | undefined): string {
  return value === undefined ? '—' : l10n.t('{0} %', (value * 100).toFixed(1));
}

/** "3 of 120 runs". */
function ofRuns(numerator: number, denominator: number): string {
  return l10n.t('{0} of {1}', numerator.toLocaleString('en-US'), countText(denominator, l10n.t('{0} run'), l10n.t('{0} runs')));
}

function ratioView(current: Ratio, previous: Ratio | undefined, previousPartial: boolean, better: 'up' | 'down'): RatioView {
  const view: RatioView = {
    text: percentText(current.value),
    detail: ofRuns(current.numerator, current.denominator),
    better,
    ...(current.value !== undefined ? { value: current.value } : {}),
  };
  if (previous) {
    view.previous = {
      text: percentText(previous.value),
      detail: ofRuns(previous.numerator, previous.denominator) + (previousPartial ? l10n.t(' (the newest of the range only)') : ''),
      partial: previousPartial,
      ...(previous.value !== undefined ? { value: previous.value } : {}),
    };
    const trend = trendOf(current, previous);
    if (trend) {
      view.trend = trend;
      const points = Math.abs(((current.value ?? 0) - (previous.value ?? 0)) * 100).toFixed(1);
      view.trendText = trend === 'same' ? l10n.t('= same') : `${trend === 'up' ? '↑' : '↓'} ${l10n.t('{0} pts', points)}`;
    }
  }
  return view;
}
