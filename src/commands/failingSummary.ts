// The failing-UDFs summary as the user sorts and reads it: order by count, last failure or
// name, and one line per UDF (count, when it last failed, the error). Pure: no `vscode` import.
import type { FailingUdfSummary } from '../api/recipes';
import { errorSummary, formatLocalTime, oneLine, relativeTime } from '../views/presentation';

export type FailingSortKey = 'count' | 'lastFailure' | 'name';

export const FAILING_SORT_LABELS: Record<FailingSortKey, string> = {
  count: 'most failures first',
  lastFailure: 'most recent failure first',
  name: 'name A–Z',
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
export const UNNAMED_UDF_LABEL = '(runs without a UDF name)';

/** What a QuickPick row says: name; "7 failures · last 3 h ago (local time)"; the error line. */
export function failingRowText(summary: FailingUdfSummary, now: Date, timeZone?: string): FailingRowText {
  const count = `${summary.failure_count} failure${summary.failure_count === 1 ? '' : 's'}`;
  const last = `last ${relativeTime(summary.last_failure, now)} (${formatLocalTime(summary.last_failure, timeZone)})`;
  const kinds: string[] = [];
  if (summary.incomplete_count > 0) kinds.push(`${summary.incomplete_count} never finished`);
  const error = errorSummary(summary.sample_error);
  return {
    label: summary.udf_name === null ? UNNAMED_UDF_LABEL : oneLine(summary.udf_name, 80),
    description: [count, last, ...kinds].join(' · '),
    detail: error ? error : summary.sample_error === null ? 'No stderr: infrastructure failure or run that never completed' : 'stderr is blank',
  };
}
