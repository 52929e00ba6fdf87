// "Compare with Previous Run": the same UDF's latest earlier run whose code differs. Pure: it
// reads pages (newest first) from any async source, so the paging and budget are unit-tested.
import type { AuditLogQuery, AuditLogRecord } from '../api/types';
import { parseUdfData } from '../shared/udfData';

/** The code a run executed, normalised for comparison; undefined when it recorded none. */
export function comparableCode(record: AuditLogRecord): string | undefined {
  const parsed = parseUdfData(record.udf_data);
  if (parsed.kind === 'missing') return undefined;
  return (parsed.code ?? parsed.raw).replace(/\r\n?/g, '\n');
}

/** The query for the same UDF's runs up to this one, newest first; undefined when the run names no UDF. */
export function sameUdfQuery(current: AuditLogRecord, pageSize = 100): AuditLogQuery | undefined {
  const query: AuditLogQuery = { scan_forward: false, limit: pageSize };
  if (current.udf_id) query.udf_id = current.udf_id;
  else if (current.udf_name) query.udf_name = current.udf_name;
  else return undefined;
  // Inclusive end: the current run (and ties at its timestamp) come first, then older runs.
  if (/[zZ]$|[+-]\d{2}:\d{2}$/.test(current.timestamp)) query.end_timestamp = current.timestamp;
  return query;
}

export interface PreviousRunResult {
  /** The latest earlier run whose code differs from the current run's. */
  found?: AuditLogRecord;
  /** Earlier runs seen (newest first), for a pick list when nothing differs. */
  earlier: AuditLogRecord[];
  /** Earlier runs with the same code as the current one. */
  sameCode: number;
  /** True when the budget (records or pages) ran out before the history did. */
  budgetSpent: boolean;
}

/**
 * Walks the same UDF's runs newest first. A run is earlier when its timestamp is earlier, or
 * equal but listed after the current run (the server's tie order). Runs without code are
 * skipped. Stops at the first earlier run whose code differs, or after `maxRecords`.
 */
export async function findPreviousRunWithDifferentCode(
  current: AuditLogRecord,
  pages: AsyncIterable<{ items: readonly AuditLogRecord[]; stoppedBy?: string }>,
  maxRecords: number,
): Promise<PreviousRunResult> {
  const currentCode = comparableCode(current);
  const currentMs = Date.parse(current.timestamp);
  const earlier: AuditLogRecord[] = [];
  let sameCode = 0;
  let seen = 0;
  let seenCurrent = false;
  for await (const page of pages) {
    for (const record of page.items) {
      seen++;
      if (record.id === current.id) {
        seenCurrent = true;
        continue;
      }
      const ms = Date.parse(record.timestamp);
      const isEarlier = ms < currentMs || (ms === currentMs && seenCurrent);
      if (!isEarlier) continue;
      earlier.push(record);
      const code = comparableCode(record);
      if (code === undefined) continue;
      if (code !== currentCode) return { found: record, earlier, sameCode, budgetSpent: false };
      sameCode++;
    }
    // A page bound (short pages) ends the search as surely as the record budget does.
    if (seen >= maxRecords || page.stoppedBy) return { earlier, sameCode, budgetSpent: true };
  }
  return { earlier, sameCode, budgetSpent: false };
}
