// Opt-in auto-refresh of the UDF tree: every fusedRuns.autoRefresh.intervalSeconds (at least
// 30 s), only while the view is visible and the window focused, backing off on 429.
import vscode = require('vscode');
import { RateLimitedError } from '../api/errors';
import { autoRefreshDelayMs, MIN_AUTO_REFRESH_SECONDS, testAutoRefreshMinimumSeconds } from './treeModel';
import type { TreeNode, UdfTreeProvider } from './udfTree';
import { DisposableStore } from '../util/disposables';

/**
 * TEST ONLY: the end-to-end harness sets this on the code-server process to lower the 30 s
 * minimum (see testAutoRefreshMinimumSeconds). Read once, when the extension loads.
 */
export const TEST_MIN_INTERVAL_ENV = 'FUSED_RUNS_TEST_AUTO_REFRESH_MIN_SECONDS';
const minimumSeconds = testAutoRefreshMinimumSeconds(process.env[TEST_MIN_INTERVAL_ENV]);

export class AutoRefresher implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private rateLimited = 0;
  private retryAfterMs: number | undefined;
  private readonly subscriptions = new DisposableStore();

  constructor(
    private readonly tree: UdfTreeProvider,
    private readonly view: vscode.TreeView<TreeNode>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.add(
      view.onDidChangeVisibility(() => this.reschedule()),
      vscode.window.onDidChangeWindowState(() => this.reschedule()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('fusedRuns.autoRefresh')) this.reschedule();
      }),
      // Any load (manual or automatic) restarts the interval, so a manual refresh is not followed at once by another.
      tree.onDidLoadRoot(() => this.reschedule()),
    );
    if (minimumSeconds !== MIN_AUTO_REFRESH_SECONDS) {
      log.warn(`Fused Runs tree: auto-refresh minimum lowered to ${minimumSeconds} s by ${TEST_MIN_INTERVAL_ENV} (for tests only).`);
    }
    this.reschedule();
  }

  private settings(): { enabled: boolean; intervalSeconds: number } {
    const config = vscode.workspace.getConfiguration('fusedRuns');
    return { enabled: config.get<boolean>('autoRefresh.enabled', false), intervalSeconds: config.get<number>('autoRefresh.intervalSeconds', 60) };
  }

  private active(): boolean {
    return this.settings().enabled && this.view.visible && vscode.window.state.focused;
  }

  private reschedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.active()) return;
    const delay = autoRefreshDelayMs(this.settings().intervalSeconds, this.rateLimited, this.retryAfterMs, minimumSeconds);
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (!this.active()) return;
    // A load already in flight (the view's first read, a manual refresh, or one slower than the
    // interval on a slow network) is left to finish: superseding it would abort it, and a load
    // slower than the interval would then never finish. Its end reschedules (onDidLoadRoot).
    if (this.tree.rootLoading) return;
    const outcome = await this.tree.refreshAndWait();
    if (outcome.error instanceof RateLimitedError) {
      this.rateLimited++;
      this.retryAfterMs = outcome.error.retryAfterMs;
      this.log.info(`Fused Runs tree: rate limited; next auto-refresh in ${Math.round(autoRefreshDelayMs(this.settings().intervalSeconds, this.rateLimited, this.retryAfterMs, minimumSeconds) / 1000)} s.`);
    } else if (outcome.ok) {
      this.rateLimited = 0;
      this.retryAfterMs = undefined;
    }
    this.reschedule();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subscriptions.dispose();
  }
}
