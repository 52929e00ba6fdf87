// The insights webview's messages, both directions, and the state it keeps across reloads.
// Shared by the extension host and the browser script (src/webview/app/insights/), so it holds
// only types and pure functions: no `vscode`, no Node, no DOM.
//
// The webview is untrusted input (it shows record text), so everything it sends is checked by
// parseInsightsMessage before the host acts: a run it asks to open must be one the panel sent.

import type { RunStatus } from '../api/types';
import { RANGE_PRESETS, type TimeRange } from '../time/range';
import type { Scope } from '../shared/scope';
import type { ViewState } from '../views/treeModel';
import type { Breakdown, BucketUnit, DurationPoints, Trend } from './aggregate';

/** The panel's `viewType`; also its `onWebviewPanel:` activation event. */
export const INSIGHTS_VIEW_TYPE = 'fusedRuns.udfInsights';

/** What one panel shows: a UDF (by name, or by id when the tree groups by id) in a scope and range. */
export interface InsightsSubject {
  kind: 'udf_name' | 'udf_id';
  value: string;
  scope: Scope;
  range: TimeRange;
}

export interface RatioView {
  /** "12.5 %" or "—" when there were no runs. */
  text: string;
  /** "25 of 200 runs". */
  detail: string;
  value?: number;
  previous?: { text: string; detail: string; value?: number; partial: boolean };
  trend?: Trend;
  /** "↑ 3.5 pts", "↓ 0.4 pts", "= same". */
  trendText?: string;
  /** Which direction is good news: up for cache hits, down for failures. */
  better: 'up' | 'down';
}

export interface ErrorGroupView {
  type: string;
  message: string;
  example: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Local times, for the table. */
  firstSeenText: string;
  lastSeenText: string;
  latestRunId: string;
}

export interface InsightsView {
  /** The panel's key (see subjectKey): messages for another subject are dropped. */
  key: string;
  heading: string;
  scopeLabel: string;
  rangeLabel: string;
  /** The range drawn, epoch ms (an open end is the moment of loading). */
  rangeStartMs: number;
  rangeEndMs: number;
  /** When only the newest runs of the range were read: the oldest one read (earlier buckets are not known). */
  coverageStartMs?: number;
  basis: {
    runs: number;
    complete: boolean;
    /** "based on 1,200 runs", with what is missing. */
    text: string;
    canLoadMore: boolean;
    requests: number;
  };
  buckets: {
    unit: BucketUnit;
    starts: number[];
    /** Local start of each bucket, for the table. */
    labels: string[];
    counts: Record<RunStatus, number[]>;
    p50: (number | null)[];
    p95: (number | null)[];
  };
  totals: Record<RunStatus, number> & { all: number };
  durations: {
    points: DurationPoints;
    ids: string[];
    users: string[];
    withoutDuration: number;
    p50?: number;
    p95?: number;
    p50Text: string;
    p95Text: string;
  };
  ratios: { failure: RatioView; cacheHit: RatioView; previousLabel: string };
  errors: ErrorGroupView[];
  byUser: Breakdown[];
  byEngine: Breakdown[];
}

// ---------------------------------------------------------------------------------------------
// Host → webview

export type InsightsHostMessage =
  | { type: 'loading'; key: string; subject: InsightsSubject; title: string; more: boolean }
  | { type: 'data'; key: string; subject: InsightsSubject; view: InsightsView }
  /** A failed load; `view` is what was shown before, kept. */
  | { type: 'error'; key: string; message: string };

// ---------------------------------------------------------------------------------------------
// Webview → host

export type InsightsMessage =
  | { type: 'ready' }
  /** A point, a row of a table or an error's "latest run" link: the run's details. */
  | { type: 'openRun'; id: string }
  | { type: 'loadMore' }
  | { type: 'refresh' }
  /** How long drawing took, for the log (and the draw-time measurement). */
  | { type: 'drawn'; points: number; ms: number };

export type InsightsParseResult = { ok: true; message: InsightsMessage } | { ok: false; reason: string };

/** State the webview keeps (`vscode.setState`), read back by the serializer after a reload. */
export interface InsightsState {
  subject: InsightsSubject;
  /** Tables shown instead of charts. */
  tables?: boolean;
}

const MAX_VALUE = 1024;

/**
 * Checks a message from the webview: a known type, exactly the expected keys, and for openRun
 * an id among the runs the panel sent (`knownRunIds`), so a forged message cannot open
 * anything else.
 */
