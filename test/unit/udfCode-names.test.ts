// Which name the audit log records for a UDF defined in a file (decorator name=, meta.json,
// function name, file stem / folder), meta.json read safely, the code lens's counts from one
// shared page, and the failing line mapped back to the local file. Fixtures: a saved UDF folder
// as Fused writes it (test/fixtures/udfCode/saved/).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { AuditLogRecord } from '../../src/api/types';
import { failingLine } from '../../src/udfCode/failingLine';
import { failingLinesOf, LatestRuns } from '../../src/udfCode/failingLines';
import { META_JSON_MAX_BYTES, parseMetaJson } from '../../src/udfCode/metaJson';
import { hoverRunsFromPage, knowsName, lensTitle, lensTooltip, pageAnswers, pageRunsHeading, runsInPage, withLatestByName, type RangeRuns } from '../../src/udfCode/rangeRuns';
import { chooseName, describeNameChoice, nameCandidates } from '../../src/udfCode/udfNames';
import { analyzePythonUdfs, splitLines } from '../../src/udfCode/udfSource';

const SAVED = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'udfCode', 'saved');

function read(...parts: string[]): string {
  return fs.readFileSync(path.join(SAVED, ...parts), 'utf8');
}

describe('meta.json', () => {
  it('reads the UDF step Fused writes beside a saved UDF', () => {
    assert.deepEqual(parseMetaJson(read('arraylake_example', 'meta.json')), { ok: true, steps: [{ name: 'arraylake_example', entrypoint: 'udf' }] });
  });

  it('keeps only UDF steps with a usable name (the slug when name is missing)', () => {
    const result = parseMetaJson(read('two_steps', 'meta.json'));
    assert.deepEqual(result, {
      ok: true,
      steps: [
        { name: 'first_saved', entrypoint: 'udf' },
        { name: 'two_steps', entrypoint: 'udf' },
        { name: 'slug_only', entrypoint: 'helper_udf' },
      ],
    });
  });

  it('ignores malformed, foreign and huge files with a reason, never throwing', () => {
    const malformed = parseMetaJson('{"job_config": {"steps": [');
    assert.equal(malformed.ok, false);
    assert.match(!malformed.ok ? malformed.reason : '', /not valid JSON/);
    const foreign = parseMetaJson('{"name": "package", "version": "1.0.0"}');
    assert.deepEqual(foreign, { ok: false, reason: 'it has no job_config.steps list' });
    assert.deepEqual(parseMetaJson('[1, 2]'), { ok: false, reason: 'it has no job_config.steps list' });
    assert.deepEqual(parseMetaJson('{"job_config": {"steps": [{"type": "udf", "udf": {"name": 5}}]}}'), { ok: false, reason: 'no step of type "udf" has a name' });
    const huge = parseMetaJson('{}', META_JSON_MAX_BYTES + 1);
    assert.equal(huge.ok, false);
    assert.match(!huge.ok ? huge.reason : '', /bytes \(more than 524,288\)/);
    assert.equal(parseMetaJson('\uFEFF' + read('arraylake_example', 'meta.json')).ok, true, 'a byte-order mark is not an error');
  });
});

