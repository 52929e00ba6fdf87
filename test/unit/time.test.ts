// The one timestamp parser and the one TimeRange (src/time/): every form the tree, the palette,
// command arguments, the recipes and the API client accept, in one place.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateQuery } from '../../src/api/validate';
import { customRange, describeRange, presetRange, rangeBounds, RANGE_PRESETS, rangeTitle, resolveRange, reviveRange, sameRange } from '../../src/time/range';
import { formatOffset, parseTimestamp, parseTimestampOrNow, toLocalIso } from '../../src/time/timestamps';

const NOW = new Date('2026-11-26T02:00:00.000Z');

/** Runs `body` with the process in another time zone (Node re-reads TZ when it is assigned). */
function inZone<T>(zone: string, body: () => T): T {
  const before = process.env.TZ;
  process.env.TZ = zone;
  try {
    return body();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

function ok(text: string) {
  const parsed = parseTimestamp(text);
  assert.ok(parsed.ok, `${text}: ${parsed.ok ? '' : parsed.problem}`);
  return parsed;
}

function problem(text: string, options = {}): string {
  const parsed = parseTimestamp(text, options);
  assert.ok(!parsed.ok, `${text} should be refused`);
  return parsed.problem;
}

describe('parseTimestamp: the forms everyone accepts', () => {
  const instant = Date.UTC(2025, 3, 1, 0, 0, 0);
  it('ISO 8601 with Z, ±hh:mm, ±hhmm and ±hh', () => {
    assert.deepEqual(ok('2025-04-01T00:00:00Z'), { ok: true, ms: instant, iso: '2025-04-01T00:00:00Z', hadOffset: true });
    assert.equal(ok('2025-04-01T00:00:00+00:00').ms, instant);
    assert.equal(ok('2025-04-01T00:00:00+0000').iso, '2025-04-01T00:00:00+00:00');
    assert.equal(ok('2025-04-01T02:00:00+02').ms, instant);
    assert.equal(ok('2025-03-31T19:00:00-0500').ms, instant);
    assert.equal(ok('2025-04-01t00:00:00z').iso, '2025-04-01T00:00:00Z');
  });
  it("Python's str(datetime): a space instead of T", () => {
    const parsed = ok('2025-04-01 00:00:00+00:00');
    assert.equal(parsed.ms, instant);
    assert.equal(parsed.iso, '2025-04-01T00:00:00+00:00');
  });
  it('fractional seconds, every digit kept in what is sent', () => {
    const parsed = ok('2025-04-01 00:00:00.123456+00:00');
    assert.equal(parsed.ms, instant + 123);
    assert.equal(parsed.iso, '2025-04-01T00:00:00.123456+00:00');
    assert.equal(ok('2025-04-01T00:00:00,5Z').iso, '2025-04-01T00:00:00.5Z');
  });
  it('minutes only, and a date alone (midnight)', () => {
    assert.equal(ok('2025-04-01T00:00Z').ms, instant);
    assert.equal(ok('2025-04-01Z').ms, instant);
  });
  it('a local time without an offset is the machine’s local time, shown back with its offset', () => {
    inZone('America/New_York', () => {
      const winter = ok('2026-11-20 14:30');
      assert.equal(winter.hadOffset, false);
      assert.equal(winter.iso, '2026-11-20T14:30:00-05:00');
      assert.equal(winter.ms, Date.UTC(2026, 10, 20, 19, 30));
      const summer = ok('2026-07-01');
      assert.equal(summer.iso, '2026-07-01T00:00:00-04:00');
      assert.equal(toLocalIso(new Date(Date.UTC(2026, 10, 20, 19, 30))), '2026-11-20T14:30:00-05:00');
    });
    inZone('Asia/Kolkata', () => assert.equal(ok('2026-11-20T14:30:00.250').iso, '2026-11-20T14:30:00.250+05:30'));
    inZone('UTC', () => assert.equal(ok('2026-11-20T14:30').iso, '2026-11-20T14:30:00+00:00'));
  });
  it('"now" where a range end may be now', () => {
    assert.deepEqual(parseTimestampOrNow(' Now ', NOW), { ok: true, ms: NOW.getTime(), iso: NOW.toISOString(), hadOffset: true });
    assert.equal(parseTimestamp('now').ok, false);
  });
});

describe('parseTimestamp: what is refused, with a message that quotes the input', () => {
  it('impossible dates and times', () => {
    assert.equal(problem('2026-02-30'), '"2026-02-30" is not a date: 2026-02 has no day 30.');
    assert.match(problem('2025-02-29T00:00:00Z'), /"2025-02-29T00:00:00Z" is not a date: 2025-02 has no day 29/);
    assert.ok(ok('2024-02-29T12:00:00+14:00'));
    assert.match(problem('2025-13-01T00:00:00Z'), /"2025-13-01T00:00:00Z" has month 13/);
    assert.match(problem('2025-04-01T24:00:00Z'), /hour 24/);
    assert.match(problem('2025-04-01T10:60:00Z'), /minute 60/);
    assert.match(problem('2025-04-01T10:00:61Z'), /second 61/);
    assert.match(problem('2025-04-01T10:00:00+25:00'), /offset \+25:00/);
  });
  it('text that is not a timestamp, and blank input', () => {
    assert.match(problem('yesterday'), /"yesterday" is not an ISO 8601 date or date-time/);
    assert.match(problem('04/01/2025 00:00 +00:00'), /is not an ISO 8601/);
    assert.match(problem('   '), /^Enter a date or date-time/);
  });
  it('a local time the clocks skip (daylight saving) does not exist', () => {
    inZone('America/New_York', () => assert.match(problem('2026-03-08 02:30'), /"2026-03-08 02:30" does not exist in this machine's time zone/));
  });
  it('the API check asks for an offset', () => {
    assert.match(problem('2025-04-01T00:00:00', { requireOffset: true }), /"2025-04-01T00:00:00" has no UTC offset/);
  });
  it('formats offsets as ±hh:mm', () => {
    assert.equal(formatOffset(-330), '-05:30');
    assert.equal(formatOffset(60), '+01:00');
    assert.equal(formatOffset(0), '+00:00');
    assert.equal(formatOffset(0, true), 'Z');
  });
});

describe('TimeRange: one preset table, custom ranges, bounds sent', () => {
  it('presets reach back their length with an open end; all time has no bound; the client accepts them', () => {
    for (const preset of RANGE_PRESETS) {
      const bounds = rangeBounds(presetRange(preset.preset), NOW);
      assert.equal(bounds.end_timestamp, undefined);
      if (Number.isFinite(preset.ms)) assert.equal(NOW.getTime() - Date.parse(bounds.start_timestamp as string), preset.ms);
      else assert.equal(bounds.start_timestamp, undefined);
      assert.doesNotThrow(() => validateQuery({ ...bounds, limit: 300 }));
    }
    assert.equal(rangeBounds(presetRange('day'), NOW).start_timestamp, '2026-11-25T02:00:00.000Z');
    assert.equal(resolveRange(presetRange('all'), NOW).spanMs, Number.POSITIVE_INFINITY);
  });
  it('a custom range accepts every timestamp form, local times included, and sends ISO with offsets', () => {
    inZone('America/New_York', () => {
      const result = customRange('2026-11-20 14:30', '2026-11-21T09:00:00+0000', NOW);
      assert.ok(result.ok);
      assert.deepEqual(result.range, { kind: 'custom', start: '2026-11-20T14:30:00-05:00', end: '2026-11-21T09:00:00+00:00' });
      assert.deepEqual(rangeBounds(result.range, NOW), { start_timestamp: '2026-11-20T14:30:00-05:00', end_timestamp: '2026-11-21T09:00:00+00:00' });
      assert.doesNotThrow(() => validateQuery(rangeBounds(result.range, NOW)));
      assert.equal(describeRange(result.range), '2026-11-20 14:30 – 2026-11-21 04:00');
      assert.equal(rangeTitle(result.range), '2026-11-20T14:30:00-05:00 → 2026-11-21T09:00:00+00:00');
    });
  });
  it('the end may be now (or blank); start = end is one instant', () => {
    const toNow = customRange('2026-11-20T00:00:00Z', 'now', NOW);
    assert.ok(toNow.ok && toNow.range.end === NOW.toISOString());
    assert.ok(customRange('2026-11-20T00:00:00Z', '', NOW).ok);
    assert.ok(customRange('2026-11-20T00:00:00Z', '2026-11-20T01:00:00+01:00', NOW).ok);
  });
  it('refuses a reversed range naming both inputs, a start in the future, and bad input naming the field', () => {
    const reversed = customRange('2026-11-21', '2026-11-20T00:00:00Z', NOW);
    assert.ok(!reversed.ok && reversed.field === 'end');
    assert.match(reversed.problem, /^End: "2026-11-20T00:00:00Z" is before the start time "2026-11-21" \(2026-11-21T00:00:00\+00:00\); the range would be empty\.$/);
    const future = customRange('2027-01-01', '2027-01-02', NOW);
    assert.ok(!future.ok && future.field === 'start' && /"2027-01-01" is in the future/.test(future.problem));
    const badStart = customRange('2026-02-30', 'now', NOW);
    assert.ok(!badStart.ok && badStart.problem === 'Start: "2026-02-30" is not a date: 2026-02 has no day 30.');
    const badEnd = customRange('2026-11-20', 'soon', NOW);
    assert.ok(!badEnd.ok && badEnd.field === 'end' && /^End: "soon" is not an ISO 8601/.test(badEnd.problem));
  });
  it('reads back stored ranges, refusing junk and reversed ones', () => {
    assert.deepEqual(reviveRange({ kind: 'preset', preset: 'week' }), presetRange('week'));
    assert.equal(reviveRange({ kind: 'preset', preset: 'year' }), undefined);
    assert.deepEqual(reviveRange({ kind: 'custom', start: '2026-11-20T00:00:00.000Z', end: '2026-11-21T00:00:00.000Z' }), {
      kind: 'custom',
      start: '2026-11-20T00:00:00.000Z',
      end: '2026-11-21T00:00:00.000Z',
    });
    assert.equal(reviveRange({ kind: 'custom', start: '2026-11-21T00:00:00Z', end: '2026-11-20T00:00:00Z' }), undefined);
    assert.equal(reviveRange({ kind: 'custom', start: 'x', end: 'y' }), undefined);
    assert.equal(reviveRange('day'), undefined);
  });
  it('compares ranges by value', () => {
    assert.ok(sameRange(presetRange('day'), { kind: 'preset', preset: 'day' }));
    assert.ok(!sameRange(presetRange('day'), presetRange('week')));
    assert.ok(!sameRange(presetRange('day'), { kind: 'custom', start: 'a', end: 'b' }));
  });
});
