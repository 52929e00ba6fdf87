// How the UI tests find a run's row. A run row's label is a relative time ("5 min ago") that
// changes while a test runs, so rows are found by the part of their accessible name that does
// not: "<UDF> run at <local time with zone>" (src/shared/presentation.ts, runRowText).
import type { AuditLogRecord } from '../../../src/api/types';
import { labelText } from '../../../src/text/safeText';
import { formatLocalTime } from '../../../src/time/format';
import type { TreeRow, TreeRowMatch } from './workbench';

type RunRef = Pick<AuditLogRecord, 'timestamp' | 'udf_name'> & Partial<Pick<AuditLogRecord, 'udf_id'>>;

/** The stable part of a run row's accessible name, e.g. "flaky_geocoder run at 2026-11-27 06:05:59 EST". */
export function runRowKey(record: RunRef): string {
  return `${labelText(record.udf_name ?? record.udf_id ?? 'Unnamed UDF', 60)} run at ${labelText(formatLocalTime(record.timestamp))}`;
}

/** A match for waitForTreeRow, expandTreeRow, treeContextMenu and hover. */
export function runRow(record: RunRef): TreeRowMatch {
  return { accessibleName: `${runRowKey(record)},` };
}

/** "<UDF> run at <local time>" in an accessible name "<when>, <status>, <UDF> run at <local time>, …". */
const KEY_IN_ACCESSIBLE_NAME = /^[^,]*, [^,]*, (.+? run at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?: [^,]+)?),/;

/**
 * A row's run key (runRowKey) read from its accessible name, or its label when it is not a run
 * row ("Load more…"), so a list of rows compares with deepEqual against records.map(runRowKey).
 */
export function rowKey(row: Pick<TreeRow, 'label' | 'ariaLabel'>): string {
  return KEY_IN_ACCESSIBLE_NAME.exec(row.ariaLabel)?.[1] ?? row.label;
}