describe('UDF names', () => {
  const file = splitLines(read('arraylake_example', 'arraylake_example.py'));
  const [definition] = analyzePythonUdfs(file).definitions;
  const meta = parseMetaJson(read('arraylake_example', 'meta.json'));
  const metaSteps = meta.ok ? meta.steps : [];

  it('a saved UDF’s `def udf` is named by the meta.json beside it', () => {
    assert.equal(definition.functionName, 'udf');
    assert.deepEqual(nameCandidates(definition, { fileStem: 'arraylake_example', folderName: 'arraylake_example', metaSteps }), [{ name: 'arraylake_example', source: 'metaJson' }]);
  });

  it('the decorator’s name= wins over meta.json', () => {
    const named = { functionName: 'udf', decoratorName: { value: 'from_decorator', span: { line: 0, start: 0, end: 1 } } };
    assert.deepEqual(nameCandidates(named, { fileStem: 'arraylake_example', metaSteps }), [{ name: 'from_decorator', source: 'decorator' }]);
  });

  it('meta.json names only the function that is its step’s entrypoint; several steps: the one named like the file', () => {
    const steps = [
      { name: 'first_saved', entrypoint: 'udf' },
      { name: 'two_steps', entrypoint: 'udf' },
      { name: 'slug_only', entrypoint: 'helper_udf' },
    ];
    assert.deepEqual(nameCandidates({ functionName: 'udf' }, { fileStem: 'two_steps', metaSteps: steps }), [{ name: 'two_steps', source: 'metaJson' }]);
    assert.deepEqual(nameCandidates({ functionName: 'udf' }, { fileStem: 'elsewhere', metaSteps: steps }), [{ name: 'first_saved', source: 'metaJson' }]);
    assert.deepEqual(nameCandidates({ functionName: 'helper_udf' }, { fileStem: 'two_steps', metaSteps: steps }), [{ name: 'slug_only', source: 'metaJson' }]);
    assert.deepEqual(nameCandidates({ functionName: 'not_in_meta' }, { fileStem: 'two_steps', metaSteps: steps }), [{ name: 'not_in_meta', source: 'function' }]);
  });

  it('without meta.json: the function’s name when not `udf`, else the file stem and the folder as candidates', () => {
    assert.deepEqual(nameCandidates({ functionName: 'hexify' }, { fileStem: 'x', folderName: 'y' }), [{ name: 'hexify', source: 'function' }]);
    assert.deepEqual(nameCandidates({ functionName: 'udf' }, { fileStem: 'udf_v2', folderName: 'Overture_Nsi' }), [
      { name: 'udf_v2', source: 'fileStem' },
      { name: 'Overture_Nsi', source: 'folder' },
    ]);
    assert.deepEqual(nameCandidates({ functionName: 'udf' }, { fileStem: 'same', folderName: 'same' }), [{ name: 'same', source: 'fileStem' }]);
    assert.deepEqual(nameCandidates({ functionName: 'udf' }, { fileStem: 'Untitled-1 copy' }), [{ name: 'udf', source: 'function' }], 'an unusable stem is no candidate');
  });

  it('prefers the candidate the audit log knows, and says why', () => {
    const candidates = nameCandidates({ functionName: 'udf' }, { fileStem: 'udf_v2', folderName: 'Overture_Nsi' });
    const known = chooseName(candidates, (name) => name === 'Overture_Nsi');
    assert.equal(known.name, 'Overture_Nsi');
    assert.equal(describeNameChoice(known, 'the last 24 h'), "the folder's name: the audit log has runs of it, not of “udf_v2” in the last 24 h");
    const unknown = chooseName(candidates, () => false);
    assert.equal(unknown.name, 'udf_v2');
    assert.equal(describeNameChoice(unknown, 'the last 24 h'), "the file's name: a guess, no runs of it or of “Overture_Nsi” in the last 24 h");
    assert.equal(chooseName(candidates, () => undefined).choice, 'pending');
    assert.equal(describeNameChoice(chooseName([{ name: 'arraylake_example', source: 'metaJson' }], () => false), 'the last 24 h'), 'named in meta.json');
  });
});

function record(fields: Partial<AuditLogRecord> & { id: string; timestamp: string }): AuditLogRecord {
  return { udf_name: null, stderr: null, execution_time: 1.5, cache: false, ...fields };
}

