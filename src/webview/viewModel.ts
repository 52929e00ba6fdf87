// Builds what the details webview shows from one audit-log record: every field of the
// contract, grouped, formatted, with bounded previews of the long text fields. Pure (no
// `vscode`), so it is unit-tested in Node and the webview only ever lays out text.

import * as l10n from '@vscode/l10n';
import { runStatus } from '../api/status';
import type { AuditLogRecord } from '../api/types';
import { parseUdfData } from '../shared/udfData';
import { stripAnsi } from '../text/ansi';
import { oneLine, visibleText } from '../text/safeText';
import { countText } from '../text/counts';
import { formatDuration, formatLocalMinutes, formatLocalTime, relativeTime, statusPresentation } from '../shared/presentation';
import type { DetailsField, FieldGroup, FieldRow, FieldState, GroupKey, PreviewField, RecordView, TextPreview, UdfDataSummary } from './protocol';

/** Bounds of a preview: whichever is reached first. */
export interface PreviewBounds {
  maxLines: number;
  maxChars: number;
}

export const DEFAULT_PREVIEW_BOUNDS: PreviewBounds = { maxLines: 40, maxChars: 4096 };

/** Metadata/parameters JSON is shown whole up to this size, then cut. */
const MAX_JSON_CHARS = 8192;

export interface ViewOptions {
  now?: Date;
  /** IANA zone for local times; the process zone when unset. */
  timeZone?: string;
  bounds?: PreviewBounds;
}

type RecordKey = Exclude<DetailsField, 'status'>;

interface RowSpec {
  field: DetailsField;
  label: string;
  monospace: boolean;
}

/** The groups and their order. stderr/stdout/udf_data are the previews of the outcome group. */
function groupSpecs(): { key: GroupKey; title: string; rows: RowSpec[] }[] {
  // Made when a view is built, so titles and labels are in the display language.
  return [
  {
    key: 'run',
    title: l10n.t('Run'),
    rows: [
      { field: 'id', label: l10n.t('Record ID'), monospace: true },
      { field: 'udf_name', label: l10n.t('UDF name'), monospace: true },
      { field: 'udf_id', label: l10n.t('UDF ID'), monospace: true },
      { field: 'timestamp', label: l10n.t('Time'), monospace: false },
      { field: 'status', label: l10n.t('Status'), monospace: false },
    ],
  },
  {
    key: 'who',
    title: l10n.t('Who'),
    rows: [
      { field: 'user_email', label: l10n.t('User email'), monospace: false },
      { field: 'user_id', label: l10n.t('User ID'), monospace: true },
      { field: 'client_ip', label: l10n.t('Client IP'), monospace: true },
      { field: 'shared_token', label: l10n.t('Shared token'), monospace: true },
    ],
  },
  {
    key: 'where',
    title: l10n.t('Where'),
    rows: [
      { field: 'exec_env_id', label: l10n.t('Execution environment'), monospace: true },
      { field: 'execution_engine', label: l10n.t('Engine'), monospace: false },
    ],
  },
  {
    key: 'outcome',
    title: l10n.t('Outcome'),
    rows: [
      { field: 'execution_time', label: l10n.t('Duration'), monospace: false },
      { field: 'cache', label: l10n.t('Cache'), monospace: false },
    ],
  },
];
}

function previewSpecs(): { field: PreviewField; label: string; mode: 'head' | 'tail'; openAction: TextPreview['openAction'] }[] {
  return [
  { field: 'stderr', label: 'stderr', mode: 'tail', openAction: 'openStderr' },
  { field: 'stdout', label: 'stdout', mode: 'head', openAction: 'openStdout' },
  { field: 'udf_data', label: l10n.t('Code (udf_data)'), mode: 'head', openAction: 'openCode' },
];
}

