// The runs behind code lenses and hovers. Opening a file costs at most two requests however
// many UDFs it names: one page of the scope's runs in the tree's range, newest first (the
// API's 300 at most), grouped here by name; and, only when needed, one distinct query of the
// names in the range (to choose between a file's name candidates, and to date the UDFs a full
// page left out). When the page was full, counts are "at least" and say so. Pure.
import * as l10n from '@vscode/l10n';
import { isNewerRun } from '../api/instants';
import { runStatus } from '../api/status';
import type { AuditLogRecord, RunStatus } from '../api/types';
import { formatCount } from '../text/counts';
import { formatLocalMinutes, relativeTime } from '../time/format';

/** One page of the scope's runs in the range, and what a distinct query added. */
export interface RangeRuns {
  /** Newest first. */
  records: readonly AuditLogRecord[];
  /** The page was full (it had a next page): older runs of the range were not read. */
  capped: boolean;
  /** The newest run of every name in the range (a distinct query, or the tree's root), when read. */
  latestByName?: ReadonlyMap<string, AuditLogRecord>;
}

export type RunsTarget = { kind: 'udf_name' | 'shared_token'; value: string };

export interface TargetRuns {
  /** This UDF's runs that were read, newest first. */
  records: AuditLogRecord[];
  /** `records` are all of its runs in the range. */
  complete: boolean;
  /** When not complete: runs from this instant to now are all in `records`. */
  coveredSince?: string;
  /** Its newest run: the first record, or from the distinct query when the page had none. */
  latest?: AuditLogRecord;
  counts: Record<RunStatus, number>;
}

function emptyCounts(): Record<RunStatus, number> {
  return { ok: 0, failed: 0, incomplete: 0, cached: 0 };
}

export function countStatuses(records: readonly AuditLogRecord[]): Record<RunStatus, number> {
  const counts = emptyCounts();
  for (const record of records) counts[runStatus(record)]++;
  return counts;
}

function matches(record: AuditLogRecord, target: RunsTarget): boolean {
  return target.kind === 'udf_name' ? record.udf_name === target.value : record.shared_token === target.value;
}

/** A UDF's runs out of the shared page. */
export function runsInPage(range: RangeRuns, target: RunsTarget): TargetRuns {
  const records = range.records.filter((record) => matches(record, target));
  const oldest = range.records[range.records.length - 1];
  const latest = records[0] ?? (target.kind === 'udf_name' ? range.latestByName?.get(target.value) : undefined);
  const runs: TargetRuns = { records, complete: !range.capped, counts: countStatuses(records) };
  if (latest) runs.latest = latest;
  if (range.capped && oldest) runs.coveredSince = oldest.timestamp;
  return runs;
}

/** A UDF's runs from a query of its own (newest first, one page). */
export function runsFromOwnQuery(records: readonly AuditLogRecord[], hasMore: boolean): TargetRuns {
  const runs: TargetRuns = { records: [...records], complete: !hasMore, counts: countStatuses(records) };
  if (records[0]) runs.latest = records[0];
  if (hasMore && records.length) runs.coveredSince = records[records.length - 1].timestamp;
  return runs;
}

/** The page with the newest run of each name a distinct query returned (the newer one wins). */
export function withLatestByName(range: RangeRuns, distinct: readonly AuditLogRecord[]): RangeRuns {
  const latest = new Map(range.latestByName ?? []);
  for (const record of distinct) {
    const name = record.udf_name;
    if (!name) continue;
    const known = latest.get(name);
    if (!known || isNewerRun(record, known)) latest.set(name, record);
  }
  return { ...range, latestByName: latest };
}

/**
 * A hover's runs from the shared page, when it holds at least one run of the target: they are
 * then its newest runs in the scope and range (all of them unless the page was full). undefined:
 * the page has none, and the hover asks the audit log itself (its runs may be older than the range).
 */
export function hoverRunsFromPage(range: RangeRuns | undefined, target: RunsTarget): TargetRuns | undefined {
  if (!range) return undefined;
  const runs = runsInPage(range, target);
  return runs.records.length ? runs : undefined;
}

