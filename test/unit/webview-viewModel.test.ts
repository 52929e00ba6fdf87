import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RECORD_FIELDS, type AuditLogRecord } from '../../src/api/types';
import type { FieldRow, RecordView } from '../../src/webview/protocol';
import { visibleText } from '../../src/text/safeText';
import { boundText, buildRecordView, countLines, fieldState, formatSize, prettyJson } from '../../src/webview/viewModel';

const NOW = new Date('2026-11-25T20:00:00Z');
const ZONE = 'America/New_York';

function fullRecord(overrides: Partial<AuditLogRecord> = {}): AuditLogRecord {
  return {
    id: 'rec-0001',
    timestamp: '2026-11-25T19:03:12.250000+00:00',
    exec_env_id: 'env-42',
    user_id: 'user-7',
    user_email: 'ana@example.com',
    udf_id: 'udf-9f1',
    udf_name: 'buildings_in_bbox',
    execution_engine: 'realtime',
    execution_time: 4.213,
    cache: false,
    stdout: 'loaded 12 tiles\n',
    stderr: '',
    udf_data: '@fused.udf\ndef udf(bbox):\n    return bbox\n',
    shared_token: 'fsh_abc',
    client_ip: '203.0.113.9',
    ...overrides,
  };
}

function rows(view: RecordView): Map<string, FieldRow> {
  return new Map(view.groups.flatMap((group) => group.rows).map((row) => [row.field, row]));
}

describe('webview view model: every field, grouped', () => {
  it('shows each of the 15 contract fields exactly once, in run/who/where/outcome order', () => {
    const view = buildRecordView(fullRecord(), { now: NOW, timeZone: ZONE });
    assert.deepEqual(
      view.groups.map((g) => g.key),
      ['run', 'who', 'where', 'outcome'],
    );
    const shown = [...view.groups.flatMap((g) => g.rows.map((r) => r.field)), ...view.previews.map((p) => p.field)].filter((f) => f !== 'status');
    assert.equal(shown.length, RECORD_FIELDS.length);
    assert.deepEqual([...shown].sort(), [...RECORD_FIELDS].sort());
    assert.deepEqual(
      view.groups.find((g) => g.key === 'who')?.rows.map((r) => r.field),
      ['user_email', 'user_id', 'client_ip', 'shared_token'],
    );
  });

  it('formats time as local + ISO, duration, cache and status', () => {
    const view = buildRecordView(fullRecord(), { now: NOW, timeZone: ZONE });
    const byField = rows(view);
    assert.equal(byField.get('timestamp')?.text, '2026-11-25 14:03:12 EST');
    assert.equal(byField.get('timestamp')?.secondary, '2026-11-25T19:03:12.250000+00:00');
    assert.equal(byField.get('execution_time')?.text, '4.2 s');
    assert.equal(byField.get('execution_time')?.secondary, '4.213 s');
    assert.equal(byField.get('cache')?.text, 'miss');
    assert.equal(byField.get('status')?.text, 'Succeeded');
    assert.equal(view.cache, 'miss');
    assert.equal(view.relative, '56 min ago');
    assert.equal(view.title, 'buildings_in_bbox · 2026-11-25 14:03');
    assert.equal(view.heading, 'buildings_in_bbox');
  });

  it('tells absent, null and empty apart', () => {
    const record: AuditLogRecord = { id: 'r1', timestamp: '2026-11-25T19:00:00Z', user_email: null, stderr: '', stdout: '   ', cache: null };
    const view = buildRecordView(record, { now: NOW, timeZone: ZONE });
    const byField = rows(view);
    assert.equal(byField.get('user_email')?.state, 'null');
    assert.equal(byField.get('user_id')?.state, 'absent');
    assert.equal(byField.get('cache')?.state, 'null');
    assert.equal(byField.get('execution_time')?.state, 'absent');
    const stderr = view.previews.find((p) => p.field === 'stderr');
    const stdout = view.previews.find((p) => p.field === 'stdout');
    const code = view.previews.find((p) => p.field === 'udf_data');
    assert.equal(stderr?.state, 'empty');
    assert.equal(stderr?.note, 'Empty');
    assert.equal(stdout?.state, 'empty');
    assert.equal(stdout?.note, 'Blank (whitespace only)');
    assert.equal(code?.state, 'absent');
    assert.equal(view.status, 'incomplete');
    assert.equal(rows(view).get('execution_time')?.state, 'absent');
    assert.equal(view.cache, 'unknown');
    assert.equal(view.udfData.kind, 'missing');
    // Without a udf_name the title falls back to the udf_id, then to a fixed label.
    assert.equal(view.heading, 'Unnamed UDF');
    assert.equal(buildRecordView({ ...record, udf_id: 'udf-x' }, { now: NOW, timeZone: ZONE }).heading, 'udf-x');
    assert.equal(view.udfName, null);
  });

  it('fieldState distinguishes a key set to undefined from a missing key the same way (absent)', () => {
    assert.equal(fieldState({ id: 'a', timestamp: 't', udf_id: undefined }, 'udf_id'), 'absent');
    assert.equal(fieldState({ id: 'a', timestamp: 't' }, 'udf_id'), 'absent');
    assert.equal(fieldState({ id: 'a', timestamp: 't', udf_id: '' }, 'udf_id'), 'empty');
  });
});

