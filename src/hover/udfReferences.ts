// Finds the UDF a position in Python code refers to: the name of an `@fused.udf` function,
// or the string given to `fused.run(...)` / `fused.load(...)`. Pure text work, no parser:
// hovers must answer instantly on any file, so only the hovered line and a few lines
// above it are read.

export type UdfReference =
  | { kind: 'udf_name'; value: string; start: number; end: number }
  | { kind: 'shared_token'; value: string; start: number; end: number };

export interface LineSource {
  lineCount: number;
  lineAt(line: number): string;
}

const DECORATOR = /^\s*@fused\.udf\b/;
const DEF = /^(\s*)(?:async\s+)?def\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/;
/** fused.run("x") / fused.load('x') / fused.run(udf="x"), first string literal argument. */
const CALL = /\bfused\.(?:run|load)\(\s*(?:[A-Za-z_]+\s*=\s*)?(['"])((?:(?!\1)[^\\\n]|\\.)*)\1/g;
/** Lines between a decorator and its `def` (stacked decorators, multi-line decorator arguments). */
const MAX_DECORATOR_LOOKBACK = 12;

export function findUdfReference(source: LineSource, line: number, character: number): UdfReference | undefined {
  const text = source.lineAt(line);
  return findCallReference(text, character) ?? findDecoratedDef(source, line, character);
}

function findCallReference(text: string, character: number): UdfReference | undefined {
  CALL.lastIndex = 0;
  for (let match = CALL.exec(text); match; match = CALL.exec(text)) {
    const literal = match[2];
    const start = match.index + match[0].length - literal.length - 1;
    const end = start + literal.length;
    if (character < start - 1 || character > end + 1) continue;
    return referenceFromLiteral(literal, start, end);
  }
  return undefined;
}

/**
 * What the string names: `fsh_…` is a shared token; `team/name`, `user@x.com/name` or a
 * GitHub URL end in the UDF name. Anything that is not a plausible slug is ignored.
 */
export function referenceFromLiteral(literal: string, start: number, end: number): UdfReference | undefined {
  const value = literal.trim();
  if (!value) return undefined;
  if (/^fsh_[A-Za-z0-9_-]+$/.test(value)) return { kind: 'shared_token', value, start, end };
  const last = value.replace(/\/+$/, '').split('/').pop() ?? '';
  const name = last.replace(/\.py$/, '');
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/.test(name)) return undefined;
  return { kind: 'udf_name', value: name, start, end };
}

function findDecoratedDef(source: LineSource, line: number, character: number): UdfReference | undefined {
  const match = DEF.exec(source.lineAt(line));
  if (!match) return undefined;
  const start = match[0].indexOf(match[2], match[1].length);
  const end = start + match[2].length;
  if (character < start || character > end) return undefined;
  for (let above = line - 1; above >= Math.max(0, line - MAX_DECORATOR_LOOKBACK); above--) {
    const text = source.lineAt(above);
    if (DECORATOR.test(text)) return { kind: 'udf_name', value: match[2], start, end };
    // Stop at the previous statement: only decorators, their arguments, comments and blank lines may sit between.
    if (DEF.test(text) || /^\S/.test(text) && !/^[@#)\]]/.test(text.trim())) return undefined;
  }
  return undefined;
}

/** Every UDF referenced in a document, for warming the hover cache when a file opens. */
export function findAllUdfReferences(source: LineSource, maxLines = 5000): UdfReference[] {
  const found = new Map<string, UdfReference>();
  const lines = Math.min(source.lineCount, maxLines);
  for (let line = 0; line < lines; line++) {
    const text = source.lineAt(line);
    CALL.lastIndex = 0;
    for (let match = CALL.exec(text); match; match = CALL.exec(text)) {
      const start = match.index + match[0].length - match[2].length - 1;
      const reference = referenceFromLiteral(match[2], start, start + match[2].length);
      if (reference) found.set(`${reference.kind}:${reference.value}`, reference);
    }
    const def = DEF.exec(text);
    if (def) {
      const reference = findDecoratedDef(source, line, text.indexOf(def[2], def[1].length));
      if (reference) found.set(`${reference.kind}:${reference.value}`, reference);
    }
  }
  return [...found.values()];
}
