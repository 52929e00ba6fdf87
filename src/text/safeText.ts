// Text we did not write (record fields, server error details, typed input echoed back, file
// names) on its way to a VS Code surface. Each surface has its own syntax that could turn such
// text into live markup; this module knows them, so every caller shows untrusted text the same
// way. Pure: no `vscode` import, unit-tested in Node.
//
//  surface (sink)                                              | function
//  ------------------------------------------------------------|---------------------------
//  notifications and modal messages, notification progress     | messageText
//  titles, InputBox prompts and validation messages            |   (VS Code parses `[label](https:|command:|file:…)` links in
//                                                              |   them, see linkedText.ts; input messages also render `$(icon)`)
//  tree labels and descriptions, view titles/descriptions/     | labelText
//  messages, QuickPick labels/descriptions/details/titles,     |   (`$(icon)` syntax is rendered in QuickPick items, the status
//  status bar text, window progress, editor/diff/panel titles  |   bar and window progress)
//  MarkdownString tooltips and hovers                          | markdownText (+ commandLink in src/shared/commands.ts for links we build)
//  CSV cells                                                   | csvCell
//  plain text: webview textContent, log lines                  | visibleText, oneLine
//
// Common to all: control characters (ESC, BEL, NUL, C1…), bidirectional overrides/isolates and
// other invisible format characters are shown as a visible marker such as ⟨U+202E⟩, never
// applied, so what a person reads is what the record holds.

// ---------------------------------------------------------------------------------------------
// Invisible characters

/**
 * Characters shown as ⟨U+XXXX⟩: C0/C1 controls (tab and line feed are whitespace, handled by
 * the callers), format characters (bidi embeddings, overrides, marks and isolates, zero-width
 * space, word joiner, BOM, soft hyphen, Unicode tags…), line/paragraph separators, Hangul
 * fillers that render as blanks, and lone surrogates. Not ZWNJ/ZWJ (U+200C/U+200D): they join
 * emoji sequences and Persian/Indic text and cannot reorder or hide anything.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u115f\u1160\u3164\uffa0]|(?![\u200c\u200d])\p{Cf}|\p{Cs}/gu;
const INVISIBLE_CHAR = new RegExp(`^(?:${INVISIBLE.source})$`, 'u');

/**
 * Inserted between `$` and `(`, and between `]` and `(`: U+200C ZERO WIDTH NON-JOINER. It is
 * invisible and changes nothing between punctuation, so the text reads exactly the same, but
 * VS Code's icon syntax `$(name)` and link syntax `[label](target)` need the two characters
 * side by side and no longer match. It is not one of the characters made visible here, and it
 * counts for no width, so a text can pass through the sink functions twice and stay the same.
 */
const INERT = '\u200c';

