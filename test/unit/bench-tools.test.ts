import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parseBenchArgs, UsageError } from '../../bench/args';
import { SECTIONS } from '../../bench/context';
import { markdownTable, textTable, timeRows, verdict } from '../../bench/report';
import { codeSizes, CODE_COMPRESSED_GOAL_BYTES, isCode, parseUnzipListing } from '../../bench/vsixCode';
import { formatBytes, formatMs, formatRatio, median, quantile, ratio, summarize } from '../../bench/stats';

describe('bench statistics', () => {
  it('takes medians and quantiles by linear interpolation', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(quantile([1, 2, 3, 4, 5], 0.25), 2);
    assert.equal(quantile([10, 20], 0.99), 19.9);
    assert.equal(quantile([7], 0.99), 7);
  });

  it('summarises without reordering the caller\u2019s array', () => {
    const values = [5, 1, 9, 3];
    assert.deepEqual(summarize(values), { n: 4, median: 4, min: 1, max: 9, p25: 2.5, p75: 6 });
    assert.deepEqual(values, [5, 1, 9, 3]);
  });

  it('refuses to summarise nothing or a broken measurement', () => {
    assert.throws(() => summarize([]), /no values/);
    assert.throws(() => median([1, Number.NaN]), /not a finite/);
    assert.throws(() => quantile([1], 1.5), /within 0..1/);
  });

  it('has no ratio over nothing', () => {
    assert.equal(ratio(30, 12), 2.5);
    assert.equal(ratio(5, 0), undefined);
    assert.equal(formatRatio(undefined), 'n/a');
    assert.equal(formatRatio(2.456), '2.46×');
    assert.equal(formatRatio(12.4), '12×');
  });

  it('formats times and sizes for the table', () => {
    assert.equal(formatMs(summarize([15, 12, 19])), '15 ms (12–19, n=3)');
    assert.equal(formatMs(summarize([0.5, 1.25])), '0.88 ms (0.5–1.25, n=2)');
    assert.equal(formatBytes(152_200), '152.2 KB');
    assert.equal(formatBytes(10_485_760), '10.49 MB');
    assert.equal(formatBytes(null), 'n/a');
  });
});

describe('bench table', () => {
  const rows = [
    { section: 'activation', metric: 'ratio', value: '1.9×', goal: '≤ 2.5×', verdict: verdict(true) },
    { section: 'sizes', metric: 'a|b', value: '1 KB' },
  ];

  it('aligns the text table and says which goals are met', () => {
    const lines = textTable(rows).trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[1], /^activation {2}ratio +1\.9× +≤ 2\.5× {2}met$/);
    assert.equal(lines[0].indexOf('value'), lines[1].indexOf('1.9×'));
    assert.equal(verdict(false), 'NOT MET');
    assert.equal(verdict(undefined), '');
  });

  it('escapes pipes in the Markdown table', () => {
    const markdown = markdownTable(rows);
    assert.match(markdown, /^\| section \| metric \| value \| goal \| verdict \|\n\|---\|---\|---\|---\|---\|\n/);
    assert.match(markdown, /\| sizes \| a\\\|b \| 1 KB \| {2}\| {2}\|/);
  });
});

describe('bench time rows', () => {
  const times = [
    { section: 'sizes', seconds: 9, loadAtStart: 0.42 },
    { section: 'activation', seconds: 301, loadAtStart: 1.25 },
  ];

  it('gives each section its time and judges the whole run against the budget', () => {
    const rows = timeRows(times, 899, 15, true);
    assert.deepEqual(rows.map((row) => row.value), ['9 s (load 0.4 at its start)', '301 s (load 1.3 at its start)', '899 s (14 min 59 s)']);
    assert.deepEqual([rows[2].goal, rows[2].verdict], ['< 15 min', 'met']);
    assert.equal(timeRows(times, 900, 15, true)[2].verdict, 'NOT MET');
  });

  it('does not judge a run of some sections against the budget', () => {
    const rows = timeRows(times, 320, 15, false);
    assert.equal(rows[2].metric, 'time, this run (sizes, activation only)');
    assert.deepEqual([rows[2].goal, rows[2].verdict], ['', '']);
  });
});

