// A small Python tokenizer: names, string literals (with their value), comments, operators and
// logical-line boundaries. Enough to tell real code from text inside strings and comments, so
// `fused.run("x")` in a docstring or a string does not count, and a call's argument on the
// next line (as black formats it) is found. Not a parser: no AST, no error recovery beyond
// "keep going". Pure and linear in the text; no `vscode` import.

export type TokenKind = 'name' | 'string' | 'number' | 'op' | 'comment';

export interface Token {
  kind: TokenKind;
  /** The source text of the token (for strings: prefix and quotes included). */
  text: string;
  /** 0-based line and UTF-16 column of the first character. */
  line: number;
  column: number;
  /** Line and column just past the last character (strings may span lines). */
  endLine: number;
  endColumn: number;
  /** Strings: the value between the quotes (escapes decoded unless raw). */
  value?: string;
  /** Strings: the f-string has a replacement field (`{x}`), so its value is not a literal. */
  interpolated?: boolean;
  /** Strings: column of the first character after the opening quote(s), on `line`. */
  valueColumn?: number;
  /** First token of a logical line (after NEWLINE, outside brackets). */
  startsLogicalLine: boolean;
  /** Bracket depth before this token. */
  depth: number;
  /** Columns of indentation of the physical line the logical line starts on (first tokens only). */
  indent?: number;
}

export interface TokenizeOptions {
  /** Stop after this many lines (huge generated files are not worth reading whole). */
  maxLines?: number;
}

const STRING_PREFIX = /^(?:[rRuUfFbBtT]|[rR][bBfFtT]|[bBfFtT][rR])$/;

function isNameStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code > 127;
}

function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 48 && code <= 57);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Tokens of a whole file. Lines are split on \n, \r\n and \r like VS Code does. */
export function tokenizePython(lines: readonly string[], options: TokenizeOptions = {}): Token[] {
  const tokens: Token[] = [];
  const lineCount = Math.min(lines.length, options.maxLines ?? Number.POSITIVE_INFINITY);
  let depth = 0;
  /** The next token starts a logical line (start of file, or after a NEWLINE outside brackets). */
  let atLogicalStart = true;
  let line = 0;
  let column = 0;
  /** Whether the cursor is at the start of a physical line (indentation not yet read). */
  let lineStart = true;
  let indent = 0;
  /** A backslash continued the previous physical line. */
  let continued = false;
  /** Whether the current physical line had a token other than a comment. */
  let lineHadCode = false;

  let startsLogicalLine = false;
  // One function for all tokens (not a closure per token: this loop runs per character).
  const push = (kind: TokenKind, tokenText: string, endLine: number, endColumn: number): Token => {
    // Every token has every field (one object shape: the readers stay monomorphic and fast).
    const token: Token = {
      kind,
      text: tokenText,
      line,
      column,
      endLine,
      endColumn,
      startsLogicalLine,
      depth,
      indent: startsLogicalLine ? indent : undefined,
      value: undefined,
      interpolated: undefined,
      valueColumn: undefined,
    };
    tokens.push(token);
    return token;
  };

  const endPhysicalLine = () => {
    // A logical line ends here unless brackets are open or a backslash continues it.
    if (depth === 0 && !continued && lineHadCode) atLogicalStart = true;
    line++;
    column = 0;
    lineStart = true;
  };

  while (line < lineCount) {
    const text = lines[line];
    if (lineStart) {
      lineStart = false;
      lineHadCode = false;
      if (!continued) {
        indent = 0;
        while (column < text.length && (text[column] === ' ' || text[column] === '\t' || text[column] === '\f')) {
          indent += text[column] === '\t' ? 8 - (indent % 8) : 1;
          column++;
        }
      }
      continued = false;
    }
    if (column >= text.length) {
      endPhysicalLine();
      continue;
    }
    const code = text.charCodeAt(column);
    if (code === 32 || code === 9 || code === 12) {
      column++;
      continue;
    }
    startsLogicalLine = atLogicalStart && depth === 0;
    if (code === 35 /* # */) {
      const saved = startsLogicalLine;
      startsLogicalLine = false;
      push('comment', text.slice(column), line, text.length);
      startsLogicalLine = saved;
      column = text.length;
      continue;
    }
    if (code === 92 /* \ */ && column === text.length - 1) {
      continued = true;
      endPhysicalLine();
      continue;
    }
    lineHadCode = true;
    atLogicalStart = false;
    let prefix = '';
    let quoteColumn = -1;
    if (isNameStart(code)) {
      let end = column + 1;
      while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
      const word = text.slice(column, end);
      const next = text[end];
      if ((next === '"' || next === "'") && STRING_PREFIX.test(word)) {
        prefix = word;
        quoteColumn = end;
      } else {
        push('name', word, line, end);
        column = end;
        continue;
      }
    } else if (code === 34 || code === 39 /* " ' */) {
      quoteColumn = column;
    }
    if (quoteColumn >= 0) {
      const string = readString(lines, lineCount, line, quoteColumn, prefix);
      const token = push('string', string.text, string.endLine, string.endColumn);
      token.value = string.value;
      token.valueColumn = string.valueColumn;
      token.interpolated = string.interpolated;
      if (string.endLine !== line) {
        // The rest of the closing line continues the same logical line.
        line = string.endLine;
        lineHadCode = true;
      }
      column = string.endColumn;
      continue;
    }
    if (isDigit(code) || (code === 46 && isDigit(text.charCodeAt(column + 1)))) {
      let end = column + 1;
      while (end < text.length && (isNameChar(text.charCodeAt(end)) || text[end] === '.')) end++;
      push('number', text.slice(column, end), line, end);
      column = end;
      continue;
    }
    // Operators: one character is enough for what we read (brackets, `.`, `,`, `=`, `@`),
    // but `==`, `->`, `**=`… must not look like `=` or `.`.
    const op = readOperator(text, column);
    push('op', op, line, column + op.length);
    if (op === '(' || op === '[' || op === '{') depth++;
    else if ((op === ')' || op === ']' || op === '}') && depth > 0) depth--;
    column += op.length;
  }
  return tokens;
}

