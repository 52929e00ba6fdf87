import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countOf, errorSummary, formatDuration, formatDurationTick, formatLocalTime, isFutureTime, relativeTime, runTooltipMarkdown, statusPresentation, udfAccessibleLabel } from '../../src/views/presentation';

describe('presentation', () => {
  const now = new Date('2026-11-26T12:00:00Z');

  it('labels a log-scale seconds axis by its decades in one unit, and leaves the ticks uPlot filtered out blank', () => {
    assert.deepEqual(
      [0.001, 0.01, 0.1, 1, 10, 100, 1000, 10_000].map(formatDurationTick),
      ['1 ms', '10 ms', '100 ms', '1 s', '10 s', '100 s', '1,000 s', '10,000 s'],
    );
    // Products of powers carry float noise; it is not shown.
    assert.equal(formatDurationTick(0.001 * 3), '3 ms');
    assert.equal(formatDurationTick(0.1 * 7), '700 ms');
    assert.equal(formatDurationTick(10 * 0.2), '2 s');
    assert.equal(formatDurationTick(0.0001), '0.1 ms');
    // uPlot's log filter hands null for the minor ticks it leaves unlabelled: no text, not "did not complete".
    for (const blank of [null, undefined, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(formatDurationTick(blank), '', String(blank));
  });

  it('gives relative times', () => {
    assert.equal(relativeTime('2026-11-26T11:59:50Z', now), 'just now');
    assert.equal(relativeTime('2026-11-26T11:57:00Z', now), '3 min ago');
    assert.equal(relativeTime('2026-11-26T09:00:00Z', now), '3 h ago');
    assert.equal(relativeTime('2026-11-21T12:00:00Z', now), '5 d ago');
    assert.equal(relativeTime('2026-11-12T12:00:00Z', now), '2 w ago');
    assert.equal(relativeTime('not a time', now), 'unknown time');
  });

  it('says when a run is dated in the future (beyond a minute of clock skew)', () => {
    assert.equal(relativeTime('2026-11-26T12:00:30Z', now), 'just now');
    assert.equal(relativeTime('2026-11-28T12:00:00Z', now), '⚠ in the future (2 d ahead)');
    assert.equal(relativeTime('2026-11-26T15:00:00Z', now), '⚠ in the future (3 h ahead)');
    assert.equal(isFutureTime('2026-11-28T12:00:00Z', now), true);
    assert.equal(isFutureTime('2026-11-26T12:00:30Z', now), false);
    assert.equal(isFutureTime('garbage', now), false);
  });

  it('says a UDF row\'s status in words for screen readers, not only by the icon', () => {
    assert.equal(udfAccessibleLabel('flaky_geocoder', 'failed', '3 min ago', 4), 'flaky_geocoder, latest run failed, 3 min ago, 4 failing runs');
    assert.equal(udfAccessibleLabel('dem_slope', 'ok', '1 h ago'), 'dem_slope, latest run succeeded, 1 h ago');
    assert.equal(udfAccessibleLabel('tiles', 'cached', 'just now', 1), 'tiles, latest run served from cache, just now, 1 failing run');
    assert.match(udfAccessibleLabel('osm_roads', 'incomplete', '2 d ago'), /^osm_roads, latest run incomplete \(never finished\), 2 d ago$/);
  });

  it('counts with the noun in the right number', () => {
    assert.equal(countOf(1, 'run'), '1 run');
    assert.equal(countOf(0, 'run'), '0 runs');
    assert.equal(countOf(1204, 'line'), '1,204 lines');
    assert.equal(countOf(2, 'day window'), '2 day windows');
  });

  it('formats durations, including runs that never finished', () => {
    assert.equal(formatDuration(0.25), '250 ms');
    assert.equal(formatDuration(4.24), '4.2 s');
    assert.equal(formatDuration(42), '42 s');
    assert.equal(formatDuration(185), '3 min 5 s');
    assert.equal(formatDuration(120), '2 min');
    assert.equal(formatDuration(null), 'did not complete');
    assert.equal(formatDuration(undefined), 'did not complete');
  });

  it('calls negative and non-finite durations invalid, and shows huge ones in hours and days', () => {
    for (const bad of [-1, -0.001, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) assert.equal(formatDuration(bad), 'invalid duration');
    assert.equal(formatDuration(3600), '1 h');
    assert.equal(formatDuration(3 * 3600 + 5 * 60 + 9), '3 h 5 min');
    assert.equal(formatDuration(86_400), '1 day');
    assert.equal(formatDuration(3 * 86_400 + 4 * 3600 + 7), '3 days 4 h');
    assert.equal(formatDuration(1e12), '11574074 days 1 h');
    assert.equal(formatDuration(0), '0 ms');
  });

  it('formats local time in a given zone', () => {
    assert.equal(formatLocalTime('2026-11-26T12:00:00Z', 'America/New_York'), '2026-11-26 07:00:00 EST');
    assert.equal(formatLocalTime('2026-07-01T00:30:00+00:00', 'America/New_York'), '2026-06-30 20:30:00 EDT');
    assert.equal(formatLocalTime('garbage'), 'garbage');
  });


  it('summarises a traceback by its last line', () => {
    assert.equal(errorSummary('Traceback (most recent call last):\n  File "x.py", line 3\nValueError: nope\n\n'), 'ValueError: nope');
    assert.equal(errorSummary(null), '');
    // Colour codes of a log are formatting, not content; other control characters are shown.
    assert.equal(errorSummary('x\n\u001b[31mValueError\u001b[0m: bad\u0007\n'), 'ValueError: bad⟨U+0007⟩');
  });

  it('builds a tooltip with every fact, escaped', () => {
    const markdown = runTooltipMarkdown(
      { id: 'r1', timestamp: '2026-11-26T11:57:00Z', udf_name: 'dem_<b>', execution_time: 1.5, user_email: 'ada@example.com', execution_engine: 'realtime', cache: false, stderr: 'boom' },
      'failed',
      now,
      'America/New_York',
    );
    assert.match(markdown, /dem\\_\\<b\\>/);
    assert.match(markdown, /2026\\-11\\-26 06\\:57\\:00 EST/);
    assert.match(markdown, /3 min ago/);
    assert.match(markdown, /ISO: 2026\\-11\\-26T11\\:57\\:00Z/);
    assert.match(markdown, /1\\.5 s/);
    assert.match(markdown, /Cache: miss/);
    assert.match(markdown, /Error: boom/);
    assert.equal(statusPresentation('failed').icon, 'error');
  });
});