describe('webview view model: hostile text stays text', () => {
  it('keeps HTML and markdown verbatim, strips ANSI and makes control characters visible', () => {
    const hostile = '<script>window.__pwned = 1</script><img src=x onerror="alert(1)">[click](command:workbench.action.quit)';
    const view = buildRecordView(
      fullRecord({ udf_name: hostile, user_email: 'a\u0007b', stderr: '\u001b[31mValueError\u001b[0m: bad <b>input</b>\n' }),
      { now: NOW, timeZone: ZONE },
    );
    const byField = rows(view);
    assert.equal(byField.get('udf_name')?.text, hostile);
    assert.equal(byField.get('user_email')?.text, 'a⟨U+0007⟩b');
    const stderr = view.previews.find((p) => p.field === 'stderr');
    assert.equal(stderr?.text, 'ValueError: bad <b>input</b>');
    assert.equal(view.status, 'failed');
    assert.equal(view.heading.includes('<script>'), true);
  });

  it('shows bidi overrides and zero-width characters as ⟨U+XXXX⟩, but keeps emoji joiners', () => {
    assert.equal(visibleText('invoice\u202Egnp.exe'), 'invoice⟨U+202E⟩gnp.exe');
    assert.equal(visibleText('a\u200Bb\uFEFF'), 'a⟨U+200B⟩b⟨U+FEFF⟩');
    assert.equal(visibleText('👩\u200D👩\u200D👧'), '👩\u200D👩\u200D👧');
    const view = buildRecordView(fullRecord({ udf_name: 'x\u202Eyz\u001b[1m', stdout: 'ok \u2066isolated\u2069 \u001b[1mbold\u001b[0m\ttab\n' }), { now: NOW, timeZone: ZONE });
    assert.equal(view.heading, 'x⟨U+202E⟩yz⟨U+001B⟩[1m');
    // Log previews lose their colour codes (the documents show the colours).
    assert.equal(view.previews.find((p) => p.field === 'stdout')?.text, 'ok ⟨U+2066⟩isolated⟨U+2069⟩ bold\ttab');
  });

  it('flattens a multi-line name for the title and heading, and cuts a long one', () => {
    const view = buildRecordView(fullRecord({ udf_name: 'line1\nline2\u0000' }), { now: NOW, timeZone: ZONE });
    assert.equal(view.heading, 'line1 line2⟨U+0000⟩');
    const long = buildRecordView(fullRecord({ udf_name: `long_${'n'.repeat(4995)}` }), { now: NOW, timeZone: ZONE });
    assert.equal(long.heading.length, 80);
    assert.ok(long.heading.endsWith('…'));
    assert.equal(rows(long).get('udf_name')?.text.length, 5000, 'the field shows the whole name');
    assert.ok(!view.title.includes('\n'));
  });
});

