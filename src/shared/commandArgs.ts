// Commands run from a tree row, an editor title, a webview, a hover link or the palette.
// Each passes a different argument; this reads a run reference out of any of them.
import { isRecordId } from '../api/recordId';
import type { AuditLogRecord } from '../api/types';
import { RUN_SCHEME, runPathFromUriString, tryParseRunPath } from './runUri';

export interface RunRef {
  id: string;
  udf_name?: string | null;
  /** Present when the caller already had the full record (no fetch needed). */
  record?: AuditLogRecord;
}

export { isRecordId };

function isRecord(value: unknown): value is AuditLogRecord {
  return (
    typeof value === 'object' && value !== null && isRecordId((value as AuditLogRecord).id) && typeof (value as AuditLogRecord).timestamp === 'string'
  );
}

/**
 * Accepts: a record; an object with `record` (tree nodes); an object with `runRef`;
 * `{ id }` / `{ recordId }` (hover links, webview messages); a `fused-run:` URI (or its string);
 * a bare record id.
 */
export function extractRunRef(arg: unknown): RunRef | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (typeof arg === 'string') {
    const uriPath = runPathFromUriString(arg);
    if (uriPath !== undefined) return runRefFromPath(uriPath);
    return isRecordId(arg) ? { id: arg } : undefined;
  }
  if (typeof arg !== 'object') return undefined;
  if (isRecord(arg)) return { id: arg.id, udf_name: arg.udf_name, record: arg };
  const obj = arg as Record<string, unknown>;
  // A vscode.Uri (or its serialized UriComponents): `path` holds the document path as built.
  if (obj.scheme === RUN_SCHEME && typeof obj.path === 'string') return runRefFromPath(obj.path);
  if (isRecord(obj.record)) return { id: obj.record.id, udf_name: obj.record.udf_name, record: obj.record };
  if (obj.runRef && typeof obj.runRef === 'object') return extractRunRef(obj.runRef);
  const id = obj.id ?? obj.recordId;
  if (isRecordId(id)) return { id, udf_name: typeof obj.udf_name === 'string' ? obj.udf_name : undefined };
  return undefined;
}

/** `Uri.path` of a `fused-run:/<udf_name>/<record_id>/<file>` document (see src/shared/runUri.ts) → the record it shows. */
export function runRefFromPath(path: string): RunRef | undefined {
  const address = tryParseRunPath(path);
  if (!address || !isRecordId(address.recordId)) return undefined;
  return { id: address.recordId, udf_name: address.udfName };
}
