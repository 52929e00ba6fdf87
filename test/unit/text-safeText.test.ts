// src/text/safeText.ts against the shared hostile texts, one sink at a time. Markdown is rendered
// with `marked` (the renderer VS Code's hovers and tooltips use) and the CSV is read back with
// csv-parse, so the checks do not trust the code under test to describe its own output.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parse as parseCsv } from 'csv-parse/sync';
import { charMarker, csvCell, guardFormula, labelText, markdownText, messageText, oneLine, visibleText } from '../../src/text/safeText';
import { FORMULA_VARIANTS, hostileFragments, hostileLine, hostileLines, hostileLong, LEGIT_PLAIN_CODE, LEGIT_SERIALIZED_CODE } from '../fixtures/hostile';

const PIXEL = 'http://127.0.0.1:9/pixel.png';
const fragments = hostileFragments(PIXEL);
const samples: [string, string][] = [...Object.entries(fragments), ['line', hostileLine(PIXEL)], ['lines', hostileLines(PIXEL)], ['long', hostileLong(PIXEL)]];

/** VS Code's notification and input-message link syntax (linkedText.ts), as the format is documented there. */
const MESSAGE_LINK = /\[[^\]]+\]\((?:https?:\/\/|command:|file:)[^)\s]+(?: (["']).+?\1)?\)/i;
/** Theme-icon syntax `$(name)` / `$(name~modifier)`. */
const ICON = /\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/;
// eslint-disable-next-line no-control-regex
const RAW_INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const ZWNJ = /\u200c/g;

/** What a person reads: the zero-width joiner the sinks insert is invisible. */
function read(text: string): string {
  return text.replace(ZWNJ, '');
}

describe('visible text', () => {
  it('shows control, bidi and invisible characters as ⟨U+XXXX⟩ and keeps everything else', () => {
    assert.equal(visibleText('invoice\u202Egnp.exe'), 'invoice⟨U+202E⟩gnp.exe');
    assert.equal(visibleText('a\u001b[31mb\u0007c\u0000d\u007fe\u009bf'), 'a⟨U+001B⟩[31mb⟨U+0007⟩c⟨U+0000⟩d⟨U+007F⟩e⟨U+009B⟩f');
    assert.equal(visibleText('zw\u200Bj\u2060b\uFEFF'), 'zw⟨U+200B⟩j⟨U+2060⟩b⟨U+FEFF⟩');
    assert.equal(visibleText('line\r\nnext\rlast\ttab'), 'line\nnext\nlast\ttab');
    assert.equal(visibleText('tag\u{E0041}'), 'tag⟨U+E0041⟩');
    assert.equal(visibleText('lone \uD83D'), 'lone ⟨U+D83D⟩');
    // Emoji joiners and Persian ZWNJ are text, not tricks.
    assert.equal(visibleText('👩\u200D👩\u200D👧 می\u200Cخواهم'), '👩\u200D👩\u200D👧 می\u200Cخواهم');
    assert.equal(charMarker('\u202E'), '⟨U+202E⟩');
  });

  it('makes one line, cut with an ellipsis, never inside a marker or a surrogate pair', () => {
    assert.equal(oneLine('a\n  b\tc', 10), 'a b c');
    assert.equal(oneLine('x'.repeat(20), 10), `${'x'.repeat(9)}…`);
    assert.equal(oneLine('abcdefg\u202Ehij', 12), 'abcdefg…');
    assert.equal(oneLine('abcdefgh🚀🚀', 10), 'abcdefgh…');
    assert.equal(oneLine(null), '');
    for (const [name, text] of samples) {
      for (const max of [1, 5, 40, 120, 300]) {
        const shown = oneLine(text, max);
        assert.ok(shown.length <= max, `${name} @${max}: ${shown.length} > ${max}`);
        assert.ok(!RAW_INVISIBLE.test(shown), `${name} @${max} shows a raw invisible character`);
        assert.ok(!/\n/.test(shown), `${name} @${max} has a line break`);
        assert.ok(!/[\uD800-\uDBFF]$/.test(shown.replace(/…$/, '')), `${name} @${max} ends in half a surrogate pair`);
      }
    }
    assert.equal(oneLine('a'.repeat(10_000_000), 80), `${'a'.repeat(79)}…`);
  });
});

describe('message text (notifications, modal messages, progress titles, input messages)', () => {
  it('leaves no link and no icon syntax, and reads the same', () => {
    for (const [name, text] of samples) {
      const shown = messageText(text);
      assert.ok(!MESSAGE_LINK.test(shown), `${name}: a link survives in ${shown}`);
      assert.ok(!ICON.test(shown), `${name}: an icon survives in ${shown}`);
      assert.ok(!RAW_INVISIBLE.test(shown), `${name}: a raw invisible character survives`);
      assert.ok(read(shown).length <= 500);
      assert.equal(read(shown), oneLine(text, 500), `${name} reads differently`);
    }
    assert.equal(read(messageText('Copied record ID [Open terminal](command:workbench.action.terminal.new)')), 'Copied record ID [Open terminal](command:workbench.action.terminal.new)');
  });

  it('is stable when applied twice (so a composed message can be passed through again)', () => {
    for (const [, text] of samples) assert.equal(messageText(messageText(text)), messageText(text));
  });
});

describe('label text (tree, QuickPick, status bar, titles)', () => {
  it('leaves no icon syntax, shows invisibles, cuts long names', () => {
    for (const [name, text] of samples) {
      const shown = labelText(text, 80);
      assert.ok(!ICON.test(shown), `${name}: an icon survives in ${shown}`);
      assert.ok(!MESSAGE_LINK.test(shown), `${name}: a link survives`);
      assert.ok(!RAW_INVISIBLE.test(shown), `${name}: a raw invisible character survives`);
      assert.ok(read(shown).length <= 80);
      assert.equal(read(shown), oneLine(text, 80));
    }
    assert.equal(read(labelText(`long_${'n'.repeat(4995)}`, 60)), `long_${'n'.repeat(54)}…`);
  });
});

describe('markdown text (tooltips, hovers)', () => {
  // VS Code renders MarkdownStrings with marked (GFM), then theme icons on the HTML. marked is an
  // ES module: loaded with import() from this CommonJS test.
  let render: (markdown: string) => string = () => '';
  before(async () => {
    const { Marked } = await import('marked');
    const marked = new Marked({ gfm: true });
    render = (markdown) => marked.parse(markdown, { async: false }) as string;
  });
  const textOf = (html: string) =>
    html
      .replace(/<\/?(p|br)\s*\/?>/g, (tag) => (tag.startsWith('<br') ? '\n' : ''))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
      .replace(ZWNJ, '')
      .trim();

  it('renders as the same text: no link, image, code, emphasis, HTML, icon, and no visible backslash', () => {
    for (const [name, text] of samples) {
      for (const multiline of [false, true]) {
        const markdown = markdownText(text, { max: 6000, multiline });
        const html = render(markdown);
        const tags = [...html.matchAll(/<([a-z0-9]+)/g)].map((m) => m[1]).filter((tag) => tag !== 'p' && tag !== 'br');
        assert.deepEqual(tags, [], `${name} (multiline ${multiline}) renders ${tags.join(', ')}: ${html.slice(0, 300)}`);
        assert.ok(!ICON.test(html), `${name}: VS Code would render an icon from ${html.slice(0, 200)}`);
        const expected = multiline
          ? text
              .replace(/\r\n?/g, '\n')
              .split('\n')
              .map((line) => oneLine(line, 6000))
              .filter((line, index, all) => line !== '' || (index > 0 && all[index - 1] !== ''))
              .join('\n')
              .replace(/\n+$/, '')
          : oneLine(text, 6000);
        assert.equal(textOf(html).replace(/\u00a0/g, ' ').replace(/\n+/g, '\n').replace(/ +\n/g, '\n'), expected.replace(/\n+/g, '\n').replace(/ +\n/g, '\n'), `${name} (multiline ${multiline}) reads differently`);
        assert.ok(!textOf(html).includes('\\'), `${name}: a backslash is visible`);
      }
    }
  });

  it('keeps indentation out of code blocks and cuts long text', () => {
    const html = render(markdownText('    four spaces\n\tand a tab\n', { multiline: true }));
    assert.ok(!html.includes('<pre'), html);
    assert.ok(markdownText('x'.repeat(1000), { max: 100 }).length < 120);
    assert.equal(markdownText(''), '');
  });

});

describe('CSV cells', () => {
  const roundTrip = (cell: string) => (parseCsv(`${cell}\r\n`, { relax_column_count: false }) as string[][])[0][0];
  const unguard = (text: string) => (text.startsWith("'") ? text.slice(1) : text);

  it('guards every formula variant, reversibly (drop one leading apostrophe)', () => {
    for (const variant of FORMULA_VARIANTS) {
      for (const column of ['stderr', 'udf_name', 'user_email', 'udf_data']) {
        const cell = roundTrip(csvCell(variant, column));
        assert.ok(cell.startsWith("'"), `${JSON.stringify(variant)} in ${column} is not guarded: ${JSON.stringify(cell)}`);
        assert.equal(unguard(cell), variant, `${JSON.stringify(variant)} in ${column} does not come back`);
      }
    }
    assert.equal(guardFormula('plain text'), 'plain text');
    assert.equal(guardFormula('1.5'), '1.5');
  });

  it('keeps recorded UDF code in udf_data exact, and guards anything else there', () => {
    assert.equal(roundTrip(csvCell(LEGIT_PLAIN_CODE, 'udf_data')), LEGIT_PLAIN_CODE);
    assert.equal(roundTrip(csvCell(LEGIT_SERIALIZED_CODE, 'udf_data')), LEGIT_SERIALIZED_CODE);
    assert.equal(roundTrip(csvCell('@fused.udf(cache_max_age="0s")\nasync def udf():\n    pass\n', 'udf_data')), '@fused.udf(cache_max_age="0s")\nasync def udf():\n    pass\n');
    // Not UDF code: a formula, or a decorator with no function.
    assert.equal(roundTrip(csvCell('@SUM(1,1)', 'udf_data')), "'@SUM(1,1)");
    assert.equal(roundTrip(csvCell('@HYPERLINK("x")\n', 'udf_data')), "'@HYPERLINK(\"x\")\n");
    // The same code in another column is guarded like any text.
    assert.equal(roundTrip(csvCell(LEGIT_PLAIN_CODE, 'stdout')), `'${LEGIT_PLAIN_CODE}`);
  });

  it('writes numbers, booleans and absent values as they are', () => {
    assert.equal(csvCell(-1.5, 'execution_time'), '-1.5');
    assert.equal(csvCell(true, 'cache'), 'true');
    assert.equal(csvCell(null, 'stderr'), '');
    assert.equal(csvCell(undefined, 'stderr'), '');
  });
});