/** The visible stand-in for an invisible character: ⟨U+202E⟩. */
export function charMarker(char: string): string {
  return `⟨U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/**
 * Text with every invisible or control character shown as ⟨U+XXXX⟩. Tabs and line breaks stay
 * (CR LF and lone CR become LF), for surfaces that show text as text (the webview's
 * textContent). Single-line surfaces use oneLine or a sink function.
 */
export function visibleText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(INVISIBLE, charMarker);
}

/** Default length of one-line text on labels and in pickers. */
export const LABEL_MAX = 120;

/**
 * One line: invisible characters shown, runs of whitespace (line breaks included) as one space,
 * trimmed, and cut to at most `max` characters with an ellipsis. A cut never splits a marker or
 * a surrogate pair. Reads only as much of a long text as it shows.
 */
export function oneLine(text: string | null | undefined, max = LABEL_MAX): string {
  return line(text, max, false);
}

/** oneLine, optionally with `$(` and `](` made inert on the way (see INERT). */
function line(text: string | null | undefined, max: number, inert: boolean): string {
  if (!text) return '';
  const limit = Math.max(1, Math.floor(max));
  // Pieces (a character, or the marker standing for one) and how many characters each shows;
  // the inert joiner (below) shows none.
  const pieces: string[] = [];
  const widths: number[] = [];
  let width = 0;
  let pendingSpace = false;
  let cut = false;
  for (const char of text) {
    let piece: string;
    if (char === '\t' || char === '\n' || char === '\r') piece = ' ';
    else if (INVISIBLE_CHAR.test(char)) piece = charMarker(char);
    else if (/^\s$/u.test(char)) piece = ' ';
    else piece = char;
    if (piece === ' ') {
      pendingSpace = pieces.length > 0;
      continue;
    }
    if (inert && piece === '(' && !pendingSpace && (pieces[pieces.length - 1] === '$' || pieces[pieces.length - 1] === ']')) {
      pieces.push(INERT);
      widths.push(0);
    }
    const pieceWidth = piece === INERT ? 0 : piece.length;
    const spaceWidth = pendingSpace && pieceWidth > 0 ? 1 : 0;
    if (width + spaceWidth + pieceWidth > limit) {
      cut = true;
      break;
    }
    if (spaceWidth) {
      pieces.push(' ');
      widths.push(1);
      pendingSpace = false;
    }
    pieces.push(piece);
    widths.push(pieceWidth);
    width += spaceWidth + pieceWidth;
  }
  if (cut) {
    // Room for the ellipsis: drop whole pieces (a marker or a code point) from the end.
    while (pieces.length && (width > limit - 1 || pieces[pieces.length - 1] === ' ')) {
      pieces.pop();
      width -= widths.pop() ?? 0;
    }
    pieces.push('…');
  }
  return pieces.join('');
}

// ---------------------------------------------------------------------------------------------
// Plain-text sinks



/**
 * For tree labels and descriptions, view titles, descriptions and messages, QuickPick labels,
 * descriptions, details and titles, status bar text, window progress titles and editor, diff
 * and panel titles: one line, invisible characters shown, cut with an ellipsis, and `$(icon)`
 * (and link) syntax inert. Pass the whole text that goes to the surface.
 */
export function labelText(text: string | null | undefined, max = LABEL_MAX): string {
  return line(text, max, true);
}

/**
 * For information, warning and error messages (toasts and modal dialogs), notification progress
 * titles, and InputBox prompts and validation messages: VS Code turns `[label](https://…)`,
 * `[label](command:…)` and `[label](file:…)` in them into links (linkedText.ts) and input
 * messages render `$(icon)`; here both stay text. One line (VS Code joins lines anyway), cut
 * with an ellipsis below VS Code's own limit of 1000 characters.
 */
export function messageText(text: string | null | undefined, max = 500): string {
  return line(text, max, true);
}

// ---------------------------------------------------------------------------------------------
// Markdown (tooltips, hovers)

/**
 * Every ASCII punctuation character: CommonMark lets each be escaped with a backslash, and an
 * escaped one is always shown as itself. Escaping all of them (not only the ones that start
 * emphasis, links, images, code spans, HTML, headings, lists, tables…) also keeps GFM's bare
 * autolinks from forming: `https\:\/\/…`, `www\.…` and `a\@b\.c` no longer match, so no
 * backslash is left visible inside a link text.
 */
const MARKDOWN_PUNCTUATION = /[!-/:-@[-`{-~]/g;

export interface MarkdownTextOptions {
  /** Cut to this many characters (before escaping). Default 300. */
  max?: number;
  /** Keep line breaks (as Markdown hard breaks) instead of joining lines. Default false. */
  multiline?: boolean;
}

/**
 * Text for a MarkdownString (tooltips, hovers): shown as typed, with no link, image, code span,
 * HTML, heading, list or `$(icon)` coming from it, and no backslash left visible. Invisible
 * characters are shown; long text is cut with an ellipsis. Use for every piece of text we did
 * not write; our own Markdown goes around it.
 */
export function markdownText(text: string | null | undefined, options: MarkdownTextOptions = {}): string {
  const max = options.max ?? 300;
  if (!text) return '';
  if (!options.multiline) return escapeMarkdownLine(line(text, max, true));
  // Bounded first, then line by line: leading spaces would start an indented code block, so
  // they become no-break spaces; lines are joined with hard breaks, blank lines kept as one.
  let remaining = max;
  const lines: string[] = [];
  for (const raw of text.slice(0, max * 4).replace(/\r\n?/g, '\n').split('\n')) {
    if (remaining <= 0) {
      lines.push('…');
      break;
    }
    const indent = /^[ \t]*/.exec(raw)?.[0] ?? '';
    const shown = line(raw, remaining, true);
    remaining -= shown.length + 1;
    lines.push(shown ? '\u00a0'.repeat(Math.min(indent.replace(/\t/g, '    ').length, 16)) + escapeMarkdownLine(shown) : '');
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('  \n').replace(/( {2}\n){2,}/g, '\n\n');
}

/** `line` has had `$(` made inert: VS Code renders theme icons on the HTML that Markdown made, where an escaped `\$\(` would be a plain `$(` again. */
function escapeMarkdownLine(line: string): string {
  return line.replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`);
}

// ---------------------------------------------------------------------------------------------
// CSV cells

/**
 * What makes a spreadsheet evaluate a cell as a formula (OWASP "CSV injection"): a first
 * character `=`, `+`, `-` or `@` (full-width `＝＋－＠` too, which some spreadsheets fold), also
 * after leading whitespace or control characters that some strip before looking; and a cell
 * that starts with a tab or a carriage return.
 */
const FORMULA_START = /^(?:[\s\p{Cc}\p{Cf}]*[=+\-@\uff1d\uff0b\uff0d\uff20]|[\t\r])/u;

/**
 * A cell's text made inert for spreadsheets, reversibly: a leading apostrophe is added to a
 * cell that could start a formula and to one that already starts with an apostrophe, so
 * removing exactly one leading apostrophe (when there is one) always gives the recorded text back.
 */
export function guardFormula(text: string): string {
  return FORMULA_START.test(text) || text.startsWith("'") ? `'${text}` : text;
}

/**
 * Whether a udf_data value is UDF code as Fused records it, which the CSV keeps exact: a
 * serialized UDF (a JSON object, which never starts like a formula) or Python source whose first
 * line is a decorator (`@fused.udf…`) and which defines a function. Anything else in udf_data
 * is guarded like every other cell.
 */
export function isRecordedUdfCode(text: string): boolean {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) return true;
  return /^@[A-Za-z_][\w.]*(?:\(.*\))?[ \t]*\r?\n/.test(trimmed) && /^[ \t]*(?:async[ \t]+)?def[ \t]+\w+[ \t]*\(/m.test(trimmed.slice(0, 64 * 1024));
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma, CR or LF, quotes doubled. Text is
 * guarded against formula evaluation (guardFormula) except recorded UDF code in `udf_data`,
 * which is kept exact: it is the code that ran, Python decorators start with `@`, and a changed
 * first character would break diffs and re-use. Numbers and booleans are written as they are.
 */
export function csvCell(value: unknown, column?: string): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'string') text = column === 'udf_data' && isRecordedUdfCode(value) ? value : guardFormula(value);
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else text = guardFormula(JSON.stringify(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
