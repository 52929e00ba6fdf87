// Python traceback frames in a run's stderr, and which of them point into the run's own code.
// Pure and linear: frames are found with indexOf, never a regex over the whole (maybe 10 MB) log.
//
// Which frames link (the rule, in order):
// 1. Library and runtime frames never link: a file under site-packages/dist-packages, the
//    standard library (`/lib/pythonX.Y/`), `<frozen …>` modules, or a `fused` package/runtime
//    directory (e.g. `/opt/fused/runtime/executor.py`, `…/fused/_udf/…`).
// 2. A frame whose file name is one of the UDF's header modules (`<module_name>.py`, or the
//    header's recorded source_file name) links to that header document.
// 3. A frame is the UDF's own module when its function is the UDF's entrypoint (default
//    `udf`), or its file is named after the UDF (`<udf_name>.py`, `udf*.py`), or it is a
//    pseudo-file (`<udf>`, `<string>`, `<stdin>`). Other frames in a file already recognised
//    as the UDF's module (helpers defined in the UDF) link too.
// 4. The line must exist in the target document; a frame past its end does not link.
import { stripAnsi } from '../text/ansi';
import { oneLine } from '../text/safeText';


export interface TracebackFrame {
  /** The path between the quotes of `File "…"`. */
  file: string;
  /** 1-based line number. */
  line: number;
  /** The `in <name>` part, when present. */
  functionName?: string;
  /** Offsets (UTF-16 units) of `File "…", line N` in the text: the link's range. */
  start: number;
  end: number;
}

const FRAME_START = 'File "';
const LINE_MARK = '", line ';

/** Every `File "<path>", line <N>[, in <name>]` in the text, in order; at most `max` frames. */
export function findTracebackFrames(text: string, max = 5000): TracebackFrame[] {
  const frames: TracebackFrame[] = [];
  let from = 0;
  while (frames.length < max) {
    const start = text.indexOf(FRAME_START, from);
    if (start === -1) break;
    from = start + FRAME_START.length;
    // `File "` must start the line's content (after indentation), as Python prints it.
    if (!onlySpacesBefore(text, start)) continue;
    const lineEnd = endOfLine(text, from);
    const mark = text.indexOf(LINE_MARK, from);
    if (mark === -1 || mark > lineEnd) continue;
    const file = text.slice(from, mark);
    if (!file || file.length > 4096) continue;
    let cursor = mark + LINE_MARK.length;
    const digitsStart = cursor;
    while (cursor < lineEnd && cursor - digitsStart < 9 && isDigit(text.charCodeAt(cursor))) cursor++;
    if (cursor === digitsStart) continue;
    const line = Number(text.slice(digitsStart, cursor));
    if (line < 1) continue;
    const frame: TracebackFrame = { file, line, start, end: cursor };
    const rest = text.slice(cursor, Math.min(lineEnd, cursor + 512));
    if (rest.startsWith(', in ')) {
      const name = rest.slice(5).trim();
      if (name) frame.functionName = name;
    }
    frames.push(frame);
    from = cursor;
  }
  return frames;
}

export interface RunLinkContext {
  udfName?: string | null;
  /** The UDF's entrypoint function (serialized udf_data); `udf` when unknown. */
  entrypoint?: string;
  /** Lines in code.py. */
  codeLineCount: number;
  headers: { module_name: string; source_file?: string; lineCount: number }[];
}

export type FrameTarget = { kind: 'code'; line: number } | { kind: 'header'; module: string; line: number };

/** For each frame, the run document and line it points into, or undefined (see the rule above). */
export function frameTargets(frames: readonly TracebackFrame[], context: RunLinkContext): (FrameTarget | undefined)[] {
  const entrypoint = context.entrypoint || 'udf';
  const udfFiles = new Set<string>();
  for (const frame of frames) {
    if (!isLibraryFile(frame.file) && !headerFor(frame.file, context) && isUdfModuleFrame(frame, entrypoint, context.udfName)) udfFiles.add(frame.file);
  }
  return frames.map((frame) => {
    if (isLibraryFile(frame.file)) return undefined;
    const header = headerFor(frame.file, context);
    if (header) return frame.line <= header.lineCount ? { kind: 'header', module: header.module_name, line: frame.line } : undefined;
    if (!udfFiles.has(frame.file)) return undefined;
    return frame.line <= context.codeLineCount ? { kind: 'code', line: frame.line } : undefined;
  });
}

export function isLibraryFile(file: string): boolean {
  const path = file.replace(/\\/g, '/');
  if (path.startsWith('<frozen')) return true;
  if (path.includes('/site-packages/') || path.includes('/dist-packages/')) return true;
  if (/\/lib\/python\d*(\.\d+)?\//i.test(path)) return true;
  // The Fused SDK and runtime, wherever installed.
  return /(^|\/)fused\//.test(path);
}

function baseName(file: string): string {
  const path = file.replace(/\\/g, '/');
  return path.slice(path.lastIndexOf('/') + 1);
}

function headerFor(file: string, context: RunLinkContext): RunLinkContext['headers'][number] | undefined {
  const base = baseName(file);
  return context.headers.find((h) => base === `${h.module_name}.py` || (h.source_file !== undefined && base === baseName(h.source_file)));
}

function isUdfModuleFrame(frame: TracebackFrame, entrypoint: string, udfName: string | null | undefined): boolean {
  if (frame.functionName === entrypoint) return true;
  const base = baseName(frame.file);
  if (base === '<udf>' || base === '<string>' || base === '<stdin>') return true;
  const stem = base.replace(/\.py$/i, '');
  if (udfName && stem === udfName) return true;
  return /^udf([_-]|$)/i.test(stem);
}

/** Bounded look-behind, so a huge single-line log with many `File "` stays linear. */
function onlySpacesBefore(text: string, index: number): boolean {
  for (let i = index - 1; i >= 0 && i >= index - 256; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
    if (c !== 32 && c !== 9) return false;
  }
  return index <= 256;
}

/** The end of the line, looking at most 5000 characters ahead (a frame line is never longer). */
function endOfLine(text: string, from: number): number {
  const limit = Math.min(text.length, from + 5000);
  for (let i = from; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return limit;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The last non-blank line of stderr: for a Python traceback, the exception itself. */
export function errorSummary(stderr: string | null | undefined, max = 120): string {
  if (!stderr) return '';
  // Only the end is read: a 10 MB stderr has its exception on the last lines.
  const tail = stderr.length > 8192 ? stderr.slice(-8192) : stderr;
  const lines = stripAnsi(tail).text.split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean);
  return oneLine(lines[lines.length - 1] ?? '', max);
}
