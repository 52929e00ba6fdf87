import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditLogRecord } from '../../src/api/types';
import { findPreviousRunWithDifferentCode, sameUdfQuery } from '../../src/documents/previousRun';
import { codeFileFor, runDocumentText, RunDocumentNotFoundError } from '../../src/documents/runContents';
import { parseUdfData } from '../../src/shared/udfData';

const CODE = '@fused.udf\ndef udf(n: int = 1):\n    return n\n';
const base: AuditLogRecord = { id: 'r1', timestamp: '2026-11-25T10:00:00+00:00', udf_name: 'demo', udf_id: 'u1', execution_time: 1.5 };

test('code.py shows the serialized code, or plain code; udf_data.txt the payload verbatim', () => {
  const json = JSON.stringify({ name: 'demo', code: CODE, headers: [{ module_name: 'utils', source_code: 'X = 1\n' }] });
  const record = { ...base, udf_data: json };
  assert.equal(runDocumentText(record, { kind: 'code' }), CODE);
  assert.equal(runDocumentText(record, { kind: 'udf_data' }), json);
  assert.equal(runDocumentText(record, { kind: 'header', module: 'utils' }), 'X = 1\n');
  assert.equal(runDocumentText({ ...base, udf_data: CODE }, { kind: 'code' }), CODE);
  assert.deepEqual(codeFileFor(parseUdfData(CODE)), { kind: 'code' });
  assert.deepEqual(codeFileFor(parseUdfData('just some words')), { kind: 'udf_data' });
  assert.equal(runDocumentText({ ...base, udf_data: 'just some words' }, { kind: 'code' }), 'just some words', 'a text payload asked for as code.py is shown, not lost');
});

test('missing fields open documents that say so, distinguishing null, empty and absent', () => {
  assert.equal(runDocumentText({ ...base, stderr: null }, { kind: 'stderr' }), '# This run recorded no stderr: stderr is null.\n');
  assert.equal(runDocumentText({ ...base, stdout: '' }, { kind: 'stdout' }), '# This run recorded no stdout: stdout is empty.\n');
  assert.equal(runDocumentText(base, { kind: 'stdout' }), '# This run recorded no stdout: the stdout field is absent from the record.\n');
  assert.match(runDocumentText({ ...base, udf_data: null }, { kind: 'code' }), /^# This run recorded no code: udf_data is null\.\n$/);
  assert.match(runDocumentText({ ...base, udf_data: '  ' }, { kind: 'udf_data' }), /no udf_data: udf_data is empty/);
  const incomplete = runDocumentText({ ...base, execution_time: null, stderr: null }, { kind: 'stderr' });
  assert.match(incomplete, /no stderr: stderr is null\.\n# The run never reported an execution time/);
});

test('logs are shown with ANSI escapes stripped and hostile text kept as text', () => {
  const stderr = '\u001b[31mValueError\u001b[0m: <script>alert(1)</script> [x](command:evil)\n';
  assert.equal(runDocumentText({ ...base, stderr }, { kind: 'stderr' }), 'ValueError: <script>alert(1)</script> [x](command:evil)\n');
});

test('NUL characters (which make VS Code call a file binary) are shown as the ␀ symbol', () => {
  assert.equal(runDocumentText({ ...base, stdout: 'a\u0000b\u0000' }, { kind: 'stdout' }), 'a\u2400b\u2400');
  assert.equal(runDocumentText({ ...base, udf_data: 'x = "\u0000"\nimport os\n' }, { kind: 'code' }), 'x = "\u2400"\nimport os\n');
});

test('an unknown header module is a clear error naming the modules that exist', () => {
  const record = { ...base, udf_data: JSON.stringify({ code: CODE, headers: [{ module_name: 'utils', source_code: '' }] }) };
  assert.throws(() => runDocumentText(record, { kind: 'header', module: 'nope' }), (e: unknown) => e instanceof RunDocumentNotFoundError && /no header module "nope"; it has "utils"/.test(e.message));
  assert.throws(() => runDocumentText({ ...base, udf_data: CODE }, { kind: 'header', module: 'x' }), /lists no header modules/);
});

function run(id: string, timestamp: string, code: string | null): AuditLogRecord {
  return { ...base, id, timestamp, udf_data: code };
}

async function* pagesOf(...pages: AuditLogRecord[][]): AsyncGenerator<{ items: AuditLogRecord[] }> {
  for (const items of pages) yield { items };
}

test('previous run: skips the current run, later runs, runs without code and runs with the same code', async () => {
  const current = run('cur', '2026-11-25T10:00:00+00:00', CODE);
  const result = await findPreviousRunWithDifferentCode(
    current,
    pagesOf(
      [run('newer', '2026-11-25T11:00:00+00:00', 'def other(): pass\n'), current, run('same1', '2026-11-25T09:00:00+00:00', CODE.replace(/\n/g, '\r\n'))],
      [run('nocode', '2026-11-25T08:00:00+00:00', null), run('diff', '2026-11-25T07:00:00+00:00', 'def udf(): return 2\n'), run('older', '2026-11-25T06:00:00+00:00', 'x = 1\n')],
    ),
    1000,
  );
  assert.equal(result.found?.id, 'diff');
  assert.equal(result.sameCode, 1);
  assert.deepEqual(result.earlier.map((r) => r.id), ['same1', 'nocode', 'diff']);
});

test('previous run: ties at the same timestamp count as earlier only when listed after the current run', async () => {
  const current = run('cur', '2026-11-25T10:00:00+00:00', CODE);
  const before = await findPreviousRunWithDifferentCode(current, pagesOf([run('tieFirst', current.timestamp, 'a = 1\n'), current, run('tieAfter', current.timestamp, 'b = 2\n')]), 100);
  assert.equal(before.found?.id, 'tieAfter');
});

test('previous run: the budget stops the walk and says so; nothing found when all code is the same', async () => {
  const current = run('cur', '2026-11-25T10:00:00+00:00', CODE);
  const same = (i: number) => run(`s${i}`, `2026-11-2${4 - Math.floor(i / 10)}T0${i % 10}:00:00+00:00`, CODE);
  const pages = [[current, same(0), same(1)], [same(2), same(3)], [same(4), run('late', '2026-11-20T00:00:00+00:00', 'z = 0\n')]];
  const limited = await findPreviousRunWithDifferentCode(current, pagesOf(...pages), 4);
  assert.equal(limited.found, undefined);
  assert.equal(limited.budgetSpent, true);
  assert.equal(limited.sameCode, 4);
  const full = await findPreviousRunWithDifferentCode(current, pagesOf(...pages), 1000);
  assert.equal(full.found?.id, 'late');
  const none = await findPreviousRunWithDifferentCode(current, pagesOf([current, same(0)]), 1000);
  assert.deepEqual([none.found, none.budgetSpent, none.sameCode], [undefined, false, 1]);
});

test('the same-UDF query prefers udf_id, falls back to udf_name, ends at the run, newest first', () => {
  assert.deepEqual(sameUdfQuery(base), { scan_forward: false, limit: 100, udf_id: 'u1', end_timestamp: base.timestamp });
  assert.deepEqual(sameUdfQuery({ ...base, udf_id: null }), { scan_forward: false, limit: 100, udf_name: 'demo', end_timestamp: base.timestamp });
  assert.equal(sameUdfQuery({ id: 'x', timestamp: base.timestamp, udf_id: null, udf_name: null }), undefined);
  assert.equal(sameUdfQuery({ ...base, timestamp: '2026-11-25T10:00:00' })?.end_timestamp, undefined, 'a timestamp without offset is not sent as a bound');
});
