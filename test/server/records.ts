// Validation of audit-log records coming from outside the generator: a `--data` JSONL file
// (one record per line) or the admin endpoint. Every problem names the line and the field.

import { readFile } from 'node:fs/promises';
import { RECORD_FIELDS, type AuditLogRecord } from '../../src/api/types';
import { parseIsoMicros } from './iso';

const STRING_FIELDS = ['exec_env_id', 'user_id', 'user_email', 'udf_id', 'udf_name', 'execution_engine', 'stdout', 'stderr', 'udf_data', 'shared_token', 'client_ip'] as const;
const KNOWN_FIELDS = new Set<string>(RECORD_FIELDS);

/** Returns the problem with a parsed value as a record, or undefined when it is valid. */
export function recordProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a JSON object (one record)';
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length > 0) return `unknown field(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; allowed: ${RECORD_FIELDS.join(', ')}`;
  if (typeof record.id !== 'string' || record.id.length === 0) return 'field "id" must be a non-empty string';
  if (typeof record.timestamp !== 'string') return 'field "timestamp" must be a string (ISO 8601 with a UTC offset)';
  const parsed = parseIsoMicros(record.timestamp);
  if (!parsed.ok) return `field "timestamp" ${JSON.stringify(record.timestamp)}: ${parsed.reason}`;
  for (const field of STRING_FIELDS) {
    const fieldValue = record[field];
    if (fieldValue !== undefined && fieldValue !== null && typeof fieldValue !== 'string') return `field "${field}" must be a string or null, got ${typeof fieldValue}`;
  }
  const time = record.execution_time;
  if (time !== undefined && time !== null && (typeof time !== 'number' || !Number.isFinite(time))) return 'field "execution_time" must be a number (seconds) or null';
  const cache = record.cache;
  if (cache !== undefined && cache !== null && typeof cache !== 'boolean') return 'field "cache" must be true, false or null';
  return undefined;
}

/** Parses JSONL text into records; throws one Error listing the first problems with line numbers. */
export function parseRecordsJsonl(text: string, sourceName: string): AuditLogRecord[] {
  const records: AuditLogRecord[] = [];
  const problems: string[] = [];
  const firstLineOfId = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (line.trim() === '' || problems.length >= 10) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push(`${sourceName}:${lineNumber}: invalid JSON (${(error as Error).message})`);
      return;
    }
    const problem = recordProblem(value);
    if (problem) {
      problems.push(`${sourceName}:${lineNumber}: ${problem}`);
      return;
    }
    const record = value as AuditLogRecord;
    const earlier = firstLineOfId.get(record.id);
    if (earlier !== undefined) {
      problems.push(`${sourceName}:${lineNumber}: duplicate id ${JSON.stringify(record.id)} (first seen on line ${earlier})`);
      return;
    }
    firstLineOfId.set(record.id, lineNumber);
    records.push(record);
  });
  if (problems.length > 0) {
    throw new Error(`cannot load audit-log records from ${sourceName}:\n  ${problems.join('\n  ')}${problems.length >= 10 ? '\n  (stopped after 10 problems)' : ''}`);
  }
  return records;
}

export async function loadRecordsFile(path: string): Promise<AuditLogRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read audit-log records from ${path}: ${(error as Error).message}`);
  }
  return parseRecordsJsonl(text, path);
}
