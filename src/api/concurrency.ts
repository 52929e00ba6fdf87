// A bounded pool for independent requests: day windows of the recipes, the parts of a window
// being proven complete. Pure.
import { CancelledError } from './errors';

/**
 * Runs `task` over `items` with at most `concurrency` at once, results in input order.
 * The first failure aborts the shared signal (so in-flight requests stop) and is rethrown.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal | undefined,
  task: (item: T, index: number, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  if (signal?.aborted) throw new CancelledError();
  signal?.addEventListener('abort', onAbort, { once: true });
  const results = new Array<R>(items.length);
  let next = 0;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length && firstError === undefined) {
      const index = next++;
      try {
        results[index] = await task(items[index], index, controller.signal);
      } catch (error) {
        if (firstError === undefined) {
          firstError = error;
          controller.abort();
        }
      }
    }
  };
  try {
    const workers = Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length));
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (firstError !== undefined) {
    throw signal?.aborted ? new CancelledError() : firstError;
  }
  return results;
}