describe('bench options', () => {
  it('runs every section by default', () => {
    assert.deepEqual(parseBenchArgs([]).only, [...SECTIONS]);
  });

  it('runs only the sections asked for, in the usual order', () => {
    assert.deepEqual(parseBenchArgs(['--only', 'tree,recipes']).only, ['recipes', 'tree']);
    assert.deepEqual(parseBenchArgs(['--only=hovers']).only, ['hovers']);
    assert.equal(parseBenchArgs(['--samples', '9']).activationSamples, 9);
  });

  it('says what is wrong with bad options', () => {
    assert.throws(() => parseBenchArgs(['--only', 'lenses']), (error: Error) => error instanceof UsageError && /not lenses/.test(error.message));
    assert.throws(() => parseBenchArgs(['--samples', '0']), /--samples must be an integer from 1 to 50/);
    assert.throws(() => parseBenchArgs(['--fast']), /Unknown option '--fast'/);
    assert.throws(() => parseBenchArgs(['fast']), /Unexpected argument 'fast'/);
  });
});

describe('bench code sizes (.vsix)', () => {
  // `unzip -v` of a .vsix, as Info-ZIP prints it (names with spaces and brackets included).
  const listing = [
    'Archive:  fused-runs-0.1.0.vsix',
    ' Length   Method    Size  Cmpr    Date    Time   CRC-32   Name',
    '--------  ------  ------- ---- ---------- ----- --------  ----',
    '     567  Defl:N      226  60% 2026-11-28 00:11 46f86288  [Content_Types].xml',
    '    4848  Defl:N     1932  60% 2026-11-28 00:11 d5812b3d  extension/dist/extension.js',
    '    3506  Defl:N     1062  70% 2026-11-28 00:11 ace82011  extension/dist/webview/details.css',
    '   12000  Defl:N     9000  25% 2026-11-28 00:11 0badc0de  extension/media/icon.png',
    '      10  Stored       10   0% 2026-11-28 00:11 0badc0df  extension/dist/a b.js',
    '--------          -------  ---                            -------',
    '   20931             12230  42%                            5 files',
  ].join('\n');

  it('reads every entry of the listing with its unpacked and stored size', () => {
    const entries = parseUnzipListing(listing);
    assert.deepEqual(
      entries.map((entry) => [entry.name, entry.length, entry.stored, entry.method]),
      [
        ['[Content_Types].xml', 567, 226, 'Defl:N'],
        ['extension/dist/extension.js', 4848, 1932, 'Defl:N'],
        ['extension/dist/webview/details.css', 3506, 1062, 'Defl:N'],
        ['extension/media/icon.png', 12000, 9000, 'Defl:N'],
        ['extension/dist/a b.js', 10, 10, 'Stored'],
      ],
    );
    assert.throws(() => parseUnzipListing('Archive: x\n'), /no entries/);
  });

  it('counts only code (.js, .css, .html), sums it, and judges the deflated total against 100 KB', () => {
    const content = (name: string) => Buffer.from(name.repeat(50));
    const sizes = codeSizes(parseUnzipListing(listing), content);
    assert.deepEqual(sizes.files.map((file) => file.name), ['extension/dist/a b.js', 'extension/dist/extension.js', 'extension/dist/webview/details.css']);
    assert.deepEqual({ length: sizes.total.length, stored: sizes.total.stored }, { length: 4848 + 3506 + 10, stored: 1932 + 1062 + 10 });
    assert.equal(sizes.total.gzip9, sizes.files.reduce((sum, file) => sum + gzipSync(content(file.name), { level: 9 }).length, 0));
    assert.equal(sizes.met, true);
    assert.equal(codeSizes([{ name: 'extension/dist/features.js', length: 300_000, stored: CODE_COMPRESSED_GOAL_BYTES, method: 'Defl:N' }], content).met, false);
    assert.equal(isCode('extension/dist/webview/index.html'), true);
    assert.equal(isCode('extension/media/icon.svg'), false);
  });
});
