import { test } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikePython, parseUdfData } from '../../src/shared/udfData';

const CODE = '@fused.udf\ndef udf(bbox, n: int = 3):\n    from utils import helper\n    return helper(n)\n';

test('null, undefined and blank payloads are missing', () => {
  for (const value of [null, undefined, '', '  \n\t ']) {
    const parsed = parseUdfData(value);
    assert.equal(parsed.kind, 'missing');
    assert.equal(parsed.code, undefined);
    assert.deepEqual(parsed.headers, []);
  }
});

test('the SDK serialized UDF JSON yields code, name, entrypoint, headers, metadata, parameters', () => {
  const raw = JSON.stringify({
    name: 'my_udf',
    type: 'geopandas_v2',
    code: CODE,
    entrypoint: 'udf',
    headers: [{ module_name: 'utils', source_code: 'def helper(n):\n    return n\n', source_file: 'utils.py' }],
    metadata: { 'fused:description': 'demo' },
    parameters: { n: 3 },
  });
  const parsed = parseUdfData(raw);
  assert.equal(parsed.kind, 'serialized');
  assert.equal(parsed.code, CODE);
  assert.equal(parsed.name, 'my_udf');
  assert.equal(parsed.entrypoint, 'udf');
  assert.deepEqual(parsed.headers, [{ module_name: 'utils', source_code: 'def helper(n):\n    return n\n', source_file: 'utils.py' }]);
  assert.deepEqual(parsed.metadata, { 'fused:description': 'demo' });
  assert.deepEqual(parsed.parameters, { n: 3 });
  assert.equal(parsed.raw, raw);
});

test('header variants: references by url/source_file, bare strings, a name->source map, junk skipped', () => {
  const list = parseUdfData(
    JSON.stringify({
      code: CODE,
      headers: [{ module_name: 'remote', url: 'https://example.com/x/remote.py' }, { source_file: 'lib/geo.py', source_code: 'X = 1\n' }, 'shared/common.py', 42, null, { nothing: true }],
    }),
  );
  assert.equal(list.kind, 'serialized');
  assert.deepEqual(
    list.headers.map((h) => h.module_name),
    ['remote', 'geo', 'common'],
  );
  assert.match(list.headers[0].source_code, /by reference only[\s\S]*https:\/\/example\.com\/x\/remote\.py/);
  assert.equal(list.headers[0].url, 'https://example.com/x/remote.py');
  assert.equal(list.headers[1].source_code, 'X = 1\n');
  const map = parseUdfData(JSON.stringify({ code: CODE, headers: { utils: 'A = 1\n', other: { source_code: 'B = 2\n' } } }));
  assert.deepEqual(map.headers, [
    { module_name: 'utils', source_code: 'A = 1\n' },
    { module_name: 'other', source_code: 'B = 2\n' },
  ]);
});

test('default_parameters and a wrapped {"udf": {...}} model are understood', () => {
  const parsed = parseUdfData(JSON.stringify({ udf: { name: 'wrapped', code: CODE, default_parameters: { a: 1 } } }));
  assert.equal(parsed.kind, 'serialized');
  assert.equal(parsed.name, 'wrapped');
  assert.deepEqual(parsed.parameters, { a: 1 });
});

test('JSON without code is text, not serialized; broken JSON is text', () => {
  assert.equal(parseUdfData('{"hello": "world"}').kind, 'text');
  assert.equal(parseUdfData('{"code": "def f(): pass"').kind, 'text');
  assert.equal(parseUdfData('{"code": 42}').kind, 'text');
});

test('plain Python source is code; prose, HTML and tracebacks are text', () => {
  const plain = parseUdfData(CODE);
  assert.equal(plain.kind, 'code');
  assert.equal(plain.code, CODE);
  assert.equal(parseUdfData('import pandas as pd\nx = 1\n').kind, 'code');
  assert.equal(parseUdfData('from .utils import x\n').kind, 'code');
  assert.equal(parseUdfData('hello world, this is a note').kind, 'text');
  assert.equal(parseUdfData('<script>alert(1)</script><img src=x onerror=alert(2)>').kind, 'text');
  assert.equal(parseUdfData('Traceback (most recent call last):\n  File "x.py", line 1, in <module>\nValueError: x\n').kind, 'text');
  assert.equal(looksLikePython('SELECT * FROM t WHERE a = 1'), false);
});

test('a 10 MB payload is classified in linear time, without catastrophic regex work', () => {
  const code = (copies: number) => `${CODE}${'x = "' + 'a'.repeat(200) + '"\n'}`.repeat(copies);
  const plain = (megabytes: number) => 'z'.repeat(megabytes * 1024 * 1024);
  const json = (megabytes: number) => JSON.stringify({ code: 'y'.repeat(megabytes * 1024 * 1024) });
  assert.equal(parseUdfData(code(50_000)).kind, 'code');
  assert.equal(parseUdfData(plain(10)).kind, 'text');
  const parsed = parseUdfData(json(10));
  assert.equal(parsed.kind, 'serialized');
  assert.equal(parsed.code?.length, 10 * 1024 * 1024);
  // Linear: ten times the input takes about ten times as long (a backtracking pattern ~100x or
  // worse; 50 tells them apart). A ratio, not a wall-clock limit (2 s failed under load 12), so a
  // loaded machine slows both sides alike.
  const all = (scale: number) => () => [parseUdfData(code(5_000 * scale)), parseUdfData(plain(scale)), parseUdfData(json(scale))];
  const ratio = timeRatio(all(1), all(10));
  assert.ok(ratio < 50, `10x the input took ${ratio.toFixed(1)}x as long`);
});

/** Best-of-three time of `large` over best-of-three time of `small`. */
function timeRatio(small: () => unknown, large: () => unknown): number {
  const best = (work: () => unknown) =>
    Math.min(
      ...[0, 1, 2].map(() => {
        const started = performance.now();
        work();
        return performance.now() - started;
      }),
    );
  return best(large) / Math.max(best(small), 0.001);
}
