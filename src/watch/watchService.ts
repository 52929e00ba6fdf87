// Watch a UDF: the list (kept per workspace), the poll timer, the notifications and the status
// bar item. The rules (what is new, what is announced, the grouping) are watchModel.ts; the
// requests (one for every watched name per scope and poll) are watchPoller.ts. This file only
// stores, schedules and shows.

import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { COMMANDS, invocation, readUdfNameArg, runArg } from '../shared/commands';
import { NetworkError, RateLimitedError, TimeoutError, userMessage } from '../api/errors';
import type { PageSource } from '../api/paging';
import type { FusedServices } from '../services';
import { WATCH_STATE_KEY } from '../shared/contributions';
import { labelText, markdownText, messageText } from '../text/safeText';
import type { Scope } from '../shared/scope';
import { MIN_WATCH_SECONDS, newEntry, reviveWatchList, testWatchMinimumSeconds, watchDelayMs, type WatchEntry, type WatchNotification } from './watchModel';
import { pollWatched } from './watchPoller';
import { DisposableStore } from '../util/disposables';

/** The watch list in workspaceState (see watchModel's WatchEntry); a non-empty list means polling resumes with the window (src/activation loads the features for it). */
export { WATCH_STATE_KEY };
/** TEST ONLY: the e2e harness sets it on code-server to lower the 60 s floor; no setting can. */
export const TEST_MIN_INTERVAL_ENV = 'FUSED_RUNS_TEST_WATCH_MIN_SECONDS';
const minimumSeconds = testWatchMinimumSeconds(process.env[TEST_MIN_INTERVAL_ENV]);

/** The tree's side: its scope (a new watch uses it), the UDF names it has loaded, and the eye icons. */
export interface WatchTreeHooks {
  readonly scope: Scope;
  loadedUdfNames(): string[];
  setWatchedNames(names: ReadonlySet<string>): void;
}

export class WatchService implements vscode.Disposable {
  private entries: WatchEntry[];
  private timer: NodeJS.Timeout | undefined;
  private polling: AbortController | undefined;
  private setbacks = 0;
  private retryAfterMs: number | undefined;
  private problem: string | undefined;
  private readonly statusItem: vscode.StatusBarItem;
  private readonly subscriptions = new DisposableStore();
  private readonly source: PageSource;
  private disposed = false;

