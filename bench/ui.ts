// Workbench helpers the benchmark needs beyond the e2e harness: opening a workspace file the way
// a person does (Quick Open), and timing, inside the page, from a person's input to what they
// wait for appearing on screen.
import * as path from 'node:path';
import type { Workbench } from '../test/e2e/harness/workbench';

/** Quick Open (Go to File...), type the path, pick it; resolves once its tab is the active one. */
export async function openWorkspaceFile(wb: Workbench, relative: string): Promise<void> {
  await wb.runCommand('Go to File...');
  await wb.fillQuickInput(relative);
  await wb.pickQuickPickItem(path.basename(relative));
  await waitForActiveTab(wb, path.basename(relative));
}

export async function waitForActiveTab(wb: Workbench, title: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const bare = title.replace(/\.[^.]+$/, '');
  let seen = '';
  while (Date.now() < deadline) {
    seen = await wb.activeTabTitle().catch(() => '');
    if (seen === title || seen === bare) return;
    await wb.page.waitForTimeout(50);
  }
  throw new Error(`${title} did not become the active editor; the active tab is ${JSON.stringify(seen)}`);
}

/** What appears when the wait is over: a selector, optionally with text it must contain. */
export interface ScreenCondition {
  selector: string;
  /** Substring the element's text must contain. */
  text?: string;
  /** Only elements inside the active editor group / visible elements. */
  visibleOnly?: boolean;
}

export interface ScreenTiming {
  /** From the input event that started the wait to the first animation frame showing the condition. */
  ms: number;
  /** The longest main-thread task (Long Tasks API) of the page meanwhile, 0 if none over 50 ms. */
  longestTaskMs: number;
  /** The longest gap between animation frames meanwhile (the page could not paint). */
  longestFrameGapMs: number;
}

interface Armed {
  input?: number;
  shown?: number;
  longest: number;
  longestGap: number;
  error?: string;
}

/**
 * Arms a timer in the page: the next keydown/mousedown/mousemove (as chosen) stamps the start;
 * each animation frame checks the condition and stamps the end when it holds. Then runs `act`
 * (which performs that input) and waits. Timestamps are the page's own performance.now().
 */
export async function timeToScreen(
  wb: Workbench,
  input: 'keydown' | 'mousedown' | 'mousemove',
  condition: ScreenCondition,
  act: () => Promise<void>,
  timeoutMs = 60_000,
  /** Time left for Long Tasks that ended just before the condition held to be delivered; 0 when the caller ignores longestTaskMs. */
  settleMs = 300,
): Promise<ScreenTiming> {
  await wb.page.evaluate(
    ({ input, condition }) => {
      const state: Armed = { longest: 0, longestGap: 0 };
      (globalThis as unknown as { __benchTimer: Armed }).__benchTimer = state;
      const g = globalThis as unknown as {
        addEventListener(type: string, listener: () => void, options: unknown): void;
        requestAnimationFrame(callback: (time: number) => void): void;
        document: { querySelectorAll(selector: string): ArrayLike<{ textContent: string | null; getClientRects(): ArrayLike<unknown> }> };
        PerformanceObserver: new (callback: (list: { getEntries(): Array<{ startTime: number; duration: number }> }) => void) => { observe(options: unknown): void; disconnect(): void };
      };
      g.addEventListener(input, () => (state.input ??= performance.now()), { capture: true, once: true });
      let observer: { disconnect(): void } | undefined;
      try {
        const created = new g.PerformanceObserver((list) => {
          for (const entry of list.getEntries()) if (state.input !== undefined && entry.startTime + entry.duration >= state.input && state.shown === undefined) state.longest = Math.max(state.longest, entry.duration);
        });
        created.observe({ type: 'longtask', buffered: false });
        observer = created;
      } catch (error) {
        state.error = String(error);
      }
      let lastFrame: number | undefined;
      const frame = () => {
        const now = performance.now();
        if (state.input !== undefined && lastFrame !== undefined && now > state.input) state.longestGap = Math.max(state.longestGap, now - Math.max(lastFrame, state.input));
        lastFrame = now;
        if (state.input !== undefined) {
          const elements = Array.from(g.document.querySelectorAll(condition.selector));
          const hit = elements.some(
            (element) => (!condition.visibleOnly || element.getClientRects().length > 0) && (condition.text === undefined || (element.textContent ?? '').replace(/\u00a0/g, ' ').includes(condition.text)),
          );
          if (hit) {
            state.shown = now;
            // Long tasks are reported after they end: give the observer a moment before disconnecting.
            setTimeout(() => observer?.disconnect(), 1000);
            return;
          }
        }
        g.requestAnimationFrame(frame);
      };
      g.requestAnimationFrame(frame);
    },
    { input, condition },
  );
  await act();
  const handle = await wb.page.waitForFunction(() => (globalThis as unknown as { __benchTimer: Armed }).__benchTimer.shown !== undefined, undefined, { timeout: timeoutMs, polling: 50 });
  await handle.dispose();
  // Long tasks that ended just before the condition showed are delivered asynchronously.
  if (settleMs > 0) await wb.page.waitForTimeout(settleMs);
  const state = await wb.page.evaluate(() => (globalThis as unknown as { __benchTimer: Armed }).__benchTimer);
  if (state.input === undefined || state.shown === undefined) throw new Error(`the page saw no ${input} before the condition held`);
  return { ms: state.shown - state.input, longestTaskMs: state.longest, longestFrameGapMs: state.longestGap };
}

/**
 * Resolves once the workbench page has painted without a long stall (no gap between animation
 * frames over `maxGapMs`) for `quietMs`: whatever it was busy with (a 10 MB document's first
 * render, a reload) is done, so the next input is handled at once. On a machine too loaded to
 * ever paint that smoothly it gives up after `timeoutMs` and returns false (the run goes on).
 */
export async function waitForQuietPage(wb: Workbench, options: { quietMs?: number; maxGapMs?: number; timeoutMs?: number } = {}): Promise<boolean> {
  const { quietMs = 500, maxGapMs = 250, timeoutMs = 30_000 } = options;
  const quiet = await wb.page.evaluate(
    ({ quietMs, maxGapMs, timeoutMs }) =>
      new Promise<boolean>((resolve) => {
        const g = globalThis as unknown as { requestAnimationFrame(callback: () => void): void };
        const started = performance.now();
        let smoothSince = started;
        let last = started;
        const frame = () => {
          const now = performance.now();
          if (now - last > maxGapMs) smoothSince = now;
          last = now;
          if (now - smoothSince >= quietMs) return resolve(true);
          if (now - started > timeoutMs) return resolve(false);
          g.requestAnimationFrame(frame);
        };
        g.requestAnimationFrame(frame);
      }),
    { quietMs, maxGapMs, timeoutMs },
  );
  return quiet;
}
