import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readRunArg } from '../../src/shared/commands';
import {
  decodeSegment,
  encodeSegment,
  parseRunPath,
  runFolder,
  runPath,
  runPathFromUriString,
  RunUriError,
  tryParseRunPath,
  type RunDocumentAddress,
  type RunFile,
} from '../../src/shared/runUri';

const FILES: RunFile[] = [{ kind: 'code' }, { kind: 'stderr' }, { kind: 'stdout' }, { kind: 'udf_data' }, { kind: 'header', module: 'utils' }];
const HOSTILE_NAMES = [
  'plain_name',
  'with/slash',
  'a/../../etc/passwd',
  '100% done',
  '%2F already escaped',
  'spaces and\ttabs',
  'café 😀 名前',
  '<script>alert(1)</script>',
  '[x](command:workbench.action.quit)',
  '\u001b[31mred\u001b[0m',
  'line\nbreak\r\n',
  'rtl\u202Eyp.edoc',
  '~',
  '~home',
  '.',
  '..',
  '...',
  'q?uery#frag',
  'back\\slash',
  'zero\u200bwidth',
];

test('every file of every hostile name round-trips through the path', () => {
  for (const udfName of HOSTILE_NAMES) {
    for (const file of FILES) {
      const address: RunDocumentAddress = { udfName, recordId: 'c0ffee00-1234-4abc-8def-000000000001', file };
      const path = runPath(address);
      assert.deepEqual(parseRunPath(path), address, `round trip of ${JSON.stringify(udfName)} ${file.kind}`);
    }
  }
});

test('hostile header module names round-trip too', () => {
  for (const module of HOSTILE_NAMES) {
    const address: RunDocumentAddress = { udfName: 'u', recordId: 'r1', file: { kind: 'header', module } };
    assert.deepEqual(parseRunPath(runPath(address)), address);
  }
});

test('paths keep exactly three segments (four for headers) and no raw control, slash or bidi characters', () => {
  for (const udfName of HOSTILE_NAMES) {
    const path = runPath({ udfName, recordId: 'r1', file: { kind: 'stderr' } });
    assert.equal(path.split('/').length, 4, path);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(path, /[\u0000-\u001f\u007f\u202e\u200b\\?#]/);
    assert.ok(path.endsWith('/r1/stderr.log'));
  }
  assert.equal(runPath({ udfName: 'café plot', recordId: 'r1', file: { kind: 'code' } }), '/café plot/r1/code.py', 'readable names stay readable');
});

test('a missing or empty udf_name uses "~" and reads back as null; a real "~" name is escaped', () => {
  assert.equal(runPath({ udfName: null, recordId: 'r1', file: { kind: 'code' } }), '/~/r1/code.py');
  assert.equal(runPath({ udfName: '', recordId: 'r1', file: { kind: 'code' } }), '/~/r1/code.py');
  assert.equal(runPath({ recordId: 'r1', file: { kind: 'code' } }), '/~/r1/code.py');
  assert.equal(parseRunPath('/~/r1/code.py').udfName, null);
  assert.equal(runPath({ udfName: '~', recordId: 'r1', file: { kind: 'code' } }), '/%7E/r1/code.py');
  assert.equal(parseRunPath('/%7E/r1/code.py').udfName, '~');
});

test('lone surrogates are the one lossy case: they become U+FFFD instead of throwing', () => {
  const path = runPath({ udfName: 'bad\ud800name', recordId: 'r1', file: { kind: 'code' } });
  assert.equal(parseRunPath(path).udfName, 'bad\ufffdname');
});

test('bad paths are refused with a message naming the problem', () => {
  assert.throws(() => parseRunPath('/only/two'), (e: unknown) => e instanceof RunUriError && /expected \/<udf_name>\/<record_id>\/<file>/.test(e.message));
  assert.throws(() => parseRunPath('/u/r1/secret.txt'), /names no run document/);
  assert.throws(() => parseRunPath('/u/r1/headers/.py'), /names no run document/);
  assert.throws(() => parseRunPath('/u/r1/headers/a/b.py'), /names no run document/);
  assert.throws(() => parseRunPath('/u%ZZ/r1/code.py'), /bad % escape/);
  assert.throws(() => encodeSegment(''), RunUriError);
  assert.equal(tryParseRunPath('/nope'), undefined);
  assert.equal(decodeSegment('a%2Fb'), 'a/b');
});

test('the string form of a URI (encoded once more, as vscode.Uri.toString does) reads back', () => {
  const path = runPath({ udfName: '50% a/b', recordId: 'r1', file: { kind: 'code' } });
  // What vscode.Uri.toString() produces: every '%' of the path becomes '%25', spaces '%20'.
  const asString = `fused-run:${encodeURI(path).replace(/#/g, '%23').replace(/\?/g, '%3F')}#L12`;
  assert.equal(runPathFromUriString(asString), path);
  assert.deepEqual(parseRunPath(runPathFromUriString(asString) as string), { udfName: '50% a/b', recordId: 'r1', file: { kind: 'code' } });
  assert.equal(runPathFromUriString('fused-run://authority/u/r1/code.py?x=1'), '/u/r1/code.py');
  assert.equal(runPathFromUriString('file:///tmp/x.py'), undefined);
});

test('runFolder groups all documents of one run', () => {
  const folder = runFolder({ udfName: 'a/b', recordId: 'r1' });
  assert.equal(folder, '/a%2Fb/r1');
  for (const file of FILES) assert.ok(runPath({ udfName: 'a/b', recordId: 'r1', file }).startsWith(`${folder}/`));
});

test('readRunArg reads run documents given as a Uri (editor/title menus); a URI string is not an argument', () => {
  const path = runPath({ udfName: 'odd/name 100%', recordId: 'c0ffee00-1234-4abc-8def-000000000001', file: { kind: 'stderr' } });
  assert.deepEqual(readRunArg({ scheme: 'fused-run', path }), { id: 'c0ffee00-1234-4abc-8def-000000000001', udf_name: 'odd/name 100%' });
  assert.equal(readRunArg(`fused-run:${encodeURI(path)}`), undefined);
  assert.deepEqual(readRunArg({ scheme: 'fused-run', path: '/~/abc-1/code.py' }), { id: 'abc-1', udf_name: null });
  // Ids that are not UUIDs open like any other: the path carries them percent-encoded.
  assert.deepEqual(readRunArg({ scheme: 'fused-run', path: '/u/<script>/code.py' }), { id: '<script>', udf_name: 'u' });
  const odd = 'run`![i](http://127.0.0.1:9/p.png)`[x](command:workbench.action.terminal.new)$(terminal)\u202E/..%2F';
  const oddPath = runPath({ udfName: 'u', recordId: odd, file: { kind: 'code' } });
  assert.deepEqual(readRunArg({ scheme: 'fused-run', path: oddPath }), { id: odd, udf_name: 'u' });
  assert.equal(oddPath.split('/').length, 4, 'the id stays one path segment');
  assert.deepEqual(readRunArg({ id: odd, udf_name: 'u' }), { id: odd, udf_name: 'u' });
  assert.equal(readRunArg({ id: '   ' }), undefined, 'a blank id is not an id');
  assert.equal(readRunArg({ scheme: 'fused-run', path: '/u/r1/evil.sh' }), undefined);
  assert.equal(readRunArg({ scheme: 'file', path: '/u/r1/code.py' }), undefined);
});

