// How a run ended, from the record alone. The contract: stderr is only populated by UDF-level
// Python errors, and execution_time is null when the record was never updated (crash/timeout).

import type { AuditLogRecord, RunStatus } from './types';

/** stderr has something other than whitespace: a UDF-level error. */
export function hasError(record: Pick<AuditLogRecord, 'stderr'>): boolean {
  return typeof record.stderr === 'string' && record.stderr.trim() !== '';
}

/** execution_time is null or absent: the run never finished (possible crash or timeout). */
export function isIncomplete(record: Pick<AuditLogRecord, 'execution_time'>): boolean {
  return record.execution_time === null || record.execution_time === undefined;
}

/** The documented "failing" rule: has an error or never completed. */
export function isFailing(record: Pick<AuditLogRecord, 'stderr' | 'execution_time'>): boolean {
  return hasError(record) || isIncomplete(record);
}

/** failed (stderr) > incomplete (no execution_time) > cached > ok. */
export function runStatus(record: Pick<AuditLogRecord, 'stderr' | 'execution_time' | 'cache'>): RunStatus {
  if (hasError(record)) return 'failed';
  if (isIncomplete(record)) return 'incomplete';
  if (record.cache === true) return 'cached';
  return 'ok';
}
