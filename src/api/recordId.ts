// What counts as an audit-log record id. The contract documents a UUID string, but a server may
// hand out other ids; any non-empty string is accepted, so every run that is listed can also be
// opened. Ids are never trusted as markup or paths: they are percent-encoded in fused-run: URIs
// (src/shared/runUri.ts), JSON in command arguments and webview state, a query parameter in
// requests, and shown through src/text/safeText.ts. Pure: shared with the webview script.

/** Longer ids are refused (a guard against runaway input, far above any real id). */
export const MAX_RECORD_ID_LENGTH = 1024;

export function isRecordId(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= MAX_RECORD_ID_LENGTH;
}
