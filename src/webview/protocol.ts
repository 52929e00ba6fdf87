// The message protocol of the record details webview, both directions, as discriminated
// unions. Shared by the extension host and the browser script (src/webview/app/), so it
// holds only types and pure functions: no `vscode`, no Node, no DOM.
//
// The webview is treated as untrusted input: a record's fields are attacker-controlled text
// (HTML, markdown, ANSI), so everything the webview sends back is validated by
// `parseWebviewMessage` before the host acts on it.

import { isRecordId } from '../api/recordId';
import type { RunStatus } from '../api/types';

/** The panel's `viewType`; also the `onWebviewPanel:` activation event. */
export { DETAILS_VIEW_TYPE } from '../shared/contributions';

/** The 15 record fields of the contract, plus the derived status, as the webview labels them. */
export type DetailsField =
  | 'id'
  | 'udf_name'
  | 'udf_id'
  | 'timestamp'
  | 'status'
  | 'user_email'
  | 'user_id'
  | 'client_ip'
  | 'shared_token'
  | 'exec_env_id'
  | 'execution_engine'
  | 'execution_time'
  | 'cache'
  | 'stderr'
  | 'stdout'
  | 'udf_data';

/**
 * How a field came back: `value` (non-empty), `empty` (an empty or blank string),
 * `null` (explicitly null) or `absent` (the key was not in the record).
 */
export type FieldState = 'value' | 'empty' | 'null' | 'absent';

export interface FieldRow {
  field: DetailsField;
  label: string;
  state: FieldState;
  /** The value as text, control characters made visible; '' unless state is `value`/`empty`. */
  text: string;
  /** A second reading of the value (ISO time, raw seconds), shown dimmed. */
  secondary?: string;
  /** Identifiers and code-like values are shown in the editor font. */
  monospace: boolean;
}

export type GroupKey = 'run' | 'who' | 'where' | 'outcome';

export interface FieldGroup {
  key: GroupKey;
  title: string;
  rows: FieldRow[];
}

export type PreviewField = 'stderr' | 'stdout' | 'udf_data';

/** A bounded piece of a long text field, so a 10 MB stderr never reaches the webview whole. */
export interface TextPreview {
  field: PreviewField;
  label: string;
  state: FieldState;
  /** `head`: the first lines; `tail`: the last lines (stderr, where the exception is). */
  mode: 'head' | 'tail';
  /** ANSI escapes removed, other control characters made visible. */
  text: string;
  totalChars: number;
  totalLines: number;
  shownLines: number;
  truncated: boolean;
  /** e.g. "Last 40 of 1,204 lines (96 KB)". */
  note: string;
  /** The action that opens the whole field as a document. */
  openAction: Extract<RecordAction, 'openCode' | 'openStderr' | 'openStdout'>;
}

export interface HeaderModuleSummary {
  module_name: string;
  lines: number;
  /** Where the SDK read it from, when it recorded only a reference. */
  reference?: string;
}

/** What `udf_data` turned out to hold (see src/shared/udfData.ts). */
export interface UdfDataSummary {
  kind: 'serialized' | 'code' | 'text' | 'missing';
  kindLabel: string;
  name?: string;
  entrypoint?: string;
  /** Pretty-printed JSON, bounded. */
  metadata?: string;
  parameters?: string;
  headers: HeaderModuleSummary[];
}

/** Everything the webview shows, computed on the host from one record. */
export interface RecordView {
  id: string;
  /** The panel title: UDF name and local time. */
  title: string;
  heading: string;
  udfName: string | null;
  status: RunStatus;
  statusLabel: string;
  localTime: string;
  isoTime: string;
  /** "3 min ago", or a warning when the record is dated in the future. */
  relative: string;
  cache: 'hit' | 'miss' | 'unknown';
  groups: FieldGroup[];
  previews: TextPreview[];
  udfData: UdfDataSummary;
}

// ---------------------------------------------------------------------------------------------
// Host → webview

export type HostMessage =
  /** A fetch started; `refreshing` keeps the current content on screen meanwhile. */
  | { type: 'loading'; id: string; refreshing: boolean }
  | { type: 'record'; id: string; view: RecordView }
  | { type: 'error'; id: string; message: string };

