// The failing-UDFs recipe for the tree's scope and range, shared by the failing-only filter
// and the status bar so one refresh reads it once. No `vscode` import.
import type { PageSource, PagingLog } from '../api/paging';
import { failingUdfsReport, type FailingUdfsReport } from '../api/recipes';
import { resolveRange, type TimeRange } from '../time/range';
import type { ViewState } from './treeModel';

/** The recipe needs day windows; "all time" is read as the last 30 days (said in the status tooltip). */
export const ALL_TIME_FAILING_DAYS = 30;

export interface FailingResult {
  report: FailingUdfsReport;
  /** Names with a failing run, for the failing-only filter. */
  names: Set<string>;
  /** When this was read and for what. */
  at: Date;
  scope: ViewState['scope'];
  range: TimeRange;
  /** The all-time range was narrowed to the last ALL_TIME_FAILING_DAYS days. */
  narrowed: boolean;
}

export function failingKey(state: Pick<ViewState, 'scope' | 'range'>): string {
  return JSON.stringify([state.scope, state.range]);
}

export class FailingTracker {
  private current: { key: string; generation: number; promise: Promise<FailingResult> } | undefined;
  private generation = 0;
  private last: FailingResult | undefined;
  /** Recipe runs started (each is several requests). */
  runs = 0;

  constructor(
    private readonly source: PageSource,
    /** Where the recipe states its page bound (the extension's log). */
    private readonly log?: PagingLog,
  ) {}

  /** The latest finished result, if any. */
  get latest(): FailingResult | undefined {
    return this.last;
  }

  /** Forget the cached result: the next get() reads again (the tree was refreshed). */
  invalidate(): void {
    this.generation++;
  }

  /**
   * The result for this scope and range: shared while in flight and until invalidated,
   * so the tree and the status bar asking in the same refresh cost one recipe run.
   */
  get(state: Pick<ViewState, 'scope' | 'range'>, now: Date, signal?: AbortSignal): Promise<FailingResult> {
    const key = failingKey(state);
    if (this.current && this.current.key === key && this.current.generation === this.generation) return this.current.promise;
    const resolved = resolveRange(state.range, now);
    const narrowed = !Number.isFinite(resolved.spanMs);
    const options = narrowed
      ? { days: ALL_TIME_FAILING_DAYS, now }
      : { start: resolved.start, end: resolved.end ?? now };
    this.runs++;
    const promise = failingUdfsReport(this.source, { ...options, execEnv: state.scope === 'execEnv', log: this.log, signal }).then((report) => {
      const result: FailingResult = {
        report,
        names: new Set(report.summaries.map((s) => s.udf_name).filter((n): n is string => typeof n === 'string')),
        at: now,
        scope: state.scope,
        range: state.range,
        narrowed,
      };
      this.last = result;
      return result;
    });
    const entry = { key, generation: this.generation, promise };
    this.current = entry;
    // A failed read is not cached: the next ask tries again.
    promise.catch(() => {
      if (this.current === entry) this.current = undefined;
    });
    return promise;
  }
}
