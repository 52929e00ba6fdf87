// Driving a workbench on a loaded machine sometimes fails (the palette does not open within the
// harness's wait, a click lands while the page repaints). Such a sample is taken again from a
// clean state; a value is never retried because of what it measured. Retries are counted and
// written to the JSON, so a run that needed many says so.
import type { Workbench } from '../test/e2e/harness/workbench';

export class Retrier {
  count = 0;

  constructor(private readonly log: (line: string) => void) {}

  async run<T>(label: string, take: () => Promise<T>, options: { attempts?: number; cleanUp?: () => Promise<unknown> } = {}): Promise<T> {
    const attempts = options.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        return await take();
      } catch (error) {
        if (attempt >= attempts) throw error;
        this.count++;
        this.log(`${label}: driving the workbench failed (${(error as Error).message.split('\n')[0]}); taking the sample again`);
        await options.cleanUp?.().catch(() => undefined);
      }
    }
  }
}

/** launchWorkbench, taken again when the workbench does not come up in time (a loaded machine). */
export async function launchWithRetry(retrier: Retrier, launch: () => Promise<Workbench>): Promise<Workbench> {
  return retrier.run('launching the workbench', launch, { attempts: 3 });
}
