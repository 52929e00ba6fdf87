// Serialises audit-log records to JSON Lines and CSV, one record at a time so an export of
// thousands of runs with multi-megabyte outputs is streamed, never built as one string.
// Pure: no `vscode`, no file system.
import * as l10n from '@vscode/l10n';
import { RECORD_FIELDS, type AuditLogRecord } from '../api/types';
import type { ExportFormat } from '../shared/commands';
import { csvCell } from '../text/safeText';

export const EXPORT_FORMATS: Record<ExportFormat, { label: string; extension: string; filterName: string }> = {
  // Getters: the names are looked up when shown, in the display language.
  jsonl: {
    get label() {
      return l10n.t('JSON Lines');
    },
    extension: 'jsonl',
    get filterName() {
      return l10n.t('JSON Lines');
    },
  },
  csv: {
    label: 'CSV',
    extension: 'csv',
    get filterName() {
      return l10n.t('CSV (comma-separated)');
    },
  },
};

/** Columns of the CSV export: every documented record field, in the reference's order. */
export const CSV_COLUMNS: readonly (keyof AuditLogRecord)[] = RECORD_FIELDS;

/** RFC 4180 record separator. */
const CRLF = '\r\n';

/**
 * One JSON Lines line. Every documented field is written (null when absent) so each line has
 * the same keys; unknown extra fields a server may add are kept after them.
 */
export function jsonlLine(record: AuditLogRecord): string {
  const ordered: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) ordered[field] = record[field] ?? null;
  for (const [key, value] of Object.entries(record)) if (!(key in ordered)) ordered[key] = value;
  // JSON.stringify escapes newlines inside strings, so one record is always one line.
  return `${JSON.stringify(ordered)}\n`;
}

export function csvHeader(): string {
  return CSV_COLUMNS.map((column) => csvCell(column)).join(',') + CRLF;
}

/**
 * One run as a CSV row. Cells that a spreadsheet could run as a formula start with an apostrophe
 * (remove one leading apostrophe to get the recorded text back); recorded UDF code in udf_data is
 * kept exact. See csvCell in src/text/safeText.ts. JSON Lines keeps every field exactly.
 */
export function csvRow(record: AuditLogRecord): string {
  return CSV_COLUMNS.map((column) => csvCell(record[column], column)).join(',') + CRLF;
}

/** The text written before the first record. */
export function exportPreamble(format: ExportFormat): string {
  return format === 'csv' ? csvHeader() : '';
}

export function exportLine(format: ExportFormat, record: AuditLogRecord): string {
  return format === 'csv' ? csvRow(record) : jsonlLine(record);
}

/** A file name for an export, from the query's title: `fused-runs-udf_name-census_join-2026-11-26.csv`. */
export function exportFileName(title: string, format: ExportFormat, now: Date): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  const day = now.toISOString().slice(0, 10);
  return `fused-runs${slug ? `-${slug}` : ''}-${day}.${EXPORT_FORMATS[format].extension}`;
}
