// The UDFs a Python file defines and the UDFs it calls, read from its tokens:
// - definitions: functions under `@fused.udf` / `@fused.udf(...)` (also through `import fused
//   as f` and `from fused import udf`), with the decorator's `name="…"`, the lines the function
//   spans (for the failing-line diagnostic) and its name's position (for hovers and lenses);
// - call references: the first string argument, or the `udf=` keyword, of `fused.run(`,
//   `fused.load(`, `fused.submit(` (and their aliases), when it starts at most three lines after
//   the call's parenthesis (black puts it on the next line). A non-literal argument is not a
//   reference. The same calls inside comments are references too (hovers work there), marked
//   so that prefetching skips them; text inside string literals never counts.
// Pure, no `vscode` import; linear in the file.
import { tokenizePython, type Token } from './pythonTokens';
import { classifyUdfIdentifier, isUtilityModule, type UdfTarget } from './udfIdentifiers';

export type CallKind = 'run' | 'load' | 'submit';
type FusedFunction = CallKind | 'udf';
const FUSED_FUNCTIONS: ReadonlySet<string> = new Set<FusedFunction>(['run', 'load', 'submit', 'udf']);

/** A span on one line: 0-based line, UTF-16 columns [start, end). */
export interface TextSpan {
  line: number;
  start: number;
  end: number;
}

/** How this file refers to the fused package. */
export interface FusedImports {
  /** Names bound to the module: `fused` always (notebooks import it in another cell), plus `import fused as f`. */
  modules: string[];
  /** Names bound to its functions: `from fused import run as r` gives r → run. */
  functions: Record<string, FusedFunction>;
}

export interface UdfDefinition {
  functionName: string;
  /** The function's name after `def`. */
  nameSpan: TextSpan;
  /** The `name="…"` of the decorator, when it is a literal. */
  decoratorName?: { value: string; span: TextSpan };
  /** Line of the `@fused.udf` decorator. */
  decoratorLine: number;
  /** First line of the function's source: its first decorator. */
  firstLine: number;
  defLine: number;
  /** Last line holding code of the function's body. */
  lastLine: number;
}

export interface UdfCallReference {
  call: CallKind;
  target: UdfTarget;
  /** The string literal's value on screen (the text between the quotes, first line). */
  span: TextSpan;
  /** Given as `udf="…"`. */
  keyword: boolean;
  /** Inside a comment (a commented-out call): hovers answer it, prefetching skips it. */
  inComment: boolean;
}

export interface PythonUdfSource {
  imports: FusedImports;
  definitions: UdfDefinition[];
  references: UdfCallReference[];
  lineCount: number;
  /** The file was longer than the lines read. */
  truncated: boolean;
}

export interface AnalyzeOptions {
  /** Imports seen elsewhere (a notebook's other cells). */
  extraImports?: FusedImports;
  /** Lines read at most (default 20,000). */
  maxLines?: number;
}

/** Lines after the call's `(` where its first argument may start (black writes it on the next one). */
export const ARGUMENT_LINES_AFTER_CALL = 3;
const DEFAULT_MAX_LINES = 20_000;