describe('code lens counts from one shared page', () => {
  const now = new Date('2026-11-27T12:00:00Z');
  const page: RangeRuns = {
    records: [
      record({ id: '1', timestamp: '2026-11-27T11:55:00Z', udf_name: 'hexify' }),
      record({ id: '2', timestamp: '2026-11-27T11:00:00Z', udf_name: 'hexify', stderr: 'Traceback…\nKeyError: lat' }),
      record({ id: '3', timestamp: '2026-11-27T10:00:00Z', udf_name: 'other', shared_token: 'fsh_abc' }),
      record({ id: '4', timestamp: '2026-11-27T09:00:00Z', udf_name: 'hexify', execution_time: null }),
    ],
    capped: false,
  };

  it('counts runs, failures and incomplete runs, with the newest run’s age', () => {
    const runs = runsInPage(page, { kind: 'udf_name', value: 'hexify' });
    assert.equal(lensTitle(runs, 'the last 24 h', now), '3 runs · 1 failed · 1 incomplete · last 5 min ago');
    assert.equal(lensTitle(runsInPage(page, { kind: 'shared_token', value: 'fsh_abc' }), 'the last 24 h', now), '1 run · 0 failed · last 2 h ago');
    assert.equal(lensTitle(runsInPage(page, { kind: 'udf_name', value: 'never_ran' }), 'the last 24 h', now), 'no runs in the last 24 h');
  });

  it('a full page says "at least", and dates a UDF it did not reach from the distinct query', () => {
    const capped: RangeRuns = { ...page, capped: true, latestByName: new Map([['older', record({ id: '9', timestamp: '2026-11-27T03:00:00Z', udf_name: 'older' })]]) };
    assert.equal(lensTitle(runsInPage(capped, { kind: 'udf_name', value: 'hexify' }), 'the last 24 h', now), '3+ runs · 1+ failed · 1+ incomplete · last 5 min ago');
    assert.equal(lensTitle(runsInPage(capped, { kind: 'udf_name', value: 'older' }), 'the last 24 h', now), 'runs not counted · last 9 h ago');
    assert.match(lensTooltip(runsInPage(capped, { kind: 'udf_name', value: 'hexify' }), 'hexify', 'All users', 'the last 24 h', 300), /^At least 3 runs of hexify \(All users, the last 24 h\): counted in the newest 300 runs/);
  });

  it('knows a name from the page, the distinct query, or not at all', () => {
    assert.equal(knowsName(page, 'hexify'), true);
    assert.equal(knowsName(page, 'udf_v2'), false, 'a complete page that lacks it: unknown to the audit log');
    assert.equal(knowsName({ ...page, capped: true }, 'udf_v2'), undefined, 'a full page cannot tell');
    assert.equal(knowsName({ ...page, capped: true, latestByName: new Map() }, 'udf_v2'), false);
    assert.equal(knowsName(undefined, 'hexify'), undefined);
  });
});

describe('hovers and the distinct query from the same shared page', () => {
  const page: RangeRuns = {
    records: [
      record({ id: '1', timestamp: '2026-11-27T11:55:00Z', udf_name: 'hexify' }),
      record({ id: '2', timestamp: '2026-11-27T11:00:00Z', udf_name: 'hexify', stderr: 'KeyError: lat' }),
      record({ id: '3', timestamp: '2026-11-27T10:00:00Z', udf_name: 'other', shared_token: 'fsh_abc' }),
    ],
    capped: false,
  };

  it('answers a hover from the page only when the page holds runs of it (else the hover asks, its runs may be older)', () => {
    const hexify = hoverRunsFromPage(page, { kind: 'udf_name', value: 'hexify' });
    assert.deepEqual(hexify?.records.map((r) => r.id), ['1', '2']);
    assert.equal(hexify?.complete, true);
    assert.deepEqual(hoverRunsFromPage(page, { kind: 'shared_token', value: 'fsh_abc' })?.records.map((r) => r.id), ['3']);
    assert.equal(hoverRunsFromPage(page, { kind: 'udf_name', value: 'never_ran' }), undefined);
    assert.equal(hoverRunsFromPage(undefined, { kind: 'udf_name', value: 'hexify' }), undefined, 'no page (it failed): the hover asks');
  });

  it('says what a hover from the page counted, and "at least" when the page was full', () => {
    const full = hoverRunsFromPage(page, { kind: 'udf_name', value: 'hexify' });
    assert.ok(full);
    assert.equal(pageRunsHeading(full, 'your runs', 'the last 24 h'), '2 runs in the last 24 h (your runs)');
    const one = hoverRunsFromPage(page, { kind: 'udf_name', value: 'other' });
    assert.ok(one);
    assert.equal(pageRunsHeading(one, 'your runs', 'the last 24 h'), '1 run in the last 24 h (your runs)');
    const capped = hoverRunsFromPage({ ...page, capped: true }, { kind: 'udf_name', value: 'hexify' });
    assert.ok(capped);
    assert.match(pageRunsHeading(capped, 'your runs', 'the last 24 h'), /^2\+ runs in the last 24 h \(your runs; counted back to .+, the range holds more\)$/);
  });

  it('a full page missing a UDF needs the distinct query; it adds the newest run of each name, the newer winning', () => {
    const capped: RangeRuns = { ...page, capped: true };
    assert.equal(pageAnswers(capped, { kind: 'udf_name', value: 'older' }), false);
    assert.equal(pageAnswers(capped, { kind: 'udf_name', value: 'hexify' }), true);
    assert.equal(pageAnswers(page, { kind: 'udf_name', value: 'older' }), true, 'a complete page answers "none" itself');
    const named = withLatestByName(capped, [
      record({ id: 'a', timestamp: '2026-11-27T03:00:00Z', udf_name: 'older' }),
      record({ id: 'b', timestamp: '2026-11-27T05:00:00Z', udf_name: 'older' }),
      record({ id: 'c', timestamp: '2026-11-27T04:00:00Z', udf_name: null }),
    ]);
    assert.equal(named.latestByName?.get('older')?.id, 'b');
    assert.equal(named.latestByName?.size, 1, 'records without a name are skipped');
    assert.equal(named.records, capped.records, 'the page itself is unchanged');
    assert.equal(knowsName(named, 'older'), true);
    assert.equal(knowsName(named, 'udf_v2'), false);
  });
});