describe('webview view model: bounded previews', () => {
  it('shows the last lines of stderr, with a note saying how much', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i + 1}`);
    const view = buildRecordView(fullRecord({ stderr: `${lines.join('\n')}\n` }), { now: NOW, timeZone: ZONE, bounds: { maxLines: 5, maxChars: 4096 } });
    const stderr = view.previews.find((p) => p.field === 'stderr');
    assert.equal(stderr?.mode, 'tail');
    assert.equal(stderr?.text, 'line 196\nline 197\nline 198\nline 199\nline 200');
    assert.equal(stderr?.truncated, true);
    assert.equal(stderr?.totalLines, 200);
    assert.equal(stderr?.note, 'Last 5 of 200 lines (1.7 KB)');
  });

  it('shows the first lines of stdout and the code of a serialized UDF', () => {
    const serialized = JSON.stringify({
      name: 'roads',
      entrypoint: 'udf',
      code: 'import fused\n\n@fused.udf\ndef udf(x: int = 1):\n    return x\n',
      headers: [{ module_name: 'utils', source_code: 'def helper():\n    pass\n' }, { module_name: 'remote', url: 'https://example.com/remote.py' }],
      metadata: { 'fused:description': 'Roads <b>near</b> you' },
      parameters: { x: 1 },
    });
    const view = buildRecordView(fullRecord({ stdout: 'a\nb\nc\nd\n', udf_data: serialized }), { now: NOW, timeZone: ZONE, bounds: { maxLines: 2, maxChars: 4096 } });
    const stdout = view.previews.find((p) => p.field === 'stdout');
    assert.equal(stdout?.text, 'a\nb');
    assert.equal(stdout?.note, 'First 2 of 4 lines (8 B)');
    const code = view.previews.find((p) => p.field === 'udf_data');
    assert.equal(code?.text, 'import fused\n');
    assert.equal(code?.openAction, 'openCode');
    assert.equal(view.udfData.kind, 'serialized');
    assert.equal(view.udfData.name, 'roads');
    assert.equal(view.udfData.entrypoint, 'udf');
    assert.equal(view.udfData.metadata, '{\n  "fused:description": "Roads <b>near</b> you"\n}');
    assert.equal(view.udfData.parameters, '{\n  "x": 1\n}');
    assert.deepEqual(view.udfData.headers, [
      { module_name: 'utils', lines: 2 },
      { module_name: 'remote', lines: 2, reference: 'https://example.com/remote.py' },
    ]);
  });

  it('keeps a 10 MB field to the character bound, quickly', () => {
    const big = 'x'.repeat(99) + '\n';
    const stderr = big.repeat(100_000) + 'ValueError: the end';
    const started = process.hrtime.bigint();
    const view = buildRecordView(fullRecord({ stderr }), { now: NOW, timeZone: ZONE });
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const preview = view.previews.find((p) => p.field === 'stderr');
    assert.ok(preview);
    assert.ok(preview.text.length <= 4096, `preview is ${preview.text.length} chars`);
    assert.ok(preview.text.endsWith('ValueError: the end'));
    assert.equal(preview.totalLines, 100_001);
    assert.equal(preview.totalChars, stderr.length);
    assert.equal(preview.truncated, true);
    assert.ok(JSON.stringify(view).length < 64 * 1024, 'the whole view model stays small');
    assert.ok(elapsedMs < 2000, `took ${elapsedMs} ms`);
  });

  it('boundText: one huge line is cut to maxChars without splitting a surrogate pair', () => {
    const emoji = '😀'.repeat(3000); // 6000 UTF-16 units on one line
    const head = boundText(emoji, 'head', { maxLines: 10, maxChars: 101 });
    assert.equal(head.truncated, true);
    assert.ok(head.text.length <= 102);
    assert.ok(!/[\uD800-\uDBFF]$/.test(head.text), 'no dangling high surrogate');
    const tail = boundText(emoji, 'tail', { maxLines: 10, maxChars: 101 });
    assert.ok(!/^[\uDC00-\uDFFF]/.test(tail.text), 'no dangling low surrogate');
  });

  it('boundText: short text is shown whole and not marked truncated; CRLF is normalised', () => {
    assert.deepEqual(boundText('a\r\nb\r\n', 'tail'), { text: 'a\nb', lines: 2, truncated: false });
    assert.deepEqual(boundText('', 'head'), { text: '', lines: 0, truncated: false });
  });

  it('countLines and formatSize', () => {
    assert.equal(countLines(''), 0);
    assert.equal(countLines('a'), 1);
    assert.equal(countLines('a\n'), 1);
    assert.equal(countLines('a\nb'), 2);
    assert.equal(countLines('\n\n'), 2);
    assert.equal(formatSize(512), '512 B');
    assert.equal(formatSize(2048), '2.0 KB');
    assert.equal(formatSize(10 * 1024 * 1024), '10.0 MB');
  });

  it('prettyJson bounds large metadata and survives values JSON cannot encode', () => {
    const large = prettyJson({ blob: 'y'.repeat(20_000) }, 100);
    assert.ok(large.startsWith('{\n  "blob": "yyy'));
    assert.match(large, /… \(20 KB in all; open the code document for the whole payload\)$/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(prettyJson(cyclic), '[object Object]');
    assert.equal(prettyJson(12n as unknown), '12');
  });
});
