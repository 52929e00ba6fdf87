// The one TimeRange: a preset ("last 24 hours", … "all time") or a custom start and end. The
// tree, the palette prompts, the command arguments and the results view all use it, and its
// one preset table. Presets are relative and resolved against a clock when a query is built;
// their end stays open so runs that land while a list is shown still count. Pure: no `vscode`.
import * as l10n from '@vscode/l10n';
import { parseTimestamp, parseTimestampOrNow, TIMESTAMP_EXAMPLES } from './timestamps';
import { formatLocalMinutes } from './format';

export type RangePresetId = 'hour' | 'day' | 'week' | 'month' | 'all';

export type TimeRange =
  | { kind: 'preset'; preset: RangePresetId }
  /** ISO 8601 with an offset (as parseTimestamp returns `iso`), start ≤ end. */
  | { kind: 'custom'; start: string; end: string };

export interface RangePreset {
  preset: RangePresetId;
  /** In pick lists: "Last 24 hours". */
  label: string;
  /** In descriptions and titles: "last 24 h". */
  short: string;
  /** Length; Infinity for all time. */
  ms: number;
}

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

export const RANGE_PRESETS: readonly RangePreset[] = [
  // Getters: the words are looked up when shown (in the display language), not at load.
  { preset: 'hour', get label() { return l10n.t('Last hour'); }, get short() { return l10n.t('last hour'); }, ms: HOUR_MS },
  { preset: 'day', get label() { return l10n.t('Last 24 hours'); }, get short() { return l10n.t('last 24 h'); }, ms: DAY_MS },
  { preset: 'week', get label() { return l10n.t('Last 7 days'); }, get short() { return l10n.t('last 7 days'); }, ms: 7 * DAY_MS },
  { preset: 'month', get label() { return l10n.t('Last 30 days'); }, get short() { return l10n.t('last 30 days'); }, ms: 30 * DAY_MS },
  { preset: 'all', get label() { return l10n.t('All time'); }, get short() { return l10n.t('all time'); }, ms: Number.POSITIVE_INFINITY },
];

export function presetRange(preset: RangePresetId): TimeRange {
  return { kind: 'preset', preset };
}

/** A range resolved against a clock: the instants to send. Absent = unbounded. */
export interface ResolvedRange {
  start?: Date;
  end?: Date;
  /** Length in ms; Infinity when unbounded. */
  spanMs: number;
}

export function resolveRange(range: TimeRange, now: Date): ResolvedRange {
  if (range.kind === 'custom') {
    const start = new Date(instantOf(range.start));
    const end = new Date(instantOf(range.end));
    return { start, end, spanMs: end.getTime() - start.getTime() };
  }
  const preset = RANGE_PRESETS.find((p) => p.preset === range.preset);
  if (!preset || !Number.isFinite(preset.ms)) return { spanMs: Number.POSITIVE_INFINITY };
  return { start: new Date(now.getTime() - preset.ms), spanMs: preset.ms };
}

/**
 * The range as query bounds (start_timestamp / end_timestamp, ISO 8601 with an offset). A custom
 * range sends its own text (an offset and every digit as given); a preset its start from `now`.
 */
export function rangeBounds(range: TimeRange, now: Date): { start_timestamp?: string; end_timestamp?: string } {
  if (range.kind === 'custom') return { start_timestamp: range.start, end_timestamp: range.end };
  const { start } = resolveRange(range, now);
  return start ? { start_timestamp: start.toISOString() } : {};
}

/** "last 24 h", or local minutes for a custom range: "2026-11-20 14:30 – 2026-11-21 09:00". */
export function describeRange(range: TimeRange, timeZone?: string): string {
  if (range.kind === 'preset') return RANGE_PRESETS.find((p) => p.preset === range.preset)?.short ?? range.preset;
  return `${formatLocalMinutes(range.start, timeZone)} – ${formatLocalMinutes(range.end, timeZone)}`;
}

/** For titles that must say exactly what was asked: "last 24 h", or "<start> → <end>" in ISO 8601 with offsets. */
export function rangeTitle(range: TimeRange): string {
  return range.kind === 'preset' ? describeRange(range) : `${range.start} → ${range.end}`;
}

export function sameRange(a: TimeRange, b: TimeRange): boolean {
  if (a.kind === 'preset') return b.kind === 'preset' && a.preset === b.preset;
  return b.kind === 'custom' && a.start === b.start && a.end === b.end;
}

/** Epoch ms of a stored bound (NaN when it is not a timestamp: reviveRange keeps those out). */
function instantOf(text: string): number {
  const parsed = parseTimestamp(text);
  return parsed.ok ? parsed.ms : Number.NaN;
}

export type CustomRangeResult = { ok: true; range: TimeRange & { kind: 'custom' } } | { ok: false; field: 'start' | 'end'; problem: string };

/** What is wrong with a typed start, or undefined (a start in the future cannot hold runs yet). */
export function checkRangeStart(startText: string, now: Date): string | undefined {
  const start = parseTimestamp(startText);
  if (!start.ok) return l10n.t('Start: {0}', start.problem);
  if (start.ms > now.getTime()) return l10n.t('Start: {0} is in the future; no run can be there yet.', JSON.stringify(startText.trim()));
  return undefined;
}

/**
 * A custom range from typed text. The end may be "now" (or blank for now). A start after the
 * end is refused, naming both inputs; start = end is one instant (the API's range is inclusive).
 */
export function customRange(startText: string, endText: string, now: Date): CustomRangeResult {
  const startProblem = checkRangeStart(startText, now);
  if (startProblem) return { ok: false, field: 'start', problem: startProblem };
  const start = parseTimestamp(startText) as Extract<ReturnType<typeof parseTimestamp>, { ok: true }>;
  const end = endText.trim() === '' ? parseTimestampOrNow('now', now) : parseTimestampOrNow(endText, now);
  if (!end.ok) return { ok: false, field: 'end', problem: l10n.t('End: {0}', end.problem) };
  if (end.ms < start.ms) {
    return {
      ok: false,
      field: 'end',
      problem: l10n.t('End: {0} is before the start time {1} ({2}); the range would be empty.', JSON.stringify(endText.trim() || 'now'), JSON.stringify(startText.trim()), start.iso),
    };
  }
  return { ok: true, range: { kind: 'custom', start: start.iso, end: end.iso } };
}

/** A range read back from storage or a command argument; undefined when it is not one. */
export function reviveRange(value: unknown): TimeRange | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const raw = value as Record<string, unknown>;
  if (raw.kind === 'preset' && RANGE_PRESETS.some((p) => p.preset === raw.preset)) return { kind: 'preset', preset: raw.preset as RangePresetId };
  if (raw.kind === 'custom' && typeof raw.start === 'string' && typeof raw.end === 'string') {
    const start = parseTimestamp(raw.start);
    const end = parseTimestamp(raw.end);
    if (start.ok && end.ok && start.ms <= end.ms) return { kind: 'custom', start: start.iso, end: end.iso };
  }
  return undefined;
}

/** For prompts: what a custom start or end may look like. */
export function rangeInputHint(): string {
  return l10n.t('ISO 8601 ({0})', TIMESTAMP_EXAMPLES);
}
