// What the UI reads audit logs from: the HTTP client (default) or the user's own fused
// Python SDK (for when the REST path is unknown or the SDK's sign-in is preferred).
import type { AuditLogPage, AuditLogQuery, AuditLogRecord } from './types';

export interface AuditLogSource {
  /** Where the data comes from, for the log and error messages. */
  readonly description: string;
  query(query: AuditLogQuery, options?: { signal?: AbortSignal }): Promise<AuditLogPage>;
  getRecord(id: string, options?: { signal?: AbortSignal }): Promise<AuditLogRecord>;
  close(): Promise<void>;
}