/** What a hover answered from the page counted: "12 runs in the last 24 h (your runs)", "300+ runs … since 14:05". */
export function pageRunsHeading(runs: TargetRuns, scopeLabel: string, rangeLabel: string): string {
  const count = formatCount(runs.records.length);
  if (runs.complete) return runs.records.length === 1 ? l10n.t('{0} run in {1} ({2})', count, rangeLabel, scopeLabel) : l10n.t('{0} runs in {1} ({2})', count, rangeLabel, scopeLabel);
  return l10n.t('{0}+ runs in {1} ({2}; counted back to {3}, the range holds more)', count, rangeLabel, scopeLabel, formatLocalMinutes(runs.coveredSince ?? ''));
}

/** Whether the shared page answers for this UDF without a query of its own. */
export function pageAnswers(range: RangeRuns, target: RunsTarget): boolean {
  return !range.capped || range.records.some((record) => matches(record, target));
}

/** Whether the audit log knows a name, from what was read; undefined when it cannot tell. */
export function knowsName(range: RangeRuns | undefined, name: string): boolean | undefined {
  if (!range) return undefined;
  if (range.records.some((record) => record.udf_name === name)) return true;
  if (range.latestByName) return range.latestByName.has(name);
  return range.capped ? undefined : false;
}

function lastRun(iso: string, now: Date): string {
  const relative = relativeTime(iso, now);
  return relative === relativeTime(now.toISOString(), now) ? l10n.t('last run just now') : l10n.t('last {0}', relative);
}

/**
 * A code lens: `12 runs · 3 failed · last 5 min ago`, `no runs in the last 24 h`; with a full
 * page, `12+ runs · 3+ failed · …` (at least), or `not counted · last 3 h ago` for a UDF the
 * page did not reach. Our text only: no record field appears in it.
 */
export function lensTitle(runs: TargetRuns, rangeLabel: string, now: Date): string {
  if (runs.records.length === 0) {
    if (!runs.latest) return runs.complete ? l10n.t('no runs in {0}', rangeLabel) : l10n.t('no runs since {0}', formatLocalMinutes(runs.coveredSince ?? now.toISOString()));
    return l10n.t('runs not counted · {0}', lastRun(runs.latest.timestamp, now));
  }
  const plus = runs.complete ? '' : '+';
  const counted = `${runs.records.length.toLocaleString('en-US')}${plus}`;
  const parts = [runs.records.length === 1 && runs.complete ? l10n.t('{0} run', counted) : l10n.t('{0} runs', counted), l10n.t('{0} failed', `${runs.counts.failed}${plus}`)];
  if (runs.counts.incomplete) parts.push(l10n.t('{0} incomplete', `${runs.counts.incomplete}${plus}`));
  parts.push(lastRun(runs.latest?.timestamp ?? runs.records[0].timestamp, now));
  return parts.join(' · ');
}

/** The lens's tooltip: what was counted, over which runs. */
export function lensTooltip(runs: TargetRuns, name: string, scopeLabel: string, rangeLabel: string, pageSize: number): string {
  const where = l10n.t('{0}, {1}', scopeLabel, rangeLabel);
  const count = runs.records.length;
  let text: string;
  if (runs.complete) text = count === 1 ? l10n.t('{0} run of {1} ({2}).', formatCount(count), name, where) : l10n.t('{0} runs of {1} ({2}).', formatCount(count), name, where);
  else if (count) {
    const since = formatLocalMinutes(runs.coveredSince ?? '');
    text =
      count === 1
        ? l10n.t('At least {0} run of {1} ({2}): counted in the newest {3} runs of the range, back to {4}; the range holds more.', formatCount(count), name, where, pageSize, since)
        : l10n.t('At least {0} runs of {1} ({2}): counted in the newest {3} runs of the range, back to {4}; the range holds more.', formatCount(count), name, where, pageSize, since);
  } else if (runs.latest) text = l10n.t('{0} last ran {1} ({2}); its runs are older than the newest {3} runs of the range, so they were not counted.', name, relativeTime(runs.latest.timestamp), where, pageSize);
  else text = l10n.t('No run of {0} in the newest {1} runs of the range ({2}).', name, pageSize, where);
  return l10n.t('{0} Click to show its runs in the Fused Runs view.', text);
}