describe('the failing line in the local file', () => {
  const local = [
    'import fused',
    '',
    '@fused.udf',
    'def udf(x=1):',
    '    rows = {"lon": 1}',
    '    return rows["lat"]',
    '',
  ];
  const definition = analyzePythonUdfs(local).definitions[0];
  const localCode = { lines: local, firstLine: definition.firstLine, lastLine: definition.lastLine, functionName: 'udf' };
  const stderr = (line: number) => ['Traceback (most recent call last):', `  File "/tmp/udf_abc.py", line ${line}, in udf`, '    return rows["lat"]', "KeyError: 'lat'"].join('\n');
  const failed = (code: string, line = 4) =>
    record({ id: 'f', timestamp: '2026-11-27T11:00:00Z', udf_name: 'hexify', stderr: stderr(line), udf_data: JSON.stringify({ name: 'hexify', entrypoint: 'udf', code, headers: [] }) });

  it('maps the raising line of an identical function', () => {
    const result = failingLine(localCode, failed('@fused.udf\ndef udf(x=1):\n    rows = {"lon": 1}\n    return rows["lat"]\n'));
    assert.deepEqual(result, { ok: true, failing: { line: 5, message: "KeyError: 'lat'", runLine: 4, match: 'exact' } });
  });

  it('maps it after normalising whitespace (CRLF, trailing blanks, spacing, block indentation)', () => {
    const result = failingLine(localCode, failed('\r\n    @fused.udf\r\n    def udf(x=1):   \r\n        rows = {"lon":  1}\r\n\r\n        return rows["lat"]\r\n', 6));
    assert.equal(result.ok, true);
    assert.deepEqual(result.ok && { line: result.failing.line, match: result.failing.match }, { line: 5, match: 'whitespace' });
  });

  it('says nothing when the code changed, or the run succeeded', () => {
    const changed = failingLine(localCode, failed('@fused.udf\ndef udf(x=1):\n    rows = {"lat": 1}\n    return rows["lat"]\n'));
    assert.deepEqual(changed, { ok: false, reason: 'the local code differs from the code that ran' });
    const succeeded = failingLine(localCode, { ...failed('x'), stderr: null });
    assert.deepEqual(succeeded, { ok: false, reason: 'the run did not fail' });
  });
});

