// waitUntil(): the one way e2e tests wait. It polls a condition until it holds, so a test waits
// exactly as long as the workbench needs (longer on a loaded machine, not at all when it is
// already there) instead of sleeping a fixed time and hoping. Pure Node: no Playwright import.

export interface WaitOptions {
  /** Give up after this many milliseconds (default 15 000). */
  timeout?: number;
  /**
   * What was being waited for, for the error: "the tree shows 5 rows". A function is called
   * only on timeout and may describe what was last seen.
   */
  message: string | (() => string | Promise<string>);
  /** First delay between polls; it grows to `maxInterval` (defaults 50 and 250 ms). */
  interval?: number;
  maxInterval?: number;
}

/** What the probe returns while the condition does not hold yet. */
type NotYet = undefined | null | false;

/** Thrown by waitUntil on timeout; `lastValue`/`lastError` say what the last poll saw. */
export class WaitTimeoutError extends Error {
  constructor(
    message: string,
    readonly lastValue: unknown,
    readonly lastError: unknown,
  ) {
    super(message);
    this.name = 'WaitTimeoutError';
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns something other than undefined/null/false and returns that
 * value. A probe that throws counts as "not yet" (the element it reads may be re-rendering);
 * on timeout the error names `message` and the last value or error the probe produced.
 *
 *   const rows = await waitUntil(async () => { const r = await rootRows(wb); return r.length > 3 && r; },
 *                                { timeout: 30_000, message: 'the tree shows more than 3 UDFs' });
 */
export async function waitUntil<T>(probe: () => T | NotYet | Promise<T | NotYet>, options: WaitOptions): Promise<T> {
  const timeout = options.timeout ?? 15_000;
  const deadline = Date.now() + timeout;
  let interval = options.interval ?? 50;
  const maxInterval = options.maxInterval ?? 250;
  let lastValue: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      lastError = undefined;
      if (value !== undefined && value !== null && value !== false) return value;
      lastValue = value;
    } catch (error) {
      lastError = error;
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    await delay(Math.min(interval, left));
    interval = Math.min(maxInterval, interval * 2);
  }
  const what = typeof options.message === 'function' ? await Promise.resolve(options.message()).catch((error: Error) => `(describing failed: ${error.message})`) : options.message;
  const seen = lastError !== undefined ? `; last poll threw: ${(lastError as Error)?.message ?? String(lastError)}` : '';
  throw new WaitTimeoutError(`timed out after ${timeout} ms waiting until ${what}${seen}`, lastValue, lastError);
}
