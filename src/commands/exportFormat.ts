// Serialises audit-log records to JSON Lines and CSV, one record at a time so an export of
// thousands of runs with multi-megabyte outputs is streamed, never built as one string.
// Pure: no `vscode`, no file system.
import { RECORD_FIELDS, type AuditLogRecord } from '../api/types';

export type ExportFormat = 'jsonl' | 'csv';

export const EXPORT_FORMATS: Record<ExportFormat, { label: string; extension: string; filterName: string }> = {
  jsonl: { label: 'JSON Lines', extension: 'jsonl', filterName: 'JSON Lines' },
  csv: { label: 'CSV', extension: 'csv', filterName: 'CSV (comma-separated)' },
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

/**
 * Spreadsheet apps run a cell that starts with = + - @ (or tab / carriage return, which some
 * strip before looking) as a formula: a record's stderr could then call out to the network.
 * Such text cells get a leading apostrophe, OWASP's recommended neutraliser.
 */
export function guardFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One CSV cell (RFC 4180): quoted when it holds a quote, comma, CR or LF; quotes doubled. */
export function csvCell(value: unknown, options: { guardFormulas?: boolean } = {}): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'string') text = options.guardFormulas === false ? value : guardFormula(value);
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else text = JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return CSV_COLUMNS.map((column) => csvCell(column)).join(',') + CRLF;
}

export function csvRow(record: AuditLogRecord, options: { guardFormulas?: boolean } = {}): string {
  return CSV_COLUMNS.map((column) => csvCell(record[column], options)).join(',') + CRLF;
}

/** The text written before the first record. */
export function exportPreamble(format: ExportFormat): string {
  return format === 'csv' ? csvHeader() : '';
}

export function exportLine(format: ExportFormat, record: AuditLogRecord): string {
  return format === 'csv' ? csvRow(record) : jsonlLine(record);
}

/**
 * Parses CSV text written by csvRow (RFC 4180, quoted fields with doubled quotes and line
 * breaks). Used by tests and to check a written file; not a general CSV reader.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  const endRow = () => {
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    let cell: string;
    if (text[i] === '"') {
      // Quoted: copy runs of text between quotes; a doubled quote is one quote.
      const parts: string[] = [];
      let from = i + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) throw new Error('CSV ends inside a quoted field.');
        parts.push(text.slice(from, quote));
        if (text[quote + 1] === '"') {
          parts.push('"');
          from = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      cell = parts.join('');
    } else {
      let stop = i;
      while (stop < text.length && text[stop] !== ',' && !(text[stop] === '\r' && text[stop + 1] === '\n')) stop++;
      cell = text.slice(i, stop);
      i = stop;
    }
    row.push(cell);
    if (text[i] === ',') {
      i++;
      if (i === text.length) row.push('');
    } else if (text[i] === '\r' && text[i + 1] === '\n') {
      i += 2;
      endRow();
    } else if (i < text.length) {
      throw new Error(`Unexpected character after a quoted CSV field at offset ${i}.`);
    }
  }
  if (row.length > 0) endRow();
  return rows;
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
