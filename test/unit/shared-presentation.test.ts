import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countOf, errorSummary, formatDuration, formatDurationTick, formatLocalTime, isFutureTime, relativeTime, runRowText, runTooltipMarkdown, statusPresentation, udfAccessibleLabel, udfRowDescription } from '../../src/shared/presentation';

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

  describe('a run row', () => {
    const zone = 'America/New_York';
    const base = { id: 'r1', timestamp: '2026-11-26T11:55:00Z', udf_name: 'flaky_geocoder', execution_time: 4.24, user_email: 'ada@example.com', stderr: null };

    it('leads with the relative time, then status, duration and user; the local time and zone only in the accessible label', () => {
      const row = runRowText(base, 'ok', now, { timeZone: zone });
      assert.equal(row.label, '5 min ago');
      assert.equal(row.description, 'Succeeded · 4.2 s · ada@example.com');
      assert.equal(row.accessibleLabel, '5 min ago, succeeded, flaky_geocoder run at 2026-11-26 06:55:00 EST, took 4.2 s, by ada@example.com');
      // What differs between runs is within the first 35 characters a default-width side bar shows of a run row.
      assert.ok(`${row.label} ${row.description}`.indexOf('4.2 s') < 35);
      assert.doesNotMatch(`${row.label} ${row.description}`, /2026|EST/);
    });

    it('says a failure, its error line and a run that never finished', () => {
      const failed = runRowText({ ...base, stderr: 'Traceback (most recent call last):\n  File "x.py", line 3\nValueError: no geometry\n' }, 'failed', now, { timeZone: zone });
      assert.equal(failed.description, 'Failed · 4.2 s · ada@example.com · ValueError: no geometry');
      assert.match(failed.accessibleLabel, /^5 min ago, failed, flaky_geocoder run at 2026-11-26 06:55:00 EST, took 4\.2 s, by ada@example\.com, error: ValueError: no geometry$/);
      const never = runRowText({ ...base, execution_time: null, user_email: null, user_id: 'u-7' }, 'incomplete', now, { timeZone: zone });
      assert.equal(never.description, 'Incomplete · did not complete · u-7');
      assert.equal(never.accessibleLabel, '5 min ago, incomplete (never finished), flaky_geocoder run at 2026-11-26 06:55:00 EST, did not complete, by u-7');
      assert.equal(runRowText({ ...base, user_email: null }, 'cached', now, { timeZone: zone }).description, 'Cached · 4.2 s');
    });

    it('puts the UDF name first in lists that mix UDFs', () => {
      assert.equal(runRowText(base, 'ok', now, { showUdfName: true }).label, 'flaky_geocoder · 5 min ago');
      assert.equal(runRowText({ ...base, udf_name: null, udf_id: 'id-9' }, 'ok', now, { showUdfName: true }).label, 'id-9 · 5 min ago');
    });

    it('shows the date beside a time in the future, and an unreadable time as it is', () => {
      const future = runRowText({ ...base, timestamp: '2026-11-28T12:00:00Z' }, 'ok', now, { timeZone: zone });
      assert.equal(future.label, '⚠ in the future (2 d ahead) 2026-11-28 07:00');
      const garbage = runRowText({ ...base, timestamp: 'yesterday-ish' }, 'ok', now, { timeZone: zone });
      assert.equal(garbage.label, 'unknown time: yesterday-ish');
    });

    it('keeps hostile record text as text on the label, description and accessible label', () => {
      const hostile = { ...base, udf_name: '$(rocket) [x](command:evil)\u202Eexe', user_email: 'a\u0007\nb', stderr: 'boom $(alert)\u202E' };
      const row = runRowText(hostile, 'failed', now, { showUdfName: true, timeZone: zone });
      for (const text of [row.label, row.description, row.accessibleLabel]) {
        // eslint-disable-next-line no-control-regex -- finding control characters is the point
        assert.doesNotMatch(text, /\$\(|\]\(|[\u0000-\u001f\u202E]/, text);
      }
      assert.match(row.label, /⟨U\+202E⟩exe · 5 min ago$/);
      assert.match(row.description, /a⟨U\+0007⟩ b · boom \$\u200c\(alert\)⟨U\+202E⟩$/);
    });
  });

  it('leads a UDF row with its latest run\'s relative time, watched or not', () => {
    assert.equal(udfRowDescription('3 min ago', 'failed'), '3 min ago');
    assert.equal(udfRowDescription('3 min ago', 'failed', { watched: true }), '3 min ago · Failed · watched');
    assert.equal(udfRowDescription('2 h ago', 'ok', { watched: true, udfId: 'u\u202E1', failingRuns: 4 }), '2 h ago · Succeeded · watched · u⟨U+202E⟩1 · 4 failing');
    assert.equal(udfRowDescription('2 h ago', 'incomplete', { udfId: 'id-1' }), '2 h ago · id-1');
  });
});