const THREE_CHAR_OPS = new Set(['**=', '//=', '>>=', '<<=', '...']);
const TWO_CHAR_OPS = new Set(['==', '!=', '<=', '>=', '->', '**', '//', '<<', '>>', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=', ':=']);

/** Characters that can continue an operator (`==`, `->`, `**=`, `...`). */
const CONTINUES_OPERATOR = new Set(['=', '>', '*', '/', '<', '.']);

function readOperator(text: string, column: number): string {
  if (!CONTINUES_OPERATOR.has(text[column + 1])) return text[column];
  const three = text.slice(column, column + 3);
  if (THREE_CHAR_OPS.has(three)) return three;
  const two = text.slice(column, column + 2);
  if (TWO_CHAR_OPS.has(two)) return two;
  return text[column];
}

interface StringRead {
  text: string;
  value: string;
  interpolated: boolean;
  endLine: number;
  endColumn: number;
  valueColumn: number;
}

/** A string literal whose opening quote is at `column`, with `prefix` (r, b, f…) just before it. */
function readString(lines: readonly string[], lineCount: number, line: number, column: number, prefix: string): StringRead {
  const quote = lines[line][column];
  const triple = lines[line].startsWith(quote.repeat(3), column);
  const delimiter = triple ? quote.repeat(3) : quote;
  const raw = /[rR]/.test(prefix);
  const formatted = /[fFtT]/.test(prefix);
  const valueColumn = column + delimiter.length;
  const done = (endLine: number, endColumn: number, value: string): StringRead => ({
    text: sliceLines(lines, line, column - prefix.length, endLine, endColumn),
    value,
    interpolated: formatted && hasField(value),
    endLine,
    endColumn,
    valueColumn,
  });
  let value = '';
  let current = line;
  let index = valueColumn;
  for (;;) {
    const text = lines[current];
    let loneBackslashAtEnd = false;
    while (index < text.length) {
      const char = text[index];
      if (char === '\\') {
        if (index + 1 >= text.length) {
          loneBackslashAtEnd = true;
          index++;
          break;
        }
        const next = text[index + 1];
        value += raw ? char + next : decodeEscape(next);
        index += 2;
        continue;
      }
      if (char === quote && text.startsWith(delimiter, index)) return done(current, index + delimiter.length, value);
      value += char;
      index++;
    }
    // End of a physical line inside the string: only triple quotes or a trailing backslash go on.
    if ((!triple && !loneBackslashAtEnd) || current + 1 >= lineCount) return done(current, text.length, value);
    if (raw && loneBackslashAtEnd) value += '\\\n';
    else if (!loneBackslashAtEnd) value += '\n';
    current++;
    index = 0;
  }
}

function sliceLines(lines: readonly string[], startLine: number, startColumn: number, endLine: number, endColumn: number): string {
  if (startLine === endLine) return lines[startLine].slice(startColumn, endColumn);
  const parts = [lines[startLine].slice(startColumn)];
  for (let l = startLine + 1; l < endLine; l++) parts.push(lines[l]);
  parts.push(lines[endLine].slice(0, endColumn));
  return parts.join('\n');
}

function decodeEscape(next: string): string {
  switch (next) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case '0':
      return '\0';
    case '\\':
    case "'":
    case '"':
      return next;
    default:
      // Unknown escapes keep their backslash in Python.
      return `\\${next}`;
  }
}

/** An f-string replacement field: `{` not doubled. */
function hasField(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '{') {
      if (value[i + 1] === '{') {
        i++;
        continue;
      }
      return true;
    }
  }
  return false;
}
