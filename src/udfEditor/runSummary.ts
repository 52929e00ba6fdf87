// Summarises a UDF's recent runs for a hover: counts by status, typical duration, the last
// run and its error. Pure, so the numbers are unit-tested against the contract's rules.
import { isNewerRun } from '../api/instants';
import type { AuditLogRecord, RunStatus } from '../api/types';

export interface RunSummary {
  total: number;
  counts: Record<RunStatus, number>;
  latest?: AuditLogRecord;
  latestFailure?: AuditLogRecord;
  /** Median execution_time in seconds over runs that completed, or undefined. */
  medianSeconds?: number;
}

export function summariseRuns(records: readonly AuditLogRecord[], statusOf: (record: AuditLogRecord) => RunStatus): RunSummary {
  const counts: Record<RunStatus, number> = { ok: 0, failed: 0, incomplete: 0, cached: 0 };
  let latest: AuditLogRecord | undefined;
  let latestFailure: AuditLogRecord | undefined;
  const durations: number[] = [];
  for (const record of records) {
    const status = statusOf(record);
    counts[status]++;
    // Instants, not text: "…T12:00:00+02:00" is older than "…T11:00:00Z".
    if (!latest || isNewerRun(record, latest)) latest = record;
    if (status === 'failed' || status === 'incomplete') {
      if (!latestFailure || isNewerRun(record, latestFailure)) latestFailure = record;
    }
    if (typeof record.execution_time === 'number' && Number.isFinite(record.execution_time)) durations.push(record.execution_time);
  }
  return { total: records.length, counts, latest, latestFailure, medianSeconds: median(durations) };
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A cache of summaries that answers hovers without waiting; entries expire after `ttlMs`. */
export class TimedCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 500,
    private readonly clock: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock() - entry.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.clock() });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