// ---------------------------------------------------------------------------------------------
// Webview → host

/** Buttons of the panel. All but copyId and refresh run the documents feature's commands. */
export const RECORD_ACTIONS = [
  'openCode',
  'openUdfData',
  'openStderr',
  'openStdout',
  'compareWithLocalFile',
  'compareWithPreviousRun',
  'copyId',
  'refresh',
] as const;
export type RecordAction = (typeof RECORD_ACTIONS)[number];

export type WebviewMessage =
  /** The script has loaded and wants the record (sent again after the panel is re-shown). */
  | { type: 'ready' }
  | { type: 'action'; action: RecordAction; id: string }
  /** Open one of a serialized UDF's header modules as its own document. */
  | { type: 'openHeader'; id: string; module_name: string };

/** State the webview keeps across reloads (`vscode.setState`); the serializer reads it back. */
export interface DetailsState {
  id: string;
  /** Where the page was scrolled, so a re-shown (hidden panels are released) or restored panel keeps its place. */
  scrollY?: number;
}

export type ParseResult = { ok: true; message: WebviewMessage } | { ok: false; reason: string };

const MAX_MODULE_NAME = 200;

/**
 * Checks a message from the webview: a known `type`, exactly the expected keys with the
 * expected types, and — for anything that acts on a record — the panel's own record id.
 * Anything else is refused with a reason for the log.
 */
export function parseWebviewMessage(value: unknown, panelRecordId: string): ParseResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: `expected an object, got ${describe(value)}` };
  }
  const message = value as Record<string, unknown>;
  const type = message.type;
  switch (type) {
    case 'ready': {
      const extra = unexpectedKeys(message, ['type']);
      if (extra) return { ok: false, reason: extra };
      return { ok: true, message: { type: 'ready' } };
    }
    case 'action': {
      const extra = unexpectedKeys(message, ['type', 'action', 'id']);
      if (extra) return { ok: false, reason: extra };
      if (typeof message.action !== 'string' || !(RECORD_ACTIONS as readonly string[]).includes(message.action)) {
        return { ok: false, reason: `unknown action ${describe(message.action)}` };
      }
      const idProblem = checkId(message.id, panelRecordId);
      if (idProblem) return { ok: false, reason: idProblem };
      return { ok: true, message: { type: 'action', action: message.action as RecordAction, id: panelRecordId } };
    }
    case 'openHeader': {
      const extra = unexpectedKeys(message, ['type', 'id', 'module_name']);
      if (extra) return { ok: false, reason: extra };
      const idProblem = checkId(message.id, panelRecordId);
      if (idProblem) return { ok: false, reason: idProblem };
      const name = message.module_name;
      if (typeof name !== 'string' || name.length === 0 || name.length > MAX_MODULE_NAME) {
        return { ok: false, reason: `module_name must be a non-empty string of at most ${MAX_MODULE_NAME} characters, got ${describe(name)}` };
      }
      return { ok: true, message: { type: 'openHeader', id: panelRecordId, module_name: name } };
    }
    default:
      return { ok: false, reason: `unknown message type ${describe(type)}` };
  }
}

/** The serializer's input: whatever the webview last stored, possibly from an older version. */
export function parseDetailsState(value: unknown): DetailsState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as Record<string, unknown>).id;
  return isRecordId(id) ? { id } : undefined;
}

function checkId(id: unknown, panelRecordId: string): string | undefined {
  if (typeof id !== 'string') return `id must be a string, got ${describe(id)}`;
  if (id !== panelRecordId) return `id ${describe(id)} is not this panel's record (${panelRecordId})`;
  return undefined;
}

function unexpectedKeys(message: Record<string, unknown>, allowed: string[]): string | undefined {
  const extra = Object.keys(message).filter((key) => !allowed.includes(key));
  return extra.length ? `unexpected key(s) ${extra.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')} in a message of type ${String(message.type)}` : undefined;
}

/** A short, log-safe description of an untrusted value. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
