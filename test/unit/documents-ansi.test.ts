import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySgr, positionsOf, stripAnsi, styleKey } from '../../src/text/ansi';

test('text without escapes is returned as is', () => {
  const text = 'plain <b>text</b>\n';
  const result = stripAnsi(text);
  assert.equal(result.text, text);
  assert.deepEqual(result.ranges, []);
});

test('SGR colours are stripped and kept as ranges of the stripped text', () => {
  const result = stripAnsi('ok \u001b[31mred\u001b[0m and \u001b[1;4;33mbold yellow\u001b[0m.');
  assert.equal(result.text, 'ok red and bold yellow.');
  assert.deepEqual(result.ranges, [
    { start: 3, end: 6, style: { fg: { kind: 'named', index: 1 } } },
    { start: 11, end: 22, style: { bold: true, underline: true, fg: { kind: 'named', index: 3 } } },
  ]);
  assert.equal(result.text.slice(3, 6), 'red');
});

test('OSC 8 hyperlinks, cursor moves, C1 CSI, lone ESC and an unterminated OSC are removed, other text kept', () => {
  const hostile = 'a\u001b]8;;https://attacker.example\u0007link\u001b]8;;\u0007b \u001b[2K\u001b[1Gc \u009b31md\u001b[0m e\u001b(Bf\u001b';
  assert.equal(stripAnsi(hostile).text, 'alinkb c d ef');
  assert.equal(stripAnsi('x\u001b]0;title without end\nnext line').text, 'x\nnext line');
  assert.equal(stripAnsi('t\u001b]2;title\u001b\\u').text, 'tu');
  assert.equal(stripAnsi('NUL[\u0000] BEL[\u0007]').text, 'NUL[\u0000] BEL[\u0007]', 'control characters that are not escapes stay (the editor shows them)');
});

test('256-colour and truecolour, resets, and adjacent equal styles merged', () => {
  assert.deepEqual(applySgr({}, '38;5;208').fg, { kind: 'rgb', r: 255, g: 135, b: 0 });
  assert.deepEqual(applySgr({}, '38;5;9').fg, { kind: 'named', index: 9 });
  assert.deepEqual(applySgr({}, '48;2;1;2;300').bg, { kind: 'rgb', r: 1, g: 2, b: 255 });
  assert.deepEqual(applySgr({ bold: true, fg: { kind: 'named', index: 1 } }, ''), {});
  assert.deepEqual(applySgr({ bold: true, fg: { kind: 'named', index: 1 } }, '39;22'), {});
  const merged = stripAnsi('\u001b[32mab\u001b[32mcd\u001b[0m');
  assert.deepEqual(merged.ranges, [{ start: 0, end: 4, style: { fg: { kind: 'named', index: 2 } } }]);
  assert.notEqual(styleKey({ fg: { kind: 'named', index: 1 } }), styleKey({ bg: { kind: 'named', index: 1 } }));
});

test('ranges are capped and the cap reported', () => {
  const result = stripAnsi('\u001b[31mx\u001b[0m y '.repeat(50), 10);
  assert.equal(result.ranges.length, 10);
  assert.equal(result.truncated, true);
});

test('positions count \\r\\n, \\r and \\n as one break each', () => {
  const text = 'ab\r\ncd\ref\ngh';
  assert.deepEqual(positionsOf(text, [0, 1, 4, 5, 7, 10, 11]), [
    { line: 0, character: 0 },
    { line: 0, character: 1 },
    { line: 1, character: 0 },
    { line: 1, character: 1 },
    { line: 2, character: 0 },
    { line: 3, character: 0 },
    { line: 3, character: 1 },
  ]);
});

test('10 MB of coloured output strips in linear time', () => {
  const line = '\u001b[32mINFO\u001b[0m step done \u001b[38;5;208mwarn\u001b[0m\n';
  const text = (megabytes: number) => line.repeat(Math.ceil((megabytes * 1024 * 1024) / line.length));
  const big = text(10);
  const result = stripAnsi(big);
  assert.equal(result.text.includes('\u001b'), false);
  assert.equal(result.ranges.length, 20_000);
  // Linear: ten times the input takes about ten times as long (quadratic: ~100x; 50 tells them apart). A ratio,
  // not a wall-clock limit, so a loaded machine slows both sides alike.
  const ratio = timeRatio(() => stripAnsi(text(1)), () => stripAnsi(big));
  assert.ok(ratio < 50, `10 MB took ${ratio.toFixed(1)}x as long as 1 MB`);
});

/** Best-of-three time of `large` over best-of-three time of `small`. */
function timeRatio(small: () => unknown, large: () => unknown): number {
  const best = (work: () => unknown) => Math.min(...[0, 1, 2].map(() => {
    const started = performance.now();
    work();
    return performance.now() - started;
  }));
  return best(large) / Math.max(best(small), 0.001);
}