export function buildRecordView(record: AuditLogRecord, options: ViewOptions = {}): RecordView {
  const now = options.now ?? new Date();
  const bounds = options.bounds ?? DEFAULT_PREVIEW_BOUNDS;
  const status = runStatus(record);
  const statusLabel = statusPresentation(status).label;
  const localTime = formatLocalTime(record.timestamp, options.timeZone);
  const udfName = typeof record.udf_name === 'string' && record.udf_name.trim() ? record.udf_name : null;
  // Long names are cut in the heading and title; the Run group shows the whole value.
  const displayName = oneLine(udfName ?? record.udf_id ?? l10n.t('Unnamed UDF'), 80) || l10n.t('Unnamed UDF');

  const groups: FieldGroup[] = groupSpecs().map((group) => ({
    key: group.key,
    title: group.title,
    rows: group.rows.map((spec) => fieldRow(record, spec, statusLabel, localTime)),
  }));

  const parsedUdf = parseUdfData(record.udf_data);
  const previews = previewSpecs().map((spec) => {
    // For a serialized UDF the preview shows its Python code, not the JSON around it.
    const source = spec.field === 'udf_data' && parsedUdf.kind === 'serialized' ? parsedUdf.code : undefined;
    return textPreview(record, spec, bounds, source);
  });

  return {
    id: record.id,
    title: `${oneLine(displayName, 40)} · ${oneLine(formatLocalMinutes(record.timestamp, options.timeZone), 40)}`,
    heading: displayName,
    udfName: udfName === null ? null : visibleText(udfName),
    status,
    statusLabel,
    localTime: visibleText(localTime),
    isoTime: visibleText(record.timestamp),
    relative: relativeTime(record.timestamp, now),
    cache: record.cache === true ? 'hit' : record.cache === false ? 'miss' : 'unknown',
    groups,
    previews,
    udfData: udfDataSummary(parsedUdf),
  };
}


export function fieldState(record: AuditLogRecord, field: RecordKey): FieldState {
  if (!Object.prototype.hasOwnProperty.call(record, field) || record[field] === undefined) return 'absent';
  const value = record[field];
  if (value === null) return 'null';
  if (typeof value === 'string' && value.trim() === '') return 'empty';
  return 'value';
}

function fieldRow(record: AuditLogRecord, spec: RowSpec, statusLabel: string, localTime: string): FieldRow {
  if (spec.field === 'status') {
    return { field: 'status', label: spec.label, state: 'value', text: statusLabel, monospace: false };
  }
  const field = spec.field;
  const state = fieldState(record, field);
  const row: FieldRow = { field, label: spec.label, state, text: '', monospace: spec.monospace };
  if (state === 'absent' || state === 'null') return row;
  const value = record[field];
  switch (field) {
    case 'timestamp':
      row.text = visibleText(localTime);
      row.secondary = visibleText(String(value));
      break;
    case 'execution_time':
      row.text = typeof value === 'number' ? formatDuration(value) : visibleText(String(value));
      if (typeof value === 'number') row.secondary = l10n.t('{0} s', value);
      break;
    case 'cache':
      row.text = value === true ? l10n.t('hit (served from cache)') : value === false ? l10n.t('miss') : visibleText(String(value));
      break;
    default:
      row.text = visibleText(String(value));
  }
  return row;
}

/**
 * The first (head) or last (tail) lines of a text field within the bounds. Works on a slice
 * near the end it reads, so a 10 MB field costs one linear line count and a small copy.
 */
export function textPreview(
  record: AuditLogRecord,
  spec: { field: PreviewField; label: string; mode: 'head' | 'tail'; openAction: TextPreview['openAction'] },
  bounds: PreviewBounds = DEFAULT_PREVIEW_BOUNDS,
  sourceOverride?: string,
): TextPreview {
  const state = fieldState(record, spec.field);
  const base: TextPreview = { field: spec.field, label: spec.label, state, mode: spec.mode, text: '', totalChars: 0, totalLines: 0, shownLines: 0, truncated: false, note: '', openAction: spec.openAction };
  if (state === 'absent') return { ...base, note: l10n.t('Not in this record') };
  if (state === 'null') return { ...base, note: 'null' };
  const text = sourceOverride ?? String(record[spec.field]);
  // Logs lose their ANSI colour codes (the documents show the colours); code keeps every character, made visible.
  const bounded = boundText(text, spec.mode, bounds, spec.field !== 'udf_data');
  const totalLines = countLines(text);
  return {
    ...base,
    text: bounded.text,
    totalChars: text.length,
    totalLines,
    shownLines: bounded.lines,
    truncated: bounded.truncated,
    note: previewNote(spec.mode, bounded, totalLines, text.length, state),
  };
}

export interface BoundedText {
  text: string;
  lines: number;
  truncated: boolean;
}

/**
 * Head or tail of `text`, at most `maxLines` lines and `maxChars` characters, made safe to show:
 * ANSI escape sequences removed (for logs, `stripAnsiCodes`), every other control or invisible
 * character shown as ⟨U+XXXX⟩.
 */