  constructor(
    private readonly services: FusedServices,
    private readonly tree: WatchTreeHooks,
    /** Where the watched list is kept between sessions (the workspace's state, not settings). */
    private readonly workspaceState: vscode.Memento,
  ) {
    this.entries = reviveWatchList(workspaceState.get(WATCH_STATE_KEY));
    this.source = { query: (query, options) => services.query(query, options?.signal) };
    this.statusItem = vscode.window.createStatusBarItem('fusedRuns.watch', vscode.StatusBarAlignment.Left, 40);
    this.statusItem.name = l10n.t('Fused Runs: Watched UDFs');
    this.statusItem.command = COMMANDS.stopWatchingUdf;
    this.subscriptions.add(
      this.statusItem,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('fusedRuns.watch.intervalSeconds')) this.schedule();
      }),
      // Signed in again or another server: try now rather than after a backed-off wait.
      services.onDidChangeConnection(() => {
        this.setbacks = 0;
        this.retryAfterMs = undefined;
        this.problem = undefined;
        this.schedule();
      }),
    );
    if (minimumSeconds !== MIN_WATCH_SECONDS) services.log.warn(`Watch: poll minimum lowered to ${minimumSeconds} s by ${TEST_MIN_INTERVAL_ENV} (for tests only).`);
    this.publish();
    this.schedule();
  }

  get watchedNames(): string[] {
    return this.entries.map((entry) => entry.name);
  }

  async watch(name: string): Promise<void> {
    if (this.entries.some((entry) => entry.name === name)) {
      void vscode.window.showInformationMessage(messageText(l10n.t('Fused Runs: {0} is already watched.', name)));
      return;
    }
    this.entries = [...this.entries, newEntry(name, this.tree.scope, new Date())];
    await this.save();
    this.publish();
    this.services.log.info(`Watch: watching ${labelText(name, 120)} (${this.tree.scope === 'mine' ? 'my runs' : 'execution environment'}); failures from now on are announced.`);
    vscode.window.setStatusBarMessage(`$(eye) ${labelText(`Watching ${name}: failures from now on are announced`, 120)}`, 5000);
    this.schedule();
  }

  async stop(name: string): Promise<void> {
    const before = this.entries.length;
    this.entries = this.entries.filter((entry) => entry.name !== name);
    if (this.entries.length === before) return;
    await this.save();
    this.publish();
    this.services.log.info(`Watch: stopped watching ${labelText(name, 120)}.`);
    this.schedule();
  }

  private async save(): Promise<void> {
    await this.workspaceState.update(WATCH_STATE_KEY, this.entries);
  }

  private settingSeconds(): number {
    return vscode.workspace.getConfiguration('fusedRuns').get<number>('watch.intervalSeconds', 120);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.disposed || this.entries.length === 0) return;
    const delay = watchDelayMs(this.settingSeconds(), this.setbacks, this.retryAfterMs, minimumSeconds);
    this.timer = setTimeout(() => void this.poll(), delay);
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    if (this.disposed || this.entries.length === 0) return;
    this.polling?.abort();
    const controller = new AbortController();
    this.polling = controller;
    const polled = this.entries;
    try {
      const result = await pollWatched(this.source, polled, new Date(), { signal: controller.signal });
      if (controller.signal.aborted || this.disposed) return;
      // Entries added or removed while the poll ran keep their change.
      const byName = new Map(result.entries.map((entry) => [entry.name, entry]));
      this.entries = this.entries.map((entry) => (polled.includes(entry) ? (byName.get(entry.name) ?? entry) : entry));
      // Remembered before anything is shown: a reload right after never announces it again.
      await this.save();
      this.setbacks = 0;
      this.retryAfterMs = undefined;
      this.problem = undefined;
      const extra = result.fallbackNames.length ? `; ${result.fallbackNames.length} read on their own (the shared read did not reach back far enough)` : '';
      this.services.log.debug(`Watch: polled ${polled.length} UDF(s) with ${result.requests} request(s)${extra}.`);
      if (result.overflowNames.length) this.services.log.warn(`Watch: more runs than one poll reads for ${result.overflowNames.map((n) => labelText(n, 80)).join(', ')}; older failures of this interval were not looked at.`);
      for (const notification of result.notifications) if (this.entries.some((entry) => entry.name === notification.name)) this.announce(notification);
    } catch (error) {
      if (controller.signal.aborted || this.disposed) return;
      this.setbacks++;
      if (error instanceof RateLimitedError) {
        this.retryAfterMs = error.retryAfterMs;
        this.problem = l10n.t('rate limited: polling less often');
      } else if (error instanceof NetworkError || error instanceof TimeoutError) {
        this.problem = l10n.t('server unreachable: paused, trying again later');
      } else {
        this.problem = l10n.t('the last poll failed: {0}', userMessage(error));
      }
      this.services.log.warn(`Watch: ${this.problem}.`);
    } finally {
      if (this.polling === controller) this.polling = undefined;
      this.publish();
      this.schedule();
    }
  }

  private announce(notification: WatchNotification): void {
    const openStderr = l10n.t('Open stderr');
    const details = l10n.t('Details');
    const stop = l10n.t('Stop Watching');
    const run = runArg({ id: notification.latest.id, udf_name: notification.name });
    this.services.log.info(`Watch: ${labelText(notification.text, 300)} (run ${notification.latest.id}).`);
    void vscode.window.showWarningMessage(messageText(notification.text, 400), openStderr, details, stop).then(async (choice) => {
      if (choice === openStderr) await vscode.commands.executeCommand(...invocation(COMMANDS.openStderr, run));
      else if (choice === details) await vscode.commands.executeCommand(...invocation(COMMANDS.showDetails, run));
      else if (choice === stop) await this.stop(notification.name);
    });
  }

  /** The status bar item and the tree's eye icons. */
  private publish(): void {
    this.tree.setWatchedNames(new Set(this.watchedNames));
    void vscode.commands.executeCommand('setContext', 'fusedRuns.watchingAny', this.entries.length > 0);
    if (this.entries.length === 0) {
      this.statusItem.hide();
      return;
    }
    const names = this.entries.map((entry) => entry.name);
    const icon = this.problem ? '$(eye-closed)' : '$(eye)';
    this.statusItem.text = this.entries.length === 1 ? `${icon} ${labelText(names[0], 40)}` : `${icon} ${l10n.t('{0} watched', this.entries.length)}`;
    const tooltip = new vscode.MarkdownString(
      [
        l10n.t('**Watched UDFs** (a failing run raises a notification)'),
        '',
        ...names.map((name) => `- ${markdownText(name, { max: 120 })}`),
        '',
        this.problem
          ? `$(warning) ${markdownText(this.problem, { max: 300 })}`
          : l10n.t('Polled every {0} s. Click to stop watching one.', Math.round(watchDelayMs(this.settingSeconds(), 0, undefined, minimumSeconds) / 1000)),
      ].join('\n'),
      true,
    );
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    this.statusItem.tooltip = tooltip;
    this.statusItem.accessibilityInformation = {
      label: this.problem ? l10n.t('Fused Runs: watching {0}; {1}', names.join(', '), this.problem) : l10n.t('Fused Runs: watching {0}', names.join(', ')),
    };
    this.statusItem.show();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.polling?.abort();
    this.subscriptions.dispose();
  }
}

