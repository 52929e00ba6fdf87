import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CancelledError, ServerError } from '../../src/api/errors';
import { RECORD_FIELDS, type AuditLogRecord } from '../../src/api/types';
import { parse } from 'csv-parse/sync';
import { csvHeader, csvRow, exportFileName, jsonlLine } from '../../src/commands/exportFormat';
import { csvCell, guardFormula } from '../../src/text/safeText';
import { FORMULA_VARIANTS, LEGIT_PLAIN_CODE, LEGIT_SERIALIZED_CODE } from '../fixtures/hostile';

/** The export read back with an independent RFC 4180 parser (csv-parse), not our own code. */
function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: false, record_delimiter: '\r\n' }) as string[][];
}
import { PartialExportError, writeExport } from '../../src/commands/exportWriter';

function record(n: number, extra: Partial<AuditLogRecord> = {}): AuditLogRecord {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    timestamp: `2026-11-25T10:${String(n % 60).padStart(2, '0')}:00Z`,
    udf_name: 'census_join',
    execution_time: n / 10,
    cache: n % 2 === 0,
    stderr: null,
    ...extra,
  };
}

describe('CSV cells (RFC 4180)', () => {
  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('line1\nline2'), '"line1\nline2"');
    assert.equal(csvCell('cr\r'), '"cr\r"');
  });
  it('writes null and absent as empty, numbers and booleans as text', () => {
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(undefined), '');
    assert.equal(csvCell(1.25), '1.25');
    assert.equal(csvCell(false), 'false');
  });
  it('neutralises formula-looking text but not numbers', () => {
    for (const start of ['=', '+', '-', '@', '\t']) assert.equal(guardFormula(`${start}HYPERLINK("x")`), `'${start}HYPERLINK("x")`);
    assert.equal(csvCell('=1+1'), "'=1+1");
    assert.equal(csvCell('=cmd|"/c calc"!A1'), `"'=cmd|""/c calc""!A1"`);
    assert.equal(csvCell(-3), '-3');
  });
  it('header lists every documented field; rows round-trip through the parser', () => {
    assert.equal(csvHeader(), `${RECORD_FIELDS.join(',')}\r\n`);
    const hostile = record(1, { stderr: 'Traceback:\r\n  "x", y\n=2+3', stdout: 'ünïcode ✓, ok', udf_data: '' });
    const rows = parseCsv(csvHeader() + csvRow(hostile) + csvRow(record(2)));
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[0], [...RECORD_FIELDS]);
    const cells = Object.fromEntries(rows[1].map((value, i) => [RECORD_FIELDS[i], value]));
    assert.equal(cells.stderr, hostile.stderr);
    assert.equal(cells.stdout, hostile.stdout);
    assert.equal(cells.execution_time, '0.1');
    assert.equal(cells.cache, 'false');
    assert.equal(cells.user_email, '');
    assert.equal(rows[2][0], record(2).id);
  });
  it('every formula variant in every text column comes back guarded, and exact once one apostrophe is removed', () => {
    const textColumns = ['exec_env_id', 'user_id', 'user_email', 'udf_id', 'udf_name', 'execution_engine', 'stdout', 'stderr', 'udf_data', 'shared_token', 'client_ip'] as const;
    const records = FORMULA_VARIANTS.map((variant, i) => record(i, Object.fromEntries(textColumns.map((c) => [c, variant])) as Partial<AuditLogRecord>));
    const rows = parseCsv(csvHeader() + records.map((r) => csvRow(r)).join(''));
    assert.equal(rows.length, records.length + 1);
    rows.slice(1).forEach((row, i) => {
      for (const column of textColumns) {
        const cell = row[RECORD_FIELDS.indexOf(column)];
        assert.ok(cell.startsWith("'"), `${column} = ${JSON.stringify(FORMULA_VARIANTS[i])} is not guarded: ${JSON.stringify(cell)}`);
        assert.equal(cell.slice(1), FORMULA_VARIANTS[i]);
      }
    });
  });
  it('keeps recorded UDF code in udf_data exact', () => {
    const rows = parseCsv(csvHeader() + csvRow(record(1, { udf_data: LEGIT_PLAIN_CODE })) + csvRow(record(2, { udf_data: LEGIT_SERIALIZED_CODE })));
    assert.equal(rows[1][RECORD_FIELDS.indexOf('udf_data')], LEGIT_PLAIN_CODE);
    assert.equal(rows[2][RECORD_FIELDS.indexOf('udf_data')], LEGIT_SERIALIZED_CODE);
  });
});

