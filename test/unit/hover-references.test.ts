import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findAllUdfReferences, findUdfReference, referenceFromLiteral } from '../../src/hover/udfReferences';

function source(text: string) {
  const lines = text.split('\n');
  return { lineCount: lines.length, lineAt: (line: number) => lines[line] };
}

function at(text: string, marker: string) {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(marker));
  assert.ok(line >= 0, `marker ${marker} not in text`);
  return { line, character: lines[line].indexOf(marker) + 1 };
}

describe('findUdfReference', () => {
  const code = [
    'import fused',
    '',
    '@fused.udf',
    'def sentinel_tile(bbox: fused.types.Bbox = None):',
    '    return fused.run("census_join", x=1)',
    '',
    '@fused.udf(cache_max_age="1h",',
    '           engine="realtime")',
    'async def dem_hillshade():',
    '    fused.load(\'ada@example.com/overture_buildings\')',
    '',
    'def helper_not_a_udf():',
    '    fused.run("fsh_3kXb9_token")',
    '    fused.run(udf="dem_hillshade")',
  ].join('\n');

  it('names the function under @fused.udf', () => {
    const { line, character } = at(code, 'sentinel_tile');
    assert.deepEqual(findUdfReference(source(code), line, character), { kind: 'udf_name', value: 'sentinel_tile', start: 4, end: 17 });
  });

  it('reads decorators with arguments over several lines', () => {
    const { line, character } = at(code, 'dem_hillshade()');
    assert.equal(findUdfReference(source(code), line, character)?.value, 'dem_hillshade');
  });

  it('ignores functions without the decorator', () => {
    const { line, character } = at(code, 'helper_not_a_udf');
    assert.equal(findUdfReference(source(code), line, character), undefined);
  });

  it('reads fused.run and fused.load string arguments, taking the last path segment', () => {
    let position = at(code, 'census_join');
    assert.equal(findUdfReference(source(code), position.line, position.character)?.value, 'census_join');
    position = at(code, 'overture_buildings');
    assert.deepEqual(findUdfReference(source(code), position.line, position.character + 5), {
      kind: 'udf_name',
      value: 'overture_buildings',
      start: 16,
      end: 50,
    });
    position = at(code, 'udf="dem');
    assert.equal(findUdfReference(source(code), position.line, position.character + 6)?.value, 'dem_hillshade');
  });

  it('treats fsh_ strings as shared tokens', () => {
    const position = at(code, 'fsh_3kXb9_token');
    assert.deepEqual(findUdfReference(source(code), position.line, position.character), {
      kind: 'shared_token',
      value: 'fsh_3kXb9_token',
      start: 15,
      end: 30,
    });
  });

  it('answers nothing outside the string', () => {
    const { line } = at(code, 'census_join');
    assert.equal(findUdfReference(source(code), line, 4), undefined);
  });

  it('lists every reference once', () => {
    const found = findAllUdfReferences(source(code)).map((r) => `${r.kind}:${r.value}`).sort();
    assert.deepEqual(found, [
      'shared_token:fsh_3kXb9_token',
      'udf_name:census_join',
      'udf_name:dem_hillshade',
      'udf_name:overture_buildings',
      'udf_name:sentinel_tile',
    ]);
  });
});

describe('referenceFromLiteral', () => {
  it('rejects text that is not a UDF slug', () => {
    assert.equal(referenceFromLiteral('<script>alert(1)</script>', 0, 10), undefined);
    assert.equal(referenceFromLiteral('   ', 0, 3), undefined);
    assert.equal(referenceFromLiteral('a b', 0, 3), undefined);
  });

  it('takes the UDF name from a GitHub URL', () => {
    assert.equal(referenceFromLiteral('https://github.com/fusedio/udfs/tree/main/public/DEM_Tile/', 0, 1)?.value, 'DEM_Tile');
  });
});