describe('the failing lines of a file (the diagnostics’ pure part)', () => {
  const code = '@fused.udf\ndef udf(x=1):\n    rows = {"lon": 1}\n    return rows["lat"]\n';
  const local = ['import fused', '', ...code.split('\n')];
  const definition = analyzePythonUdfs(local).definitions[0];
  const fn = { name: 'hexify', functionName: 'udf', firstLine: definition.firstLine, lastLine: definition.lastLine };
  const stderr = ['Traceback (most recent call last):', '  File "/tmp/udf_abc.py", line 4, in udf', '    return rows["lat"]', "KeyError: 'lat'"].join('\n');
  const run = (id: string, timestamp: string, failed: boolean, name = 'hexify') =>
    record({ id, timestamp, udf_name: name, stderr: failed ? stderr : '', execution_time: 1.5, udf_data: JSON.stringify({ name, entrypoint: 'udf', code, headers: [] }) });

  it('marks the raising line of a function whose latest run failed, and nothing once a later run succeeded', () => {
    const latest = new LatestRuns();
    assert.equal(latest.offer('hexify', [run('a', '2026-11-27T10:00:00Z', true)]), true);
    const [found, ...rest] = failingLinesOf(local, [fn], latest);
    assert.deepEqual(rest, []);
    assert.deepEqual({ line: found.line, message: found.message, name: found.name, id: found.record.id }, { line: 5, message: "KeyError: 'lat'", name: 'hexify', id: 'a' });
    assert.equal(local[found.line], '    return rows["lat"]');
    assert.equal(latest.offer('hexify', [run('b', '2026-11-27T11:00:00Z', false)]), true, 'a later run replaces it');
    assert.deepEqual(failingLinesOf(local, [fn], latest), []);
  });

  it('keeps the newest run across loads (an older answer arriving late changes nothing) and ignores other names', () => {
    const latest = new LatestRuns();
    latest.offer('hexify', [run('new', '2026-11-27T12:00:00+01:00', true), run('other', '2026-11-27T13:00:00Z', false, 'other_udf')]);
    assert.equal(latest.get('hexify')?.id, 'new');
    // 'new' is 11:00Z: instants decide, not text ("2026-11-27T12…" sorts after "2026-11-27T11:30…").
    assert.equal(latest.offer('hexify', [run('older', '2026-11-27T10:30:00Z', false)]), false);
    assert.equal(latest.get('hexify')?.id, 'new');
    assert.equal(latest.offer('hexify', [run('later', '2026-11-27T11:30:00Z', false)]), true);
    assert.equal(latest.get('hexify')?.id, 'later');
    assert.equal(latest.get('other_udf'), undefined, 'a record of another name offered under hexify is not kept');
  });

  it('takes each name’s newest run from a page of many UDFs’ runs (the code lenses’ page)', () => {
    const latest = new LatestRuns();
    latest.offer('hexify', [run('failed', '2026-11-27T10:00:00Z', true)]);
    assert.equal(failingLinesOf(local, [fn], latest).length, 1);
    const page = [run('ok-later', '2026-11-27T10:05:00Z', false), run('x', '2026-11-27T10:06:00Z', false, 'other_udf'), run('older', '2026-11-27T09:00:00Z', true)];
    assert.equal(latest.offerAll(page), true);
    assert.equal(latest.get('hexify')?.id, 'ok-later');
    assert.equal(latest.get('other_udf')?.id, 'x');
    assert.deepEqual(failingLinesOf(local, [fn], latest), [], 'the later successful run clears it');
    assert.equal(latest.offerAll(page), false, 'the same page again changes nothing');
  });

  it('says nothing for a function without a known run, or whose code changed since the run', () => {
    const latest = new LatestRuns();
    latest.offer('hexify', [run('a', '2026-11-27T10:00:00Z', true)]);
    assert.deepEqual(failingLinesOf(local, [{ ...fn, name: 'unknown_udf' }], latest), []);
    const edited = local.map((line) => line.replace('"lon"', '"lat"'));
    assert.deepEqual(failingLinesOf(edited, [fn], latest), []);
  });
});