export function boundText(text: string, mode: 'head' | 'tail', bounds: PreviewBounds = DEFAULT_PREVIEW_BOUNDS, stripAnsiCodes = true): BoundedText {
  // Read a window a little larger than the bound (ANSI codes are removed afterwards), never the whole text.
  const window = bounds.maxChars * 2;
  let slice = mode === 'head' ? text.slice(0, window) : text.slice(Math.max(0, text.length - window));
  const slicedAway = slice.length < text.length;
  slice = slice.replace(/\r\n?/g, '\n');
  let lines = slice.split('\n');
  // A trailing newline ends the last line; it does not start an empty one.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  // The window may have cut the first (tail) or last (head) line; drop the fragment when there are others.
  if (slicedAway && lines.length > 1) lines = mode === 'head' ? lines.slice(0, -1) : lines.slice(1);
  let truncated = slicedAway;
  if (lines.length > bounds.maxLines) {
    lines = mode === 'head' ? lines.slice(0, bounds.maxLines) : lines.slice(lines.length - bounds.maxLines);
    truncated = true;
  }
  let shown = lines.map((line) => visibleText(stripAnsiCodes ? stripAnsi(line).text : line)).join('\n');
  if (shown.length > bounds.maxChars) {
    shown = mode === 'head' ? shown.slice(0, safeCut(shown, bounds.maxChars)) : shown.slice(safeCut(shown, shown.length - bounds.maxChars));
    truncated = true;
  }
  return { text: shown, lines: shown === '' ? 0 : countLines(shown), truncated };
}

/** Index adjusted so a cut never splits a UTF-16 surrogate pair. */
function safeCut(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff ? index + 1 : index;
}

/** Lines as an editor counts them: a trailing newline does not add an empty last line. */
export function countLines(text: string): number {
  if (text === '') return 0;
  let lines = 1;
  let at = text.indexOf('\n');
  while (at !== -1) {
    if (at !== text.length - 1) lines++;
    at = text.indexOf('\n', at + 1);
  }
  return lines;
}

function previewNote(mode: 'head' | 'tail', bounded: BoundedText, totalLines: number, totalChars: number, state: FieldState): string {
  if (state === 'empty') return totalChars === 0 ? l10n.t('Empty') : l10n.t('Blank (whitespace only)');
  const size = formatSize(totalChars);
  const lines = countText(totalLines, l10n.t('{0} line'), l10n.t('{0} lines'));
  if (!bounded.truncated) return l10n.t('{0} ({1})', lines, size);
  const shown = bounded.lines.toLocaleString('en-US');
  return mode === 'head' ? l10n.t('First {0} of {1} ({2})', shown, lines, size) : l10n.t('Last {0} of {1} ({2})', shown, lines, size);
}

/** Characters as a size; close enough to bytes for the ASCII that logs mostly are. */
export function formatSize(chars: number): string {
  if (chars < 1024) return `${chars} B`;
  if (chars < 1024 * 1024) return `${(chars / 1024).toFixed(chars < 10 * 1024 ? 1 : 0)} KB`;
  return `${(chars / (1024 * 1024)).toFixed(1)} MB`;
}

function kindLabel(kind: UdfDataSummary['kind']): string {
  switch (kind) {
    case 'serialized':
      return l10n.t('Serialized UDF (JSON)');
    case 'code':
      return l10n.t('Python source');
    case 'text':
      return l10n.t('Text');
    case 'missing':
      return l10n.t('No code recorded');
  }
}

function udfDataSummary(parsed: ReturnType<typeof parseUdfData>): UdfDataSummary {
  const summary: UdfDataSummary = {
    kind: parsed.kind,
    kindLabel: kindLabel(parsed.kind),
    headers: parsed.headers.map((header) => ({
      module_name: visibleText(header.module_name),
      lines: countLines(header.source_code),
      ...(header.url || header.source_file ? { reference: visibleText(header.url ?? header.source_file ?? '') } : {}),
    })),
  };
  if (parsed.name !== undefined) summary.name = visibleText(parsed.name);
  if (parsed.entrypoint !== undefined) summary.entrypoint = visibleText(parsed.entrypoint);
  if (parsed.metadata !== undefined) summary.metadata = prettyJson(parsed.metadata);
  if (parsed.parameters !== undefined) summary.parameters = prettyJson(parsed.parameters);
  return summary;
}

/** JSON for reading, bounded; strings inside keep their escapes, so control characters stay visible. */
export function prettyJson(value: unknown, maxChars = MAX_JSON_CHARS): string {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    text = String(value);
  }
  text = visibleText(text);
  return text.length > maxChars ? `${text.slice(0, safeCut(text, maxChars))}\n${l10n.t('… ({0} in all; open the code document for the whole payload)', formatSize(text.length))}` : text;
}
