// The text of each run document, from the record alone. Pure: the file system provider encodes
// it, tests read it directly. A missing or null field gives a document that says so.
import * as l10n from '@vscode/l10n';
import type { AuditLogRecord } from '../api/types';
import { stripAnsi } from '../text/ansi';
import type { RunFile } from '../shared/runUri';
import { parseUdfData, type ParsedUdfData } from '../shared/udfData';

/** The run has no such document (e.g. a header module its udf_data does not contain). */
export class RunDocumentNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunDocumentNotFoundError';
  }
}

/** Which document "the code" of a run is: Python, or the raw payload as text. */
export function codeFileFor(parsed: ParsedUdfData): RunFile {
  return parsed.kind === 'text' ? { kind: 'udf_data' } : { kind: 'code' };
}

export function runDocumentText(record: AuditLogRecord, file: RunFile, parsed: ParsedUdfData = parseUdfData(record.udf_data)): string {
  return visibleNul(rawDocumentText(record, file, parsed));
}

/**
 * NUL characters make VS Code take a file for binary and refuse to open it; a recorded NUL is
 * shown as U+2400 (␀), the symbol for it. Other control characters are left to the editor,
 * which renders them visibly.
 */
export function visibleNul(text: string): string {
  return text.indexOf('\u0000') === -1 ? text : text.replaceAll('\u0000', '\u2400');
}

function rawDocumentText(record: AuditLogRecord, file: RunFile, parsed: ParsedUdfData): string {
  switch (file.kind) {
    case 'code':
      if (parsed.kind === 'missing') return `${l10n.t('# This run recorded no code: {0}.', describeAbsence(record, 'udf_data'))}\n`;
      // A text payload asked for as code.py (e.g. a restored tab): shown as recorded, not lost.
      return parsed.code ?? parsed.raw;
    case 'udf_data':
      return parsed.kind === 'missing' ? `${l10n.t('This run recorded no udf_data: {0}.', describeAbsence(record, 'udf_data'))}\n` : parsed.raw;
    case 'stderr':
    case 'stdout':
      return logText(record, file.kind);
    case 'header': {
      const header = parsed.headers.find((h) => h.module_name === file.module);
      if (!header) {
        const available = parsed.headers.map((h) => h.module_name);
        throw new RunDocumentNotFoundError(
          available.length
            ? l10n.t('Run {0} has no header module "{1}"; it has {2}.', record.id, file.module, available.map((m) => `"${m}"`).join(', '))
            : l10n.t('Run {0} has no header module "{1}"; its udf_data lists no header modules.', record.id, file.module),
        );
      }
      return header.source_code;
    }
  }
}

function logText(record: AuditLogRecord, field: 'stderr' | 'stdout'): string {
  const value = record[field];
  if (typeof value === 'string' && value.length > 0) return stripAnsi(value).text;
  let text = `${l10n.t('# This run recorded no {0}: {1}.', field, describeAbsence(record, field))}\n`;
  if (field === 'stderr' && (record.execution_time === null || record.execution_time === undefined)) {
    // The documented caveat: infrastructure failures (timeouts, crashes) may not populate stderr.
    text += `${l10n.t('# The run never reported an execution time (it did not complete); infrastructure failures such as timeouts or crashes may leave stderr empty.')}\n`;
  }
  return text;
}

function describeAbsence(record: AuditLogRecord, field: 'stderr' | 'stdout' | 'udf_data'): string {
  if (!(field in record) || record[field] === undefined) return l10n.t('the {0} field is absent from the record', field);
  if (record[field] === null) return l10n.t('{0} is null', field);
  return l10n.t('{0} is empty', field);
}
