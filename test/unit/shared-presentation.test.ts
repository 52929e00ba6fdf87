import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  errorSummary,
  escapeMarkdown,
  formatDuration,
  formatLocalTime,
  oneLine,
  relativeTime,
  runTooltipMarkdown,
  statusPresentation,
  visibleControlChars,
} from '../../src/views/presentation';

describe('presentation', () => {
  const now = new Date('2026-11-26T12:00:00Z');

  it('gives relative times', () => {
    assert.equal(relativeTime('2026-11-26T11:59:50Z', now), 'just now');
    assert.equal(relativeTime('2026-11-26T11:57:00Z', now), '3 min ago');
    assert.equal(relativeTime('2026-11-26T09:00:00Z', now), '3 h ago');
    assert.equal(relativeTime('2026-11-21T12:00:00Z', now), '5 d ago');
    assert.equal(relativeTime('2026-11-12T12:00:00Z', now), '2 w ago');
    assert.equal(relativeTime('2026-11-27T12:00:00Z', now), 'just now');
    assert.equal(relativeTime('not a time', now), 'unknown time');
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

  it('formats local time in a given zone', () => {
    assert.equal(formatLocalTime('2026-11-26T12:00:00Z', 'America/New_York'), '2026-11-26 07:00:00 EST');
    assert.equal(formatLocalTime('2026-07-01T00:30:00+00:00', 'America/New_York'), '2026-06-30 20:30:00 EDT');
    assert.equal(formatLocalTime('garbage'), 'garbage');
  });

  it('escapes markdown and HTML so record text stays text', () => {
    const hostile = '[click](command:workbench.action.quit) <img src=x onerror=alert(1)> **bold**';
    const escaped = escapeMarkdown(hostile);
    assert.ok(!escaped.includes('[click]('), escaped);
    assert.ok(!/(^|[^\\])<img/.test(escaped), escaped);
    assert.ok(escaped.includes('\\*\\*bold\\*\\*'));
  });

  it('strips ANSI escapes and shows control characters', () => {
    assert.equal(visibleControlChars('\u001b[31mred\u001b[0m\u0007'), 'red\\u0007');
    assert.equal(oneLine('a\n  b\tc', 10), 'a b c');
    assert.equal(oneLine('x'.repeat(20), 10), `${'x'.repeat(9)}…`);
  });

  it('summarises a traceback by its last line', () => {
    assert.equal(errorSummary('Traceback (most recent call last):\n  File "x.py", line 3\nValueError: nope\n\n'), 'ValueError: nope');
    assert.equal(errorSummary(null), '');
  });

  it('builds a tooltip with every fact, escaped', () => {
    const markdown = runTooltipMarkdown(
      { id: 'r1', timestamp: '2026-11-26T11:57:00Z', udf_name: 'dem_<b>', execution_time: 1.5, user_email: 'ada@example.com', execution_engine: 'realtime', cache: false, stderr: 'boom' },
      'failed',
      now,
      'America/New_York',
    );
    assert.match(markdown, /dem\\_\\<b\\>/);
    assert.match(markdown, /2026\\-11\\-26 06:57:00 EST/);
    assert.match(markdown, /3 min ago/);
    assert.match(markdown, /`2026-11-26T11:57:00Z`/);
    assert.match(markdown, /1\\.5 s/);
    assert.match(markdown, /Cache: miss/);
    assert.match(markdown, /Error: boom/);
    assert.equal(statusPresentation('failed').icon, 'error');
  });
});
