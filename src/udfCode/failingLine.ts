// The line of your own file that raised in the latest (failed) run of a UDF. Only when the
// code that ran is the code you have: the same text as the local function (or the whole
// file), or the same after normalising whitespace (line endings, trailing blanks, blank lines,
// indentation of the whole block, runs of spaces). The traceback's innermost frame in the UDF's
// own code gives the run's line; the match maps it to yours. Pure.
import * as l10n from '@vscode/l10n';
import { runStatus } from '../api/status';
import type { AuditLogRecord } from '../api/types';
import { errorSummary, findTracebackFrames, frameTargets } from '../shared/traceback';
import { parseUdfData } from '../shared/udfData';
import { analyzePythonUdfs, splitLines } from './udfSource';

export interface LocalUdfCode {
  /** Every line of the local file (or notebook cell). */
  lines: readonly string[];
  /** The function: its first decorator line to its last body line (0-based, inclusive). */
  firstLine: number;
  lastLine: number;
  functionName: string;
}

export interface FailingLine {
  /** 0-based line in the local file. */
  line: number;
  /** The exception, e.g. `KeyError: 'lat'` (record text: the caller shows it as text). */
  message: string;
  /** 1-based line in the run's code that the traceback named. */
  runLine: number;
  /** How the code matched. */
  match: 'exact' | 'whitespace';
}

export type FailingLineResult = { ok: true; failing: FailingLine } | { ok: false; reason: string };

export function failingLine(local: LocalUdfCode, record: AuditLogRecord): FailingLineResult {
  if (runStatus(record) !== 'failed') return { ok: false, reason: 'the run did not fail' };
  const parsed = parseUdfData(record.udf_data);
  if (!parsed.code) return { ok: false, reason: 'the run recorded no code' };
  const runLines = splitLines(parsed.code);
  const frames = findTracebackFrames(record.stderr ?? '');
  const targets = frameTargets(frames, {
    udfName: record.udf_name,
    entrypoint: parsed.entrypoint ?? local.functionName,
    codeLineCount: runLines.length,
    headers: parsed.headers.map((header) => ({ module_name: header.module_name, source_file: header.source_file, lineCount: splitLines(header.source_code).length })),
  });
  // The innermost frame in the UDF's own code: the line of the user's code that raised.
  let runLine: number | undefined;
  for (let index = targets.length - 1; index >= 0; index--) {
    const target = targets[index];
    if (target?.kind === 'code') {
      runLine = target.line;
      break;
    }
  }
  if (runLine === undefined) return { ok: false, reason: 'the traceback names no line of the UDF’s code' };

  // The whole file first (frames in helpers outside the function map too), then the function alone.
  const whole = mapLine(local.lines, 0, local.lines.length - 1, runLines, 0, runLines.length - 1, runLine - 1);
  let mapped = whole;
  if (!mapped) {
    const runFunction = functionSpan(runLines, parsed.entrypoint ?? local.functionName);
    if (!runFunction) return { ok: false, reason: 'the run’s code has no such function' };
    mapped = mapLine(local.lines, local.firstLine, local.lastLine, runLines, runFunction.firstLine, runFunction.lastLine, runLine - 1);
    if (mapped === null) return { ok: false, reason: 'the line that raised is outside the function' };
  }
  if (!mapped) return { ok: false, reason: 'the local code differs from the code that ran' };
  const message = errorSummary(record.stderr, 500) || l10n.t('The run failed');
  return { ok: true, failing: { line: mapped.line, message, runLine, match: mapped.match } };
}

function functionSpan(lines: readonly string[], entrypoint: string): { firstLine: number; lastLine: number } | undefined {
  const source = analyzePythonUdfs(lines);
  const definition = source.definitions.find((d) => d.functionName === entrypoint) ?? (source.definitions.length === 1 ? source.definitions[0] : undefined);
  if (definition) return { firstLine: definition.firstLine, lastLine: definition.lastLine };
  // Recorded code without the decorator: find `def <entrypoint>(` at the left margin.
  const def = lines.findIndex((line) => new RegExp(`^(?:async\\s+)?def\\s+${entrypoint.replace(/[^\w]/g, '')}\\s*\\(`).test(line));
  if (def < 0) return undefined;
  let last = def;
  for (let i = def + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    if (!/^\s/.test(lines[i])) break;
    last = i;
  }
  return { firstLine: def, lastLine: last };
}

/**
 * Maps `runLine` (0-based) of run[runFirst..runLast] to the local line of local[localFirst..localLast]
 * when the two blocks are the same code. undefined: they differ; null: same code but the line is
 * outside the run block.
 */
function mapLine(
  local: readonly string[],
  localFirst: number,
  localLast: number,
  run: readonly string[],
  runFirst: number,
  runLast: number,
  runLine: number,
): { line: number; match: 'exact' | 'whitespace' } | undefined | null {
  const localBlock = trimBlank(local, localFirst, localLast);
  const runBlock = trimBlank(run, runFirst, runLast);
  if (!localBlock || !runBlock) return undefined;
  const exact =
    localBlock.last - localBlock.first === runBlock.last - runBlock.first &&
    local.slice(localBlock.first, localBlock.last + 1).every((line, i) => line === run[runBlock.first + i]);
  if (exact) {
    if (runLine < runBlock.first || runLine > runBlock.last) return null;
    return { line: localBlock.first + (runLine - runBlock.first), match: 'exact' };
  }
  const localCode = normalisedLines(local, localBlock.first, localBlock.last);
  const runCode = normalisedLines(run, runBlock.first, runBlock.last);
  if (localCode.length !== runCode.length || localCode.some((line, i) => line.text !== runCode[i].text)) return undefined;
  const position = runCode.findIndex((line) => line.index === runLine);
  if (position < 0) return null;
  return { line: localCode[position].index, match: 'whitespace' };
}

function trimBlank(lines: readonly string[], first: number, last: number): { first: number; last: number } | undefined {
  let start = Math.max(0, first);
  let end = Math.min(lines.length - 1, last);
  while (start <= end && lines[start].trim() === '') start++;
  while (end >= start && lines[end].trim() === '') end--;
  return start <= end ? { first: start, last: end } : undefined;
}

/** Non-blank lines with the block's common indentation removed and whitespace runs collapsed. */
function normalisedLines(lines: readonly string[], first: number, last: number): { text: string; index: number }[] {
  const kept: { raw: string; index: number }[] = [];
  for (let i = first; i <= last; i++) {
    const raw = lines[i].replace(/\t/g, '    ').replace(/\s+$/, '');
    if (raw !== '') kept.push({ raw, index: i });
  }
  const indent = Math.min(...kept.map((line) => line.raw.length - line.raw.trimStart().length));
  return kept.map((line) => {
    const body = line.raw.slice(indent);
    const leading = body.length - body.trimStart().length;
    // Indentation keeps its depth (it is Python's syntax); other whitespace runs become one space.
    return { text: ' '.repeat(leading) + body.trimStart().replace(/\s+/g, ' '), index: line.index };
  });
}