export function registerWatch(services: FusedServices, tree: WatchTreeHooks, workspaceState: vscode.Memento): vscode.Disposable {
  const watch = new WatchService(services, tree, workspaceState);
  return vscode.Disposable.from(
    watch,
    vscode.commands.registerCommand(COMMANDS.watchUdf, async (arg?: unknown) => {
      const name = arg === undefined ? await pickName(l10n.t('Watch UDF'), tree.loadedUdfNames().filter((n) => !watch.watchedNames.includes(n)), true) : readUdfNameArg(arg)?.udf_name;
      if (name) await watch.watch(name);
      else if (arg !== undefined) void vscode.window.showErrorMessage(l10n.t('Fused Runs: "Watch UDF" needs a UDF (a row of the Fused Runs view, or a UDF name).'));
    }),
    vscode.commands.registerCommand(COMMANDS.stopWatchingUdf, async (arg?: unknown) => {
      const name = arg === undefined ? await pickName(l10n.t('Stop Watching UDF'), watch.watchedNames, false) : readUdfNameArg(arg)?.udf_name;
      if (name) await watch.stop(name);
    }),
  );
}

async function pickName(title: string, names: string[], allowTyped: boolean): Promise<string | undefined> {
  if (!allowTyped && names.length === 0) {
    void vscode.window.showInformationMessage(l10n.t('Fused Runs: no UDF is watched.'));
    return undefined;
  }
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
  pick.title = title;
  pick.placeholder = allowTyped ? l10n.t('A UDF name (the ones the Fused Runs view has loaded, or type one)') : l10n.t('A watched UDF');
  pick.ignoreFocusOut = true;
  const byLabel = new Map<string, string>();
  const known = names.map((name) => {
    const label = labelText(name, 200);
    byLabel.set(label, name);
    return { label };
  });
  pick.items = known;
  if (allowTyped) {
    pick.onDidChangeValue((value) => {
      const typed = value.trim();
      if (!typed || names.includes(typed)) {
        pick.items = known;
        return;
      }
      const label = labelText(typed, 200);
      byLabel.set(label, typed);
      pick.items = [{ label, description: l10n.t('UDF name as typed') }, ...known];
    });
  }
  const chosen = await new Promise<string | undefined>((resolve) => {
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0];
      resolve(item ? byLabel.get(item.label) : undefined);
      pick.hide();
    });
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  return chosen;
}