/** Splits text into lines the way VS Code counts them. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function analyzePythonUdfs(lines: readonly string[], options: AnalyzeOptions = {}): PythonUdfSource {
  const maxLines = options.maxLines ?? DEFAULT_MAX_LINES;
  const tokens = tokenizePython(lines, { maxLines });
  const imports = readImports(tokens);
  if (options.extraImports) mergeImports(imports, options.extraImports);
  const code = tokens.filter((token) => token.kind !== 'comment');
  const definitions = readDefinitions(code, imports);
  const references = [...readCalls(code, imports), ...readCommentedCalls(tokens, imports)];
  references.sort((a, b) => a.span.line - b.span.line || a.span.start - b.span.start);
  return { imports, definitions, references, lineCount: Math.min(lines.length, maxLines), truncated: lines.length > maxLines };
}

export function emptyImports(): FusedImports {
  return { modules: ['fused'], functions: {} };
}

function mergeImports(into: FusedImports, from: FusedImports): void {
  for (const module of from.modules) if (!into.modules.includes(module)) into.modules.push(module);
  for (const [name, fn] of Object.entries(from.functions)) into.functions[name] ??= fn;
}

// ---------------------------------------------------------------------------------------------
// Imports

function readImports(tokens: readonly Token[]): FusedImports {
  const imports = emptyImports();
  const code = tokens.filter((token) => token.kind !== 'comment');
  for (let i = 0; i < code.length; i++) {
    const token = code[i];
    if (!token.startsLogicalLine || token.kind !== 'name') continue;
    const end = logicalLineEnd(code, i);
    if (token.text === 'import') {
      // import a, fused as f, fused.api
      for (const clause of splitTopLevel(code, i + 1, end)) {
        const words = clause.map((t) => t.text);
        if (words[0] !== 'fused') continue;
        const as = words.indexOf('as');
        if (as >= 0 && words[as + 1]) {
          // `import fused.api as api` binds the submodule, not fused.
          if (as === 1) addModule(imports, words[as + 1]);
        } else {
          addModule(imports, 'fused');
        }
      }
    } else if (token.text === 'from' && code[i + 1]?.text === 'fused' && code[i + 2]?.text === 'import') {
      // from fused import run, load as l   /   from fused import (run, udf)
      for (const clause of splitTopLevel(code, i + 3, end)) {
        const words = clause.map((t) => t.text).filter((word) => word !== '(' && word !== ')');
        const fn = words[0];
        if (!fn || !FUSED_FUNCTIONS.has(fn)) continue;
        const local = words[1] === 'as' && words[2] ? words[2] : fn;
        imports.functions[local] = fn as FusedFunction;
      }
    }
  }
  return imports;
}

function addModule(imports: FusedImports, name: string): void {
  if (!imports.modules.includes(name)) imports.modules.push(name);
}

/** Index just past the last token of the logical line starting at `start`. */
function logicalLineEnd(tokens: readonly Token[], start: number): number {
  let end = start + 1;
  while (end < tokens.length && !tokens[end].startsLogicalLine) end++;
  return end;
}

/** Tokens [from, to) split on commas outside brackets (relative to the first token's depth). */
function splitTopLevel(tokens: readonly Token[], from: number, to: number): Token[][] {
  const clauses: Token[][] = [[]];
  const base = tokens[from]?.depth ?? 0;
  for (let i = from; i < to; i++) {
    const token = tokens[i];
    // `from fused import (run, load)`: commas inside the one parenthesis separate clauses too.
    if (token.kind === 'op' && token.text === ',' && token.depth <= base + 1) clauses.push([]);
    else clauses[clauses.length - 1].push(token);
  }
  return clauses.filter((clause) => clause.length > 0);
}

// ---------------------------------------------------------------------------------------------
// Definitions

function resolvesTo(imports: FusedImports, dotted: readonly string[]): FusedFunction | undefined {
  if (dotted.length === 2 && imports.modules.includes(dotted[0]) && FUSED_FUNCTIONS.has(dotted[1])) return dotted[1] as FusedFunction;
  if (dotted.length === 1) return imports.functions[dotted[0]];
  return undefined;
}

/** A dotted name starting at tokens[i]: its parts and the index after it. */
function dottedName(tokens: readonly Token[], i: number): { parts: string[]; next: number } {
  const parts: string[] = [];
  let j = i;
  while (tokens[j]?.kind === 'name') {
    parts.push(tokens[j].text);
    if (tokens[j + 1]?.kind === 'op' && tokens[j + 1].text === '.' && tokens[j + 2]?.kind === 'name') j += 2;
    else {
      j++;
      break;
    }
  }
  return { parts, next: j };
}

function readDefinitions(tokens: readonly Token[], imports: FusedImports): UdfDefinition[] {
  const definitions: UdfDefinition[] = [];
  let stackStart: number | undefined;
  let fusedDecorator: { line: number; name?: { value: string; span: TextSpan } } | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token.startsLogicalLine) continue;
    if (token.kind === 'op' && token.text === '@') {
      stackStart ??= token.line;
      const { parts, next } = dottedName(tokens, i + 1);
      if (resolvesTo(imports, parts) === 'udf') {
        fusedDecorator = { line: token.line };
        if (tokens[next]?.text === '(') {
          const name = keywordLiteral(tokens, next, 'name');
          if (name) fusedDecorator.name = name;
        }
      }
      continue;
    }
    let defIndex = -1;
    if (token.kind === 'name' && token.text === 'def') defIndex = i;
    else if (token.kind === 'name' && token.text === 'async' && tokens[i + 1]?.text === 'def') defIndex = i + 1;
    if (defIndex >= 0 && fusedDecorator && tokens[defIndex + 1]?.kind === 'name') {
      const nameToken = tokens[defIndex + 1];
      const definition: UdfDefinition = {
        functionName: nameToken.text,
        nameSpan: { line: nameToken.line, start: nameToken.column, end: nameToken.endColumn },
        decoratorLine: fusedDecorator.line,
        firstLine: stackStart ?? token.line,
        defLine: token.line,
        lastLine: bodyEnd(tokens, i, token.indent ?? 0),
      };
      if (fusedDecorator.name) definition.decoratorName = fusedDecorator.name;
      definitions.push(definition);
    }
    // Any other statement ends a decorator stack.
    stackStart = undefined;
    fusedDecorator = undefined;
  }
  return definitions;
}

