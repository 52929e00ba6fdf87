// Addresses of a run's read-only documents: `fused-run:/<udf_name>/<record_id>/<file>`.
// Everything a document needs is in its path, so a reloaded window reopens it from the URI
// alone. Pure (no `vscode` import): the adapter builds `Uri.from({ scheme, path })` from
// `runPath()` and reads `uri.path` back with `parseRunPath()`.
//
// Names come from records and may hold anything (`/`, `%`, spaces, unicode, control or
// bidi characters). Each segment escapes only what would break the path or spoof a tab
// title, as %XX of its UTF-8 bytes; readable names stay readable. `Uri.path` keeps these
// escapes verbatim (vscode.Uri encodes `%` as `%25` in its string form and decodes it back).

import * as l10n from '@vscode/l10n';
import { RUN_SCHEME } from './contributions';

export { RUN_SCHEME };

export type RunFile =
  | { kind: 'code' }
  | { kind: 'stderr' }
  | { kind: 'stdout' }
  /** The raw udf_data when it is neither Python nor the SDK's JSON (or to see it verbatim). */
  | { kind: 'udf_data' }
  | { kind: 'header'; module: string };

export type RunFileKind = RunFile['kind'];

export interface RunDocumentAddress {
  recordId: string;
  /** null when the record has no udf_name. */
  udfName?: string | null;
  file: RunFile;
}

export class RunUriError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunUriError';
  }
}

const FIXED_FILES: Record<Exclude<RunFileKind, 'header'>, string> = {
  code: 'code.py',
  stderr: 'stderr.log',
  stdout: 'stdout.log',
  udf_data: 'udf_data.txt',
};

const HEADERS_DIR = 'headers';
/** The segment that stands for a record without a udf_name (a real name `~` is escaped). */
const UNNAMED = '~';

/** Characters escaped in a segment: path syntax, escapes, control, and invisible/bidi formatting. */
// eslint-disable-next-line no-control-regex
const ESCAPED = /[%/\\?#\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/gu;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * One path segment. Lone UTF-16 surrogates (possible in JSON, impossible in UTF-8) become
 * U+FFFD: the only lossy case, and harmless because documents are fetched by record id.
 */
export function encodeSegment(value: string): string {
  if (value === '') throw new RunUriError(l10n.t('A fused-run path segment cannot be empty.'));
  if (value === '.' || value === '..' || value === UNNAMED) {
    // Dot segments would be collapsed by path normalisation; `~` alone means "unnamed".
    return [...value].map(percent).join('');
  }
  return value.replace(LONE_SURROGATE, '\uFFFD').replace(ESCAPED, percent);
}

export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new RunUriError(l10n.t('"{0}" is not a valid fused-run path segment (bad % escape).', segment));
  }
}

function percent(char: string): string {
  // encodeURIComponent leaves `~` and `.` alone; every other escaped character it encodes as UTF-8.
  return char === '~' || char === '.' ? `%${char.charCodeAt(0).toString(16).toUpperCase()}` : encodeURIComponent(char);
}

/** The file's name inside the run's folder, e.g. `code.py`, `headers/utils.py`. */
export function runFileName(file: RunFile): string {
  return file.kind === 'header' ? `${HEADERS_DIR}/${encodeSegment(file.module)}.py` : FIXED_FILES[file.kind];
}

/** `Uri.path` of a run document. */
export function runPath(address: RunDocumentAddress): string {
  if (!address.recordId) throw new RunUriError(l10n.t('A run document needs a record id.'));
  const name = address.udfName ? encodeSegment(address.udfName) : UNNAMED;
  return `/${name}/${encodeSegment(address.recordId)}/${runFileName(address.file)}`;
}

/** Reads a `Uri.path` back; throws RunUriError naming what is wrong. */
export function parseRunPath(path: string): RunDocumentAddress {
  const segments = path.replace(/^\/+/, '').split('/');
  if (segments.length < 3) {
    throw new RunUriError(l10n.t('"{0}" is not a fused-run document path; expected /<udf_name>/<record_id>/<file>.', path));
  }
  const [nameSegment, idSegment, ...rest] = segments;
  const udfName = nameSegment === UNNAMED ? null : decodeSegment(nameSegment);
  const recordId = decodeSegment(idSegment);
  if (!recordId) throw new RunUriError(l10n.t('"{0}" has an empty record id.', path));
  return { udfName, recordId, file: parseFile(rest, path) };
}

function parseFile(rest: string[], path: string): RunFile {
  if (rest.length === 1) {
    for (const [kind, fileName] of Object.entries(FIXED_FILES) as [Exclude<RunFileKind, 'header'>, string][]) {
      if (rest[0] === fileName) return { kind };
    }
  }
  if (rest.length === 2 && rest[0] === HEADERS_DIR && rest[1].endsWith('.py') && rest[1].length > 3) {
    return { kind: 'header', module: decodeSegment(rest[1].slice(0, -3)) };
  }
  throw new RunUriError(l10n.t('"{0}" names no run document; expected code.py, stderr.log, stdout.log, udf_data.txt or headers/<module>.py.', path));
}

/** Like parseRunPath, but undefined instead of an error (for "is this one of ours?" checks). */
export function tryParseRunPath(path: string): RunDocumentAddress | undefined {
  try {
    return parseRunPath(path);
  } catch {
    return undefined;
  }
}

/**
 * The path of a URI given as a string (`vscode.Uri.toString()`, percent-encoded once more),
 * without query or fragment. Strings written by hand without that extra encoding also work
 * unless they contain a `%` escape of their own.
 */
export function runPathFromUriString(uri: string): string | undefined {
  if (!uri.toLowerCase().startsWith(`${RUN_SCHEME}:`)) return undefined;
  let rest = uri.slice(RUN_SCHEME.length + 1);
  const cut = rest.search(/[?#]/);
  if (cut !== -1) rest = rest.slice(0, cut);
  if (rest.startsWith('//')) {
    // An authority (none is used) would precede the path: fused-run://authority/path.
    const slash = rest.indexOf('/', 2);
    rest = slash === -1 ? '/' : rest.slice(slash);
  }
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}

/** The run's folder (`/<name>/<id>`), shared by all its documents: used to group open documents. */
export function runFolder(address: Pick<RunDocumentAddress, 'recordId' | 'udfName'>): string {
  return runPath({ ...address, file: { kind: 'code' } }).slice(0, -'/code.py'.length);
}

/** The `#L12` fragment a link uses to open a document at a line (1-based). */
export function lineFragment(line: number): string {
  return `L${line}`;
}
