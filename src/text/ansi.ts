// ANSI escape sequences in captured stdout/stderr: stripped from the text (a document shows
// text, never terminal control), with the SGR colours kept as ranges so the editor can show
// them as decorations. Pure and linear: one pass, chunks joined once.

/** 0-15: the terminal's named colours (8 normal + 8 bright); or an exact RGB colour. */
export type AnsiColor = { kind: 'named'; index: number } | { kind: 'rgb'; r: number; g: number; b: number };

export interface AnsiStyle {
  fg?: AnsiColor;
  bg?: AnsiColor;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
}

/** A styled run of the stripped text: [start, end) in UTF-16 offsets, plus line/character positions. */
export interface StyledRange {
  start: number;
  end: number;
  style: AnsiStyle;
}

export interface StrippedAnsi {
  text: string;
  ranges: StyledRange[];
  /** True when ranges were dropped after `maxRanges`. */
  truncated: boolean;
}

const ESC = 0x1b;
const CSI_C1 = 0x9b;
const OSC_C1 = 0x9d;

/** Removes escape sequences; returns the text and its coloured ranges (at most maxRanges). */
export function stripAnsi(input: string, maxRanges = 20_000): StrippedAnsi {
  // The common case (no escapes at all) costs two scans and no copy.
  if (input.indexOf('\u001b') === -1 && input.indexOf('\u009b') === -1 && input.indexOf('\u009d') === -1) {
    return { text: input, ranges: [], truncated: false };
  }
  const chunks: string[] = [];
  const ranges: StyledRange[] = [];
  let truncated = false;
  let outLength = 0;
  let style: AnsiStyle = {};
  let plainStart = 0;
  let i = 0;

  const emit = (end: number) => {
    if (end <= plainStart) return;
    const chunk = input.slice(plainStart, end);
    if (hasStyle(style)) {
      const last = ranges[ranges.length - 1];
      if (last && last.end === outLength && sameStyle(last.style, style)) last.end += chunk.length;
      else if (ranges.length < maxRanges) ranges.push({ start: outLength, end: outLength + chunk.length, style });
      else truncated = true;
    }
    chunks.push(chunk);
    outLength += chunk.length;
  };

  while (i < input.length) {
    const c = input.charCodeAt(i);
    if (c !== ESC && c !== CSI_C1 && c !== OSC_C1) {
      i++;
      continue;
    }
    emit(i);
    const next = c === ESC ? input.charCodeAt(i + 1) : NaN;
    if (c === CSI_C1 || next === 0x5b /* [ */) {
      // CSI: parameters 0x30-0x3f, intermediates 0x20-0x2f, one final byte 0x40-0x7e.
      let j = i + (c === CSI_C1 ? 1 : 2);
      const paramsStart = j;
      while (j < input.length && input.charCodeAt(j) >= 0x30 && input.charCodeAt(j) <= 0x3f) j++;
      const params = input.slice(paramsStart, j);
      while (j < input.length && input.charCodeAt(j) >= 0x20 && input.charCodeAt(j) <= 0x2f) j++;
      if (j < input.length && input.charCodeAt(j) >= 0x40 && input.charCodeAt(j) <= 0x7e) {
        if (input[j] === 'm') style = applySgr(style, params);
        j++;
      }
      i = j;
    } else if (c === OSC_C1 || next === 0x5d /* ] */ || next === 0x50 /* P: DCS */ || next === 0x5f /* _ APC */ || next === 0x5e /* ^ PM */) {
      // String sequences (OSC 8 hyperlinks, window titles…) end at BEL or ST (ESC \); an
      // unterminated one is cut at the end of its line so it cannot swallow the log.
      let j = i + (c === OSC_C1 ? 1 : 2);
      while (j < input.length) {
        const d = input.charCodeAt(j);
        if (d === 0x07) {
          j++;
          break;
        }
        if (d === ESC && input.charCodeAt(j + 1) === 0x5c) {
          j += 2;
          break;
        }
        if (d === 0x0a || d === 0x0d) break;
        j++;
      }
      i = j;
    } else {
      // Any other escape: ESC, intermediates (0x20-0x2f, e.g. `ESC ( B`), one final character.
      let j = i + 1;
      while (j < input.length && input.charCodeAt(j) >= 0x20 && input.charCodeAt(j) <= 0x2f) j++;
      i = c === ESC && j < input.length ? j + 1 : j;
    }
    plainStart = i;
  }
  emit(input.length);
  return { text: chunks.join(''), ranges, truncated };
}

