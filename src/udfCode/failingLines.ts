// Which lines of a file get a "this line raised" diagnostic: for each `@fused.udf` function, the
// latest run known for its saved name, mapped by failingLine() when that run failed and its code
// is the local code. The latest run per name is kept across loads (the hovers' reads, the code
// lenses' shared page), so an older page answering late never hides a newer run. Pure: the VS Code adapter is udfEditor/failingLineDiagnostics.ts.
import { isNewerRun } from '../api/instants';
import type { AuditLogRecord } from '../api/types';
import { failingLine, type FailingLine } from './failingLine';

/** A local function and the saved name its runs are asked under. */
export interface NamedFunction {
  name: string;
  functionName: string;
  firstLine: number;
  lastLine: number;
}

export interface FailingLineAt extends FailingLine {
  name: string;
  record: AuditLogRecord;
}

/** The latest run seen per UDF name. */
export class LatestRuns {
  private readonly byName = new Map<string, AuditLogRecord>();

  /** Keeps `records`' newest run for `name` when it is newer than the one known; says whether it changed. */
  offer(name: string, records: readonly AuditLogRecord[]): boolean {
    let newest = this.byName.get(name);
    const before = newest;
    for (const record of records) if (record.udf_name === name && (!newest || isNewerRun(record, newest))) newest = record;
    if (newest && newest !== before) this.byName.set(name, newest);
    return newest !== before;
  }

  /** offer() for every name among `records` (a page of many UDFs' runs); says whether any changed. */
  offerAll(records: readonly AuditLogRecord[]): boolean {
    const byName = new Map<string, AuditLogRecord[]>();
    for (const record of records) if (record.udf_name) byName.set(record.udf_name, [...(byName.get(record.udf_name) ?? []), record]);
    let changed = false;
    for (const [name, runs] of byName) changed = this.offer(name, runs) || changed;
    return changed;
  }

  get(name: string): AuditLogRecord | undefined {
    return this.byName.get(name);
  }

  clear(): void {
    this.byName.clear();
  }
}

/** The failing lines of one file: at most one per function, in the file's order. */
export function failingLinesOf(lines: readonly string[], functions: readonly NamedFunction[], latest: Pick<LatestRuns, 'get'>): FailingLineAt[] {
  const found: FailingLineAt[] = [];
  for (const fn of functions) {
    const record = latest.get(fn.name);
    if (!record) continue;
    const result = failingLine({ lines, firstLine: fn.firstLine, lastLine: fn.lastLine, functionName: fn.functionName }, record);
    if (result.ok) found.push({ ...result.failing, name: fn.name, record });
  }
  return found;
}
