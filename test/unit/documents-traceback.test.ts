import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findTracebackFrames, frameTargets, isLibraryFile, type RunLinkContext } from '../../src/shared/traceback';

// The shape Python prints, with a Fused runtime frame, the UDF, a header module and a library.
const STDERR = [
  'Traceback (most recent call last):',
  '  File "/opt/fused/runtime/executor.py", line 214, in run_udf',
  '    result = udf_fn(**parameters)',
  '  File "/tmp/udf_3fa9c2.py", line 7, in udf',
  '    gdf = load(bbox)',
  '  File "/tmp/udf_3fa9c2.py", line 12, in load',
  '    return helpers.fetch(bbox)',
  '  File "/tmp/udf_3fa9c2_headers/helpers.py", line 3, in fetch',
  '    raise ValueError("no tiles")',
  '  File "/usr/local/lib/python3.11/site-packages/geopandas/io/file.py", line 281, in _read_file',
  '    return _read_file_pyogrio(',
  '  File "<frozen importlib._bootstrap>", line 1204, in _gcd_import',
  'ValueError: no tiles',
].join('\n');

const CONTEXT: RunLinkContext = { udfName: 'tile_loader', entrypoint: 'udf', codeLineCount: 20, headers: [{ module_name: 'helpers', source_file: 'helpers.py', lineCount: 5 }] };

test('frames are found with file, line, function and the exact range of `File "…", line N`', () => {
  const frames = findTracebackFrames(STDERR);
  assert.equal(frames.length, 6);
  assert.deepEqual(
    frames.map((f) => [f.file, f.line, f.functionName]),
    [
      ['/opt/fused/runtime/executor.py', 214, 'run_udf'],
      ['/tmp/udf_3fa9c2.py', 7, 'udf'],
      ['/tmp/udf_3fa9c2.py', 12, 'load'],
      ['/tmp/udf_3fa9c2_headers/helpers.py', 3, 'fetch'],
      ['/usr/local/lib/python3.11/site-packages/geopandas/io/file.py', 281, '_read_file'],
      ['<frozen importlib._bootstrap>', 1204, '_gcd_import'],
    ],
  );
  assert.equal(STDERR.slice(frames[1].start, frames[1].end), 'File "/tmp/udf_3fa9c2.py", line 7');
});

test('UDF frames link to code.py, header frames to their module, runtime and library frames not at all', () => {
  const targets = frameTargets(findTracebackFrames(STDERR), CONTEXT);
  assert.deepEqual(targets, [
    undefined,
    { kind: 'code', line: 7 },
    { kind: 'code', line: 12 }, // a helper defined in the UDF's own file
    { kind: 'header', module: 'helpers', line: 3 },
    undefined,
    undefined,
  ]);
});

test('a frame past the end of the code does not link; a custom entrypoint and <udf> pseudo-files are recognised', () => {
  const text = '  File "/work/main.py", line 30, in run\n  File "<udf>", line 2, in <module>\n  File "/work/main.py", line 99, in run\n';
  assert.deepEqual(frameTargets(findTracebackFrames(text), { entrypoint: 'run', codeLineCount: 40, headers: [] }), [{ kind: 'code', line: 30 }, { kind: 'code', line: 2 }, undefined]);
  const named = '  File "/home/me/tile_loader.py", line 4, in helper\n';
  assert.deepEqual(frameTargets(findTracebackFrames(named), { udfName: 'tile_loader', codeLineCount: 10, headers: [] }), [{ kind: 'code', line: 4 }]);
  const unknown = '  File "/srv/app/other.py", line 4, in helper\n';
  assert.deepEqual(frameTargets(findTracebackFrames(unknown), { udfName: 'tile_loader', codeLineCount: 10, headers: [] }), [undefined]);
});

test('text that only resembles a frame is ignored', () => {
  assert.deepEqual(findTracebackFrames('print(\'File "x.py", line 3\')\nFile "a.py", line x\nFile "b.py" line 3\n  File "", line 3\n'), []);
  assert.equal(findTracebackFrames('File "ok.py", line 0').length, 0);
  assert.equal(findTracebackFrames('File "ok.py", line 5').length, 1, 'a frame at the very start of the text counts');
});

test('library detection', () => {
  for (const file of ['/usr/lib/python3.11/json/decoder.py', 'C:\\Python311\\Lib\\site-packages\\x.py', '/x/dist-packages/y.py', '<frozen runpy>', '/opt/fused/runtime/executor.py', '/venv/lib/python3.12/site-packages/fused/_udf/run.py']) {
    assert.equal(isLibraryFile(file), true, file);
  }
  for (const file of ['/tmp/udf_1.py', '<udf>', '/home/me/fusedness/x.py', 'udf.py']) assert.equal(isLibraryFile(file), false, file);
});

test('a 10 MB log (one giant line, and many frames) is scanned in linear time, capped at max frames', () => {
  const giantLine = (count: number) => 'File "'.repeat(count);
  const manyFrames = (count: number) => '  File "/tmp/udf_x.py", line 3, in udf\n'.repeat(count);
  assert.equal(findTracebackFrames(giantLine(1_500_000)).length, 0);
  assert.equal(findTracebackFrames(manyFrames(250_000)).length, 5000);
  assert.equal(findTracebackFrames(manyFrames(250_000), 100_000_000).length, 250_000);
  // Linear: ten times the input takes about ten times as long (a backtracking pattern would take
  // ~100x or worse; 50 tells them apart, with room for allocation). A ratio, not a wall-clock limit.
  const best = (work: () => unknown) => Math.min(...[0, 1, 2].map(() => {
    const started = performance.now();
    work();
    return performance.now() - started;
  }));
  const giantRatio = best(() => findTracebackFrames(giantLine(1_500_000))) / Math.max(best(() => findTracebackFrames(giantLine(150_000))), 0.001);
  const framesRatio = best(() => findTracebackFrames(manyFrames(250_000), 100_000_000)) / Math.max(best(() => findTracebackFrames(manyFrames(25_000), 100_000_000)), 0.001);
  assert.ok(giantRatio < 50, `a 10x longer giant line took ${giantRatio.toFixed(1)}x as long`);
  assert.ok(framesRatio < 50, `10x more frames took ${framesRatio.toFixed(1)}x as long`);
});