export function parseInsightsMessage(value: unknown, knownRunIds: ReadonlySet<string>): InsightsParseResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: `expected an object, got ${describe(value)}` };
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
    case 'loadMore':
    case 'refresh': {
      const extra = unexpectedKeys(message, ['type']);
      return extra ? { ok: false, reason: extra } : { ok: true, message: { type: message.type } };
    }
    case 'openRun': {
      const extra = unexpectedKeys(message, ['type', 'id']);
      if (extra) return { ok: false, reason: extra };
      if (typeof message.id !== 'string' || !knownRunIds.has(message.id)) return { ok: false, reason: `id ${describe(message.id)} is not a run this panel shows` };
      return { ok: true, message: { type: 'openRun', id: message.id } };
    }
    case 'drawn': {
      const extra = unexpectedKeys(message, ['type', 'points', 'ms']);
      if (extra) return { ok: false, reason: extra };
      const { points, ms } = message;
      if (typeof points !== 'number' || !Number.isInteger(points) || points < 0 || typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        return { ok: false, reason: `drawn needs a whole number of points and a duration, got ${describe(points)} and ${describe(ms)}` };
      }
      return { ok: true, message: { type: 'drawn', points, ms } };
    }
    default:
      return { ok: false, reason: `unknown message type ${describe(message.type)}` };
  }
}

/** The serializer's input, possibly from an older version or tampered with: a subject or nothing. */
export function parseInsightsState(value: unknown): InsightsState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = value as Record<string, unknown>;
  const subject = parseSubject(raw.subject);
  if (!subject) return undefined;
  return { subject, ...(typeof raw.tables === 'boolean' ? { tables: raw.tables } : {}) };
}

export function parseSubject(value: unknown): InsightsSubject | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = value as Record<string, unknown>;
  if (raw.kind !== 'udf_name' && raw.kind !== 'udf_id') return undefined;
  if (typeof raw.value !== 'string' || raw.value.trim() === '' || raw.value.length > MAX_VALUE) return undefined;
  if (raw.scope !== 'mine' && raw.scope !== 'execEnv') return undefined;
  const range = parseRange(raw.range);
  if (!range) return undefined;
  return { kind: raw.kind, value: raw.value, scope: raw.scope, range };
}

function parseRange(value: unknown): TimeRange | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = value as Record<string, unknown>;
  const preset = RANGE_PRESETS.find((p) => p.preset === raw.preset);
  if (raw.kind === 'preset' && preset) return { kind: 'preset', preset: preset.preset };
  if (raw.kind === 'custom' && typeof raw.start === 'string' && typeof raw.end === 'string') {
    const start = Date.parse(raw.start);
    const end = Date.parse(raw.end);
    if (Number.isFinite(start) && Number.isFinite(end) && start < end) return { kind: 'custom', start: raw.start, end: raw.end };
  }
  return undefined;
}

/**
 * The subject of a command argument: a UDF row of the tree (`{ kind: 'udf', entry }`), a hover
 * or code-lens link (`{ udf_name }`, or `{ udf_id }`), or a full subject. Scope and range come
 * from the tree unless the argument has them. Undefined for anything else.
 */
export function subjectOfArgument(arg: unknown, state: Pick<ViewState, 'scope' | 'range'>): InsightsSubject | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const raw = arg as Record<string, unknown>;
  const full = parseSubject(raw);
  if (full) return full;
  const base = { scope: state.scope, range: state.range };
  if (raw.kind === 'udf' && typeof raw.entry === 'object' && raw.entry !== null) {
    const entry = raw.entry as Record<string, unknown>;
    if (typeof entry.key === 'string' && entry.key.trim() !== '') return parseSubject({ kind: entry.groupBy === 'udf_id' ? 'udf_id' : 'udf_name', value: entry.key, ...base });
    return undefined;
  }
  if (typeof raw.udf_name === 'string') return parseSubject({ kind: 'udf_name', value: raw.udf_name, ...base });
  if (typeof raw.udf_id === 'string') return parseSubject({ kind: 'udf_id', value: raw.udf_id, ...base });
  return undefined;
}

/** One panel per subject: the same UDF in the same scope and range is revealed, not opened twice. */
export function subjectKey(subject: InsightsSubject): string {
  return JSON.stringify([subject.kind, subject.value, subject.scope, subject.range.kind === 'preset' ? subject.range.preset : [subject.range.start, subject.range.end]]);
}

function unexpectedKeys(message: Record<string, unknown>, allowed: string[]): string | undefined {
  const extra = Object.keys(message).filter((key) => !allowed.includes(key));
  return extra.length ? `unexpected key(s) ${extra.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')} in a message of type ${String(message.type)}` : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