describe('JSON Lines', () => {
  it('one line per record, every field present, extras kept, newlines escaped', () => {
    const line = jsonlLine({ ...record(3, { stdout: 'a\nb\u2028c' }), ...({ extra: 1 } as object) } as AuditLogRecord);
    assert.equal(line.endsWith('\n'), true);
    assert.equal(line.indexOf('\n'), line.length - 1);
    const parsed = JSON.parse(line);
    assert.deepEqual(Object.keys(parsed), [...RECORD_FIELDS, 'extra']);
    assert.equal(parsed.stdout, 'a\nb\u2028c');
    assert.equal(parsed.client_ip, null);
  });
});

describe('exportFileName', () => {
  it('is safe on every file system', () => {
    assert.equal(exportFileName('udf_name = census/join · exec env', 'csv', new Date('2026-11-26T02:00:00Z')), 'fused-runs-udf_name-census-join-exec-env-2026-11-26.csv');
    assert.equal(exportFileName('', 'jsonl', new Date('2026-11-26T02:00:00Z')), 'fused-runs-2026-11-26.jsonl');
  });
});

describe('writeExport (real files)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fused-export-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function* pagesOf(...pages: AuditLogRecord[][]) {
    for (const items of pages) yield { items };
  }

  it('streams pages to JSONL, skipping repeated ids, and reports progress', async () => {
    const target = path.join(dir, 'runs.jsonl');
    const progress: number[] = [];
    const result = await writeExport({ target, format: 'jsonl', pages: pagesOf([record(1), record(2)], [record(2), record(3)]), onProgress: (n) => progress.push(n) });
    assert.equal(result.written, 3);
    assert.deepEqual(progress, [2, 3]);
    const lines = (await readFile(target, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.id), [record(1).id, record(2).id, record(3).id]);
    assert.equal(result.bytes, (await readFile(target)).length);
    assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.part')), []);
  });

  it('writes large fields through backpressure (5 MB) and the CSV parses back', async () => {
    const target = path.join(dir, 'big.csv');
    const big = 'x,"y"\n'.repeat(1_000_000 / 6) + 'end';
    const records = Array.from({ length: 5 }, (_, i) => record(i, { stderr: big }));
    const result = await writeExport({ target, format: 'csv', pages: pagesOf(records.slice(0, 2), records.slice(2)) });
    assert.equal(result.written, 5);
    const rows = parseCsv(await readFile(target, 'utf8'));
    assert.equal(rows.length, 6);
    assert.equal(rows[5][RECORD_FIELDS.indexOf('stderr')], big);
  });

  it('cancelled: removes the partial file and leaves an existing target untouched', async () => {
    const target = path.join(dir, 'keep.jsonl');
    await writeFile(target, 'previous content\n');
    const controller = new AbortController();
    async function* pages() {
      yield { items: [record(1)] };
      controller.abort();
      yield { items: [record(2)] };
    }
    await assert.rejects(writeExport({ target, format: 'jsonl', pages: pages(), signal: controller.signal }), CancelledError);
    assert.equal(await readFile(target, 'utf8'), 'previous content\n');
    assert.deepEqual((await readdir(dir)).filter((f) => f.includes('keep.jsonl.')), []);
  });

  it('a failure after some records keeps them and says how many', async () => {
    const target = path.join(dir, 'partial.csv');
    async function* pages() {
      yield { items: [record(1), record(2)] };
      throw new ServerError(503);
    }
    const error = await writeExport({ target, format: 'csv', pages: pages() }).then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof PartialExportError);
    assert.equal(error.written, 2);
    assert.match(error.message, /stopped after 2 records: Fused had a server error \(503\)/);
    assert.equal(parseCsv(await readFile(target, 'utf8')).length, 3);
  });

  it('a failure before any record writes nothing and rethrows it', async () => {
    const target = path.join(dir, 'none.csv');
    async function* pages(): AsyncGenerator<{ items: AuditLogRecord[] }> {
      if (target) throw new ServerError(500);
      yield { items: [] };
    }
    await assert.rejects(writeExport({ target, format: 'csv', pages: pages() }), ServerError);
    assert.deepEqual((await readdir(dir)).filter((f) => f.includes('none.csv')), []);
  });
});