/** Applies one SGR parameter list (`1;31`, `38;5;208`, `38;2;r;g;b`, empty = reset). */
export function applySgr(current: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let style: AnsiStyle = { ...current };
  for (let k = 0; k < codes.length; k++) {
    const code = codes[k];
    if (code === 0) style = {};
    else if (code === 1) style.bold = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 22) delete style.bold;
    else if (code === 23) delete style.italic;
    else if (code === 24) delete style.underline;
    else if (code >= 30 && code <= 37) style.fg = { kind: 'named', index: code - 30 };
    else if (code >= 90 && code <= 97) style.fg = { kind: 'named', index: code - 90 + 8 };
    else if (code >= 40 && code <= 47) style.bg = { kind: 'named', index: code - 40 };
    else if (code >= 100 && code <= 107) style.bg = { kind: 'named', index: code - 100 + 8 };
    else if (code === 39) delete style.fg;
    else if (code === 49) delete style.bg;
    else if (code === 38 || code === 48) {
      const { color, consumed } = extendedColor(codes, k + 1);
      k += consumed;
      if (color) {
        if (code === 38) style.fg = color;
        else style.bg = color;
      }
    }
  }
  return style;
}

function extendedColor(codes: number[], at: number): { color?: AnsiColor; consumed: number } {
  if (codes[at] === 5 && at + 1 < codes.length) {
    const n = codes[at + 1];
    return { color: color256(n), consumed: 2 };
  }
  if (codes[at] === 2 && at + 3 < codes.length) {
    const [r, g, b] = [codes[at + 1], codes[at + 2], codes[at + 3]].map(clampByte);
    return { color: { kind: 'rgb', r, g, b }, consumed: 4 };
  }
  return { consumed: codes.length - at };
}

/** xterm's 256-colour palette: 0-15 named, a 6x6x6 cube, then 24 greys. */
function color256(n: number): AnsiColor | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  if (n < 16) return { kind: 'named', index: n };
  if (n < 232) {
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    const m = n - 16;
    return { kind: 'rgb', r: level(Math.floor(m / 36)), g: level(Math.floor(m / 6) % 6), b: level(m % 6) };
  }
  const grey = 8 + (n - 232) * 10;
  return { kind: 'rgb', r: grey, g: grey, b: grey };
}

function clampByte(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.min(255, Math.round(value))) : 0;
}

function hasStyle(style: AnsiStyle): boolean {
  return style.fg !== undefined || style.bg !== undefined || style.bold === true || style.italic === true || style.underline === true;
}

/** A stable key for a style: one decoration type per key. */
export function styleKey(style: AnsiStyle): string {
  const color = (c: AnsiColor | undefined) => (c === undefined ? '' : c.kind === 'named' ? `n${c.index}` : `#${[c.r, c.g, c.b].map((v) => v.toString(16).padStart(2, '0')).join('')}`);
  return `${color(style.fg)}|${color(style.bg)}|${style.bold ? 'b' : ''}${style.italic ? 'i' : ''}${style.underline ? 'u' : ''}`;
}

function sameStyle(a: AnsiStyle, b: AnsiStyle): boolean {
  return styleKey(a) === styleKey(b);
}

export const NAMED_COLOR_THEME_IDS = [
  'terminal.ansiBlack',
  'terminal.ansiRed',
  'terminal.ansiGreen',
  'terminal.ansiYellow',
  'terminal.ansiBlue',
  'terminal.ansiMagenta',
  'terminal.ansiCyan',
  'terminal.ansiWhite',
  'terminal.ansiBrightBlack',
  'terminal.ansiBrightRed',
  'terminal.ansiBrightGreen',
  'terminal.ansiBrightYellow',
  'terminal.ansiBrightBlue',
  'terminal.ansiBrightMagenta',
  'terminal.ansiBrightCyan',
  'terminal.ansiBrightWhite',
] as const;

/**
 * Line/character positions of offsets in `text`, counting `\r\n`, `\r` and `\n` as one line
 * break each, as VS Code's text model does (it may normalise line endings, so offsets alone
 * would drift). `offsets` must be sorted ascending; one pass over the text.
 */
export function positionsOf(text: string, offsets: readonly number[]): { line: number; character: number }[] {
  const result: { line: number; character: number }[] = [];
  let line = 0;
  let lineStart = 0;
  let i = 0;
  for (const offset of offsets) {
    while (i < offset && i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        line++;
        lineStart = i + 1;
      } else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) {
          if (i + 1 >= offset) break;
          i++;
        }
        line++;
        lineStart = i + 1;
      }
      i++;
    }
    result.push({ line, character: Math.max(0, offset - lineStart) });
  }
  return result;
}