/** The last line of a `def` starting at tokens[start] with the given indentation. */
function bodyEnd(tokens: readonly Token[], start: number, indent: number): number {
  let last = tokens[start].endLine;
  for (let i = start + 1; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.startsLogicalLine && (token.indent ?? 0) <= indent && token.line > tokens[start].line) break;
    last = Math.max(last, token.endLine);
  }
  return last;
}

/** A complete string literal (adjacent strings concatenated) at tokens[i], ending the argument. */
function literalAt(tokens: readonly Token[], i: number): { value: string; span: TextSpan; next: number } | undefined {
  const first = tokens[i];
  if (first?.kind !== 'string') return undefined;
  let value = '';
  let j = i;
  while (tokens[j]?.kind === 'string') {
    const token = tokens[j];
    // f-strings with fields and bytes are not a UDF's name.
    if (token.interpolated || /^[a-zA-Z]*[bB]/.test(token.text)) return undefined;
    value += token.value ?? '';
    j++;
  }
  const after = tokens[j];
  if (!after || after.kind !== 'op' || (after.text !== ',' && after.text !== ')')) return undefined;
  const valueStart = first.valueColumn ?? first.column;
  const firstLineValue = first.line === first.endLine ? (first.value ?? '') : (first.value ?? '').split('\n')[0];
  return { value, span: { line: first.line, start: valueStart, end: valueStart + firstLineValue.length }, next: j };
}

/** `keyword=<literal>` among the arguments of the call whose `(` is tokens[open]. */
function keywordLiteral(tokens: readonly Token[], open: number, keyword: string, lastLine = Number.POSITIVE_INFINITY): { value: string; span: TextSpan } | undefined {
  const inner = tokens[open].depth + 1;
  for (let i = open + 1; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.depth < inner || (token.depth === inner && token.kind === 'op' && token.text === ')')) return undefined;
    if (token.line > lastLine) return undefined;
    if (token.depth !== inner || token.kind !== 'name' || token.text !== keyword) continue;
    const previous = tokens[i - 1];
    if (tokens[i + 1]?.text !== '=' || !(previous === tokens[open] || previous.text === ',')) continue;
    const literal = literalAt(tokens, i + 2);
    if (literal && literal.span.line <= lastLine) return { value: literal.value, span: literal.span };
    return undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Calls

function readCalls(tokens: readonly Token[], imports: FusedImports): UdfCallReference[] {
  const references: UdfCallReference[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind !== 'name') continue;
    const previous = tokens[i - 1];
    // `x.fused.run(` is someone else's; `def run(` defines, it does not call.
    if (previous && ((previous.kind === 'op' && previous.text === '.') || (previous.kind === 'name' && (previous.text === 'def' || previous.text === 'class')))) continue;
    let call: FusedFunction | undefined;
    let open = -1;
    if (imports.modules.includes(token.text) && tokens[i + 1]?.text === '.' && tokens[i + 2]?.kind === 'name' && tokens[i + 3]?.text === '(') {
      call = resolvesTo(imports, [token.text, tokens[i + 2].text]);
      open = i + 3;
    } else if (imports.functions[token.text] && tokens[i + 1]?.text === '(') {
      call = imports.functions[token.text];
      open = i + 1;
    }
    if (!call || call === 'udf' || tokens[open]?.kind !== 'op') continue;
    const reference = callArgument(tokens, open, call);
    if (reference) references.push(reference);
  }
  return references;
}

function callArgument(tokens: readonly Token[], open: number, call: CallKind): UdfCallReference | undefined {
  const lastLine = tokens[open].line + ARGUMENT_LINES_AFTER_CALL;
  const first = tokens[open + 1];
  if (!first || first.line > lastLine) return undefined;
  let found: { value: string; span: TextSpan } | undefined;
  let keyword = false;
  if (first.kind === 'string') {
    found = literalAt(tokens, open + 1);
  } else if (first.kind === 'name' && tokens[open + 2]?.text === '=') {
    // Keyword arguments only: `udf=` may be any of them.
    found = keywordLiteral(tokens, open, 'udf', lastLine);
    keyword = true;
  }
  if (!found || found.span.line > lastLine) return undefined;
  const target = classifyUdfIdentifier(found.value);
  if (!target) return undefined;
  return { call, target, span: found.span, keyword, inComment: false };
}

