// What went wrong in a failed run, read from its stderr, and the key that groups failures of the
// same kind: the exception type and its message with the parts that change from run to run
// (numbers, ids, paths, URLs) masked. Pure (no `vscode`), shared by the insights panel and the
// watch's notifications, and unit-tested on the tracebacks the local server writes.

import { stripAnsi } from '../text/ansi';
import type { AuditLogRecord } from '../api/types';
import { hasError, isIncomplete } from '../api/status';

export interface ParsedError {
  /** `KeyError`, `requests.exceptions.HTTPError`, `UserWarning`; or a label of ours in parentheses. */
  type: string;
  /** The message as Python printed it (one line, ANSI removed), '' when the exception had none. */
  message: string;
}

/** A failure that never wrote to stderr: the record was never updated (crash, timeout). */
export const DID_NOT_FINISH: ParsedError = { type: '(did not finish)', message: 'no execution time and no stderr: a crash or a timeout' };
/** stderr that holds no exception line (progress bars, prints). */
export const NO_EXCEPTION_TYPE = '(no exception)';

/** Only the end of stderr is read: the exception of a 10 MB log is on its last lines. */
const TAIL_CHARS = 8192;
const MAX_MESSAGE = 300;

/** `Type: message` or a bare `Type`, where Type is a (dotted) Python class name. */
const EXCEPTION_LINE = /^([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)(?::[ \t]?(.*))?$/;
/** `path/to/file.py:751: UserWarning: message`: how `warnings` prints. */
const WARNING_LINE = /^.*?:\d+: ([A-Za-z_][\w]*(?:Warning|Error))(?::[ \t]?(.*))?$/;
/** A bare name counts only when it reads like an exception class (not a stray word on its own line). */
const EXCEPTION_NAME = /(?:Error|Exception|Warning|Exit|Interrupt|Timeout|Fault|Failure|Abort(?:ed)?|StopIteration)$/;

/**
 * The exception a run's stderr ends with. For a Python traceback it is the last line that is
 * not indented (`KeyError: 'lat'`); for a `warnings` line it is the warning class; stderr
 * without either gives `(no exception)` with its last line as the message. A failing run with
 * no stderr at all gives DID_NOT_FINISH; a run that did not fail gives undefined.
 */
export function parseFailure(record: Pick<AuditLogRecord, 'stderr' | 'execution_time'>): ParsedError | undefined {
  if (hasError(record)) return parseStderr(record.stderr as string);
  if (isIncomplete(record)) return DID_NOT_FINISH;
  return undefined;
}

export function parseStderr(stderr: string): ParsedError {
  const tail = stderr.length > TAIL_CHARS ? stderr.slice(-TAIL_CHARS) : stderr;
  // Progress bars rewrite their line with CR: each piece is a line of its own.
  const lines = stripAnsi(tail)
    .text.split(/\r\n|\n|\r/)
    .map((line) => line.replace(/\s+$/, ''))
    .filter((line) => line.trim() !== '');
  if (lines.length === 0) return { type: NO_EXCEPTION_TYPE, message: '' };
  const tracebackAt = lines.map((line) => line.startsWith('Traceback (most recent call last)')).lastIndexOf(true);
  if (tracebackAt >= 0) {
    // The exception is the first unindented line after the last traceback's frames; a message
    // of several lines continues below it.
    for (let i = tracebackAt + 1; i < lines.length; i++) {
      if (/^\s/.test(lines[i])) continue;
      const match = EXCEPTION_LINE.exec(lines[i]);
      if (match) return { type: match[1], message: oneLine(match[2] ?? '') };
      // An exception whose class name has odd characters: keep the line whole.
      return { type: NO_EXCEPTION_TYPE, message: oneLine(lines[i]) };
    }
  }
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (/^\s/.test(line)) continue;
    const warning = WARNING_LINE.exec(line);
    if (warning) return { type: warning[1], message: oneLine(warning[2] ?? '') };
    const match = EXCEPTION_LINE.exec(line);
    // `Predicting: 100%|…` is not an exception; `KeyError: 'lat'` and `pkg.mod.Boom: …` are.
    if (match && (EXCEPTION_NAME.test(match[1]) || (match[2] !== undefined && match[1].includes('.')))) {
      return { type: match[1], message: oneLine(match[2] ?? '') };
    }
  }
  return { type: NO_EXCEPTION_TYPE, message: oneLine(lines[lines.length - 1]) };
}

function oneLine(text: string): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return collapsed.length > MAX_MESSAGE ? `${collapsed.slice(0, MAX_MESSAGE - 1)}…` : collapsed;
}

// Order matters: URLs before paths (a URL holds a path), paths and ids before numbers (both
// hold digits), so each masked part becomes one placeholder.
const MASKS: readonly [RegExp, string][] = [
  // URLs, including s3://, gs://, file://.
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>()\]]+/gi, '<path>'],
  // POSIX paths of two or more segments (/vsis3/fused/x.tif, ./data/a.csv, ~/x/y), Windows paths.
  [/(?:~|\.{1,2})?(?:\/[\w.@%+=,$-]+){2,}\/?/g, '<path>'],
  [/\b[A-Za-z]:\\[^\s'"<>]+/g, '<path>'],
  // UUIDs, then long hex runs (hashes, H3 cells, object ids), then long tokens with letters and at
  // least three digits (share tokens, generated names; not class names such as H3LatLngDomainError).
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<id>'],
  [/\b(?=(?:[A-Za-z_]*\d){3})(?=\w*[A-Za-z])\w{12,}\b/g, '<id>'],
  // Numbers that stand alone (not part of a name such as s2_indices or H3LatLng).
  [/(?<![\w.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w])/gi, '<n>'],
];

/**
 * A message with what varies between runs of the same failure masked: numbers (`<n>`), ids
 * (`<id>`: UUIDs, hex hashes, long letter-and-digit tokens) and paths and URLs (`<path>`).
 * Quoted words stay (`KeyError: 'lat'` is not `KeyError: 'lon'`).
 */
export function normaliseMessage(message: string): string {
  let text = message;
  for (const [pattern, replacement] of MASKS) text = text.replace(pattern, replacement);
  return oneLine(text);
}

/** The group a failure belongs to. */
export function errorKey(error: ParsedError): string {
  return `${error.type}\u0000${normaliseMessage(error.message)}`;
}

/** One line for a notification or a table: `KeyError: 'lat'`, or the type alone. */
export function describeError(error: ParsedError, max = 160): string {
  const text = error.message ? `${error.type}: ${error.message}` : error.type;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