// ---------------------------------------------------------------------------------------------
// Commented-out calls

const QUOTED = /^(?:[rRuU])?(['"])((?:(?!\1)[^\\]|\\.)*)\1/;

function readCommentedCalls(tokens: readonly Token[], imports: FusedImports): UdfCallReference[] {
  const comments = tokens.filter((token) => token.kind === 'comment');
  if (comments.length === 0) return [];
  const moduleNames = imports.modules.map(escapeRegExp).join('|');
  const functionNames = Object.entries(imports.functions)
    .filter(([, fn]) => fn !== 'udf')
    .map(([local]) => escapeRegExp(local));
  const callee = `(?:(?<![\\w.])(?:${moduleNames})\\.(run|load|submit)${functionNames.length ? `|(?<![\\w.])(${functionNames.join('|')})` : ''})\\s*\\(`;
  const pattern = new RegExp(callee, 'g');
  const references: UdfCallReference[] = [];
  const byLine = new Map(comments.map((comment) => [comment.line, comment]));
  for (const comment of comments) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(comment.text); match; match = pattern.exec(comment.text)) {
      const call = (match[1] ?? imports.functions[match[2]]) as CallKind;
      const afterParen = match.index + match[0].length;
      const rest = comment.text.slice(afterParen);
      let found = argumentInText(rest, comment.line, comment.column + afterParen, true);
      // A commented-out call formatted by black: its first argument, or `udf=`, on the next commented lines.
      let first = true;
      for (let line = comment.line + 1; !found && /^\s*$/.test(rest) && line <= comment.line + ARGUMENT_LINES_AFTER_CALL; line++) {
        const next = byLine.get(line);
        if (!next) break;
        const body = next.text.replace(/^#\s*/, '');
        if (body.trim() === '') continue;
        found = argumentInText(body, next.line, next.column + next.text.length - body.length, first);
        first = false;
        if (body.trimStart().startsWith(')')) break;
      }
      if (!found) continue;
      const target = classifyUdfIdentifier(found.value);
      if (target) references.push({ call, target, span: found.span, keyword: found.keyword, inComment: true });
    }
  }
  return references;
}

/** A literal first argument (when `positional`) or `udf="…"` at the start of `text`. */
function argumentInText(text: string, line: number, column: number, positional: boolean): { value: string; span: TextSpan; keyword: boolean } | undefined {
  const leading = /^\s*(udf\s*=\s*)?/.exec(text)!;
  if (!positional && leading[1] === undefined) return undefined;
  const quoted = QUOTED.exec(text.slice(leading[0].length));
  if (!quoted) return undefined;
  // The literal must end the argument (`"a" if x else "b"` is an expression).
  if (!/^\s*(?:[,)]|$)/.test(text.slice(leading[0].length + quoted[0].length))) return undefined;
  const valueStart = column + leading[0].length + quoted[0].indexOf(quoted[1]) + 1;
  return { value: quoted[2], span: { line, start: valueStart, end: valueStart + quoted[2].length }, keyword: leading[1] !== undefined };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// Lookups

export type UdfAtPosition =
  | { kind: 'definition'; definition: UdfDefinition; span: TextSpan }
  | { kind: 'reference'; reference: UdfCallReference; span: TextSpan };

/** What a hover at (line, character) is about: a definition's name or `name="…"`, or a call's argument. */
export function udfAt(source: PythonUdfSource, line: number, character: number): UdfAtPosition | undefined {
  for (const reference of source.references) {
    const span = reference.span;
    // The quotes count as part of the name.
    if (span.line === line && character >= span.start - 1 && character <= span.end + 1) return { kind: 'reference', reference, span };
  }
  for (const definition of source.definitions) {
    const span = definition.nameSpan;
    if (span.line === line && character >= span.start && character <= span.end) return { kind: 'definition', definition, span };
    const named = definition.decoratorName?.span;
    if (named && named.line === line && character >= named.start - 1 && character <= named.end + 1) return { kind: 'definition', definition, span: named };
  }
  return undefined;
}

/** References whose runs are worth fetching when the file opens: not in comments, not helper modules. */
export function prefetchedReferences(source: PythonUdfSource): UdfCallReference[] {
  return source.references.filter((reference) => !reference.inComment && !(reference.call === 'load' && isUtilityModule(reference.target)));
}
