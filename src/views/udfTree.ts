// The Fused Runs tree: distinct UDFs at the root, their runs newest first with "Load more…",
// and a run's Code / stderr / stdout / Details below it. The decisions live in treeModel.ts;
// this file turns them into requests and TreeItems, and keeps what is shown when a load fails.
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { NotSignedInError, isCancellation, userMessage } from '../api/errors';
import type { UnprovenWindow } from '../api/completeness';
import type { PageSource } from '../api/paging';
import { runStatus } from '../api/status';
import { LIMITS, type AuditLogQuery, type AuditLogRecord } from '../api/types';
import { udfListRequestBudget } from '../config/settings';
import type { FusedServices } from '../services';
import { abortSignalFor } from '../util/cancellation';
import { FailingTracker, type FailingResult } from './failingTracker';
import { countText, formatCount } from '../text/counts';
import { labelText, markdownText, messageText } from '../text/safeText';
import { formatLocalMinutes, formatLocalRange, formatLocalTime, isFutureTime, relativeTime, runTooltipMarkdown, statusPresentation, udfAccessibleLabel, udfRowDescription } from '../shared/presentation';
import { describeListing, incompleteExplanation, incompleteLabel, loadRootListing, scanWindowFully, type RootListing } from './rootLoader';
import { RunPager } from './runPager';
import { runDetailChildren, runTreeItem } from './runItems';
import { describeRange } from '../time/range';
import { clampPageSize, describeState, filterEntries, reviveViewState, runsQuery, type UdfEntry, type ViewState } from './treeModel';

import { UDF_TREE_VIEW_ID } from '../shared/contributions';
import { COMMANDS, commandCall } from '../shared/commands';

export const VIEW_ID = UDF_TREE_VIEW_ID;
const STATE_KEY = 'fusedRuns.udfTree.viewState';

export type TreeNode =
  /** `query` and `title` let "Export Runs" on a UDF row export exactly that UDF's runs in the view's scope and range. */
  | { kind: 'udf'; entry: UdfEntry; readonly query: AuditLogQuery; readonly title: string }
  | { kind: 'run'; record: AuditLogRecord; udf: UdfEntry }
  | { kind: 'part'; item: vscode.TreeItem }
  | { kind: 'loadMore'; udf: UdfEntry }
  | { kind: 'error'; id: string; title: string; message: string; udf?: UdfEntry }
  /** A window whose UDFs could not be proven complete; its action scans it fully. */
  | { kind: 'incomplete'; window: UnprovenWindow }
  | { kind: 'info'; id: string; label: string; description?: string; tooltip?: vscode.MarkdownString; icon: string; color?: string };

interface RootData {
  listing: RootListing;
  loadedAt: Date;
  state: ViewState;
  /** The failing recipe's result for this root's scope and range, once failing-only asked for it. */
  failing?: FailingResult;
}

/** Why the last root load failed; what was shown stays shown. */
interface RootFailure {
  message: string;
  error: unknown;
}

export class UdfTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly rootLoaded = new vscode.EventEmitter<{ ok: boolean; error?: unknown }>();
  /** Fires after every root load attempt (the status bar and auto-refresh listen). */
  readonly onDidLoadRoot = this.rootLoaded.event;
  private readonly stateChanged = new vscode.EventEmitter<ViewState>();
  readonly onDidChangeState = this.stateChanged.event;
  private readonly refreshRequested = new vscode.EventEmitter<void>();
  /**
   * Fires when a refresh is asked (Fused: Refresh, auto-refresh, a new connection), before any
   * root load: VS Code asks a hidden view for nothing, so onDidLoadRoot may never follow, and the
   * code lenses and failing-line diagnostics must re-read the runs all the same.
   */
  readonly onDidRequestRefresh = this.refreshRequested.event;

  private viewState: ViewState;
  private root: RootData | undefined;
  private rootFailure: RootFailure | undefined;
  /** The root load in flight (shared by concurrent getChildren calls). */
  private rootLoad: { promise: Promise<void>; controller: AbortController } | undefined;
  /** Set by refresh(): the next getChildren(root) reads again. */
  private rootStale = true;
  private pagers = new Map<string, RunPager>();
  /** Aborts the page loads of the current pagers when the root is read again or the view goes away. */
  private pagerAbort = new AbortController();
  private udfNodes = new Map<string, TreeNode & { kind: 'udf' }>();
  private readonly source: PageSource;
  /** The client without the record cache: the root reads many runs but keeps only the newest per UDF. */
  private readonly listSource: PageSource;
  /** Full scans in flight, by window (a second click on the same row joins the first). */
  private readonly scans = new Map<string, Promise<void>>();
  readonly failing: FailingTracker;
  private treeView: vscode.TreeView<TreeNode> | undefined;
  /** UDF names the watch feature polls (src/watch): their rows show an eye. */
  private watched: ReadonlySet<string> = new Set();

  constructor(
    private readonly services: FusedServices,
    /** Where the view's range, scope, grouping and filters are kept per workspace. */
    private readonly workspaceState: vscode.Memento,
  ) {
    this.viewState = reviveViewState(workspaceState.get(STATE_KEY));
    // Every query goes through the validated client; list replies also fill the record cache.
    this.source = { query: (query, options) => services.query(query, options?.signal) };
    this.listSource = { query: (query, options) => services.client().query(query, options) };
    this.failing = new FailingTracker(this.source, services.log);
    void this.publishContext();
  }

  attach(view: vscode.TreeView<TreeNode>): void {
    this.treeView = view;
    this.updateDescription();
  }

  /** Called by the watch feature when its list changes. */
  setWatchedNames(names: ReadonlySet<string>): void {
    const changed = names.size !== this.watched.size || [...names].some((name) => !this.watched.has(name));
    this.watched = names;
    if (changed) this.changed.fire(undefined);
  }

  get state(): ViewState {
    return this.viewState;
  }

  /** Everything the tree has loaded, newest first: for "Copy Record ID" from the palette. */
  loadedRuns(): AuditLogRecord[] {
    const byId = new Map<string, AuditLogRecord>();
    for (const pager of this.pagers.values()) for (const record of pager.records) byId.set(record.id, record);
    for (const entry of this.root?.listing.entries ?? []) if (!byId.has(entry.latest.id)) byId.set(entry.latest.id, entry.latest);
    return [...byId.values()].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
  }

  /** Windows of the current list that may be incomplete (for the palette's Scan Fully). */
  get unprovenWindows(): readonly UnprovenWindow[] {
    return this.root?.listing.unproven ?? [];
  }

  get hasLoadedRoot(): boolean {
    return this.root !== undefined;
  }

  /** The UDF names the root has loaded for the current scope and range (undefined: not loaded yet). */
  loadedUdfNames(): ReadonlySet<string> | undefined {
    if (!this.root) return undefined;
    return new Set(this.root.listing.entries.map((entry) => entry.latest.udf_name ?? entry.name));
  }

  /**
   * Shows a UDF's row with its runs expanded (a code lens's click): focuses the view, waits for
   * its root, and reveals the row. false when the UDF is not in the view (no runs in its scope
   * and range, or hidden by a filter).
   */
  async revealUdf(name: string): Promise<boolean> {
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    const nodes = await this.getChildren();
    const node = nodes.find((candidate): candidate is TreeNode & { kind: 'udf' } => candidate.kind === 'udf' && (candidate.entry.latest.udf_name ?? candidate.entry.name) === name);
    if (!node || !this.treeView) return false;
    // The view was just focused: the workbench may not have rendered the row yet ("Data tree
    // node not found") and says so only by rejecting. Try again as it renders, for up to ~5 s.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.treeView.reveal(node, { select: true, focus: true, expand: true });
        return true;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /** UDF rows are at the root; a run's parent is its UDF's row (reveal needs this). */
  getParent(node: TreeNode): TreeNode | undefined {
    if (node.kind === 'run' || node.kind === 'loadMore') return this.udfNodes.get(pagerKey(node.udf));
    return undefined;
  }

  /** Change scope, range, grouping or filters; persisted per workspace; reloads only when the query changes. */
  async updateState(patch: Partial<ViewState>): Promise<void> {
    const before = this.viewState;
    this.viewState = { ...before, ...patch };
    await this.workspaceState.update(STATE_KEY, this.viewState);
    void this.publishContext();
    this.updateDescription();
    this.stateChanged.fire(this.viewState);
    const queryChanged =
      before.scope !== this.viewState.scope ||
      before.groupBy !== this.viewState.groupBy ||
      JSON.stringify(before.range) !== JSON.stringify(this.viewState.range);
    if (queryChanged) this.refresh();
    // Text filter and failing-only filter what is loaded; failing-only reads the failing recipe,
    // which the status bar has usually read already for this scope and range.
    else this.changed.fire(undefined);
  }

  /** Reload the root (and, through VS Code, any expanded UDF). What is shown stays until the new data arrive. */
  refresh(): void {
    this.rootStale = true;
    this.failing.invalidate();
    this.refreshRequested.fire();
    this.changed.fire(undefined);
  }

  /** True while a root load is in flight (auto-refresh lets it finish instead of superseding it). */
  get rootLoading(): boolean {
    return this.rootLoad !== undefined;
  }

  /** Re-reads the root now and waits for it (auto-refresh wants the outcome). */
  async refreshAndWait(): Promise<{ ok: boolean; error?: unknown }> {
    this.rootStale = true;
    this.failing.invalidate();
    this.refreshRequested.fire();
    const outcome = new Promise<{ ok: boolean; error?: unknown }>((resolve) => {
      const subscription = this.onDidLoadRoot((result) => {
        subscription.dispose();
        resolve(result);
      });
    });
    await this.ensureRoot();
    this.changed.fire(undefined);
    return outcome;
  }

  async retry(node: TreeNode | undefined): Promise<void> {
    if (node?.kind === 'error' && node.id === 'error:failing') {
      // A failed read is not cached: rendering the root again reads it again.
      this.changed.fire(undefined);
      return;
    }
    if (node?.kind === 'error' && node.udf) {
      const pager = this.pagers.get(pagerKey(node.udf));
      if (pager && pager.loaded) {
        await this.loadMore(node.udf);
        return;
      }
      this.pagers.delete(pagerKey(node.udf));
      this.refreshUdf(node.udf);
      return;
    }
    this.refresh();
  }

  /** The next page of a UDF's runs. Clicking again while it loads does nothing more. */
  async loadMore(udf: UdfEntry): Promise<void> {
    const pager = this.pagers.get(pagerKey(udf));
    if (!pager || pager.loading) return;
    const done = pager.loadMore(this.pagerAbort.signal);
    this.refreshUdf(udf); // shows "Loading…"
    await this.withViewProgress(done);
    this.refreshUdf(udf);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'udf':
        return this.udfItem(node.entry);
      case 'run':
        return runTreeItem(node.record, new Date(), { idPrefix: `run:${pagerKey(node.udf)}:` });
      case 'part':
        return node.item;
      case 'loadMore': {
        const pager = this.pagers.get(pagerKey(node.udf));
        const loading = pager?.loading ?? false;
        const item = new vscode.TreeItem(loading ? l10n.t('Loading…') : l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
        item.id = `more:${pagerKey(node.udf)}`;
        item.iconPath = new vscode.ThemeIcon(loading ? 'loading~spin' : 'more');
        item.description = pager ? l10n.t('{0} shown', formatCount(pager.records.length)) : undefined;
        item.contextValue = 'fusedLoadMore';
        const pageSize = clampPageSize(this.pageSize());
        item.tooltip = plainTooltip(pageSize === 1 ? l10n.t('Load the next run of {0}', markdownText(node.udf.name, { max: 200 })) : l10n.t('Load the next {0} runs of {1}', formatCount(pageSize), markdownText(node.udf.name, { max: 200 })));
        item.command = { title: l10n.t('Load More'), ...commandCall(COMMANDS.loadMore, node) };
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem(labelText(node.title), vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        // The message is the client's, and may carry a server's error detail: text only.
        item.description = labelText(node.message, 200);
        item.tooltip = plainTooltip(`**${markdownText(node.title)}**\n\n${markdownText(node.message, { max: 1000, multiline: true })}\n\n${l10n.t('Click to retry.')}`);
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.contextValue = 'fusedError';
        item.command = { title: l10n.t('Retry'), ...commandCall(COMMANDS.retry, node) };
        return item;
      }
      case 'incomplete': {
        const root = this.root;
        const item = new vscode.TreeItem(incompleteLabel(node.window), vscode.TreeItemCollapsibleState.None);
        item.id = `incomplete:${node.window.start}|${node.window.end}`;
        const scanning = this.scans.has(`${node.window.start}|${node.window.end}`);
        item.description = scanning ? l10n.t('scanning…') : l10n.t('Scan fully');
        item.tooltip = root ? incompleteExplanation(node.window, root.listing) : undefined;
        item.iconPath = new vscode.ThemeIcon(scanning ? 'loading~spin' : 'warning', scanning ? undefined : new vscode.ThemeColor('list.warningForeground'));
        item.contextValue = 'fusedIncompleteWindow';
        item.command = { title: l10n.t('Scan Fully'), ...commandCall(COMMANDS.scanWindowFully, node) };
        return item;
      }
      case 'info': {
        const item = new vscode.TreeItem(labelText(node.label), vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = node.description === undefined ? undefined : labelText(node.description);
        item.tooltip = node.tooltip;
        item.iconPath = new vscode.ThemeIcon(node.icon, node.color ? new vscode.ThemeColor(node.color) : undefined);
        item.contextValue = 'fusedInfo';
        return item;
      }
    }
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.rootChildren();
    if (node.kind === 'udf') return this.runChildren(node.entry);
    if (node.kind === 'run') return runDetailChildren(node.record, { idPrefix: `run:${pagerKey(node.udf)}:` }).map((item) => ({ kind: 'part', item }));
    return [];
  }

  private async rootChildren(): Promise<TreeNode[]> {
    // Not signed in: no request, and an empty tree so the welcome view (viewsWelcome) shows.
    // The Python back end signs in with the SDK itself and never needs our token.
    const credentials = await this.services.auth.getCredentials();
    if (!credentials && this.services.needsOwnToken()) {
      const hadData = this.root !== undefined || this.rootFailure !== undefined;
      this.root = undefined;
      this.rootFailure = undefined;
      // Signed out: listeners (the status bar) drop what belonged to the old credentials.
      if (hadData) this.rootLoaded.fire({ ok: false, error: new NotSignedInError() });
      return [];
    }
    await this.ensureRoot();
    const nodes: TreeNode[] = [];
    if (this.rootFailure) {
      nodes.push({ kind: 'error', id: 'error:root', title: this.root ? l10n.t('Refresh failed') : l10n.t('Could not load UDFs'), message: this.rootFailure.message });
    }
    const root = this.root;
    if (!root) return nodes;
    // Windows that could not be proven complete come first, each with its full-scan action.
    for (const window of root.listing.unproven) nodes.push({ kind: 'incomplete', window });
    let failingNames: Set<string> | undefined;
    if (this.viewState.failingOnly) {
      try {
        root.failing = await this.withViewProgress(this.failing.get(root.state, root.loadedAt));
        failingNames = root.failing.names;
      } catch (error) {
        nodes.push({ kind: 'error', id: 'error:failing', title: l10n.t('Could not read failing runs'), message: userMessage(error) });
        return nodes;
      }
    }
    const shown = filterEntries(root.listing.entries, this.viewState, failingNames);
    for (const entry of shown) nodes.push(this.udfNode(entry));
    if (shown.length === 0 && !this.rootFailure) {
      const filtered = root.listing.entries.length > 0;
      nodes.push({
        kind: 'info',
        id: 'info:empty',
        label: filtered ? l10n.t('No UDF matches the filters') : l10n.t('No UDF runs in {0}', describeRange(this.viewState.range)),
        description: filtered
          ? countText(root.listing.entries.length, l10n.t('{0} UDF hidden'), l10n.t('{0} UDFs hidden'))
          : this.viewState.scope === 'mine'
            ? l10n.t('try the execution environment or a longer range')
            : l10n.t('try a longer range'),
        icon: 'info',
      });
    }
    return nodes;
  }

  /** Loads the root if stale; concurrent callers share the load; a superseded load is aborted. */
  private async ensureRoot(): Promise<void> {
    // A load in flight is shared first: a caller arriving meanwhile gets its result, not the
    // rows it is about to replace.
    if (this.rootLoad && !this.rootStale) return this.rootLoad.promise;
    if (!this.rootStale && (this.root || this.rootFailure)) return;
    this.rootLoad?.controller.abort();
    this.rootStale = false;
    const controller = new AbortController();
    const state = this.viewState;
    const promise = this.withViewProgress(this.loadRoot(state, controller.signal))
      .then((data) => {
        if (this.rootLoad?.controller !== controller) return;
        this.root = data;
        this.rootFailure = undefined;
        // Expanded UDFs read their first page again under the new data; pages still on their way are dropped.
        this.pagerAbort.abort();
        this.pagerAbort = new AbortController();
        this.pagers = new Map();
        this.udfNodes = new Map();
        this.rootLoaded.fire({ ok: true });
      })
      .catch((error: unknown) => {
        if (this.rootLoad?.controller !== controller) return; // superseded: the newer load reports
        if (error instanceof NotSignedInError) {
          this.root = undefined;
          this.rootFailure = undefined;
        } else {
          this.rootFailure = { message: userMessage(error), error };
          this.services.log.warn(`Fused Runs tree: loading UDFs failed: ${userMessage(error)}`);
        }
        this.rootLoaded.fire({ ok: false, error });
      })
      .finally(() => {
        if (this.rootLoad?.controller === controller) this.rootLoad = undefined;
      });
    this.rootLoad = { promise, controller };
    return promise;
  }

  private async loadRoot(state: ViewState, signal: AbortSignal): Promise<RootData> {
    const now = new Date();
    // Every range is proven the same way: pages of runs until each part of the range is read,
    // within the request budget; what is left is marked (see src/api/completeness.ts).
    const listing = await loadRootListing(this.listSource, state, now, { budget: udfListRequestBudget(), signal });
    for (const record of listing.records) this.services.records.put(record);
    this.services.log.info(describeListing(listing, `UDF list (${describeState({ ...state, failingOnly: false, textFilter: '' })})`));
    if (listing.unkeyed) this.services.log.info(`Fused Runs tree: ${listing.unkeyed} run(s) without a UDF ${state.groupBy === 'names' ? 'name' : 'id'} are not listed.`);
    return { listing, loadedAt: now, state };
  }

  /**
   * Reads every run of a window marked "may be incomplete" (the same proof with a large budget),
   * under a cancellable notification with the runs read and requests made, then folds its UDFs
   * into the list. A second click on the same window while it runs joins the first scan.
   */
  scanWindowFully(window: UnprovenWindow): Promise<void> {
    const key = `${window.start}|${window.end}`;
    const running = this.scans.get(key);
    if (running) return running;
    const scan = this.runFullScan(window).finally(() => {
      this.scans.delete(key);
      this.changed.fire(undefined);
    });
    this.scans.set(key, scan);
    this.changed.fire(undefined); // the row shows "scanning…"
    return scan;
  }

  private async runFullScan(window: UnprovenWindow): Promise<void> {
    const root = this.root;
    if (!root || !root.listing.unproven.some((w) => w.start === window.start && w.end === window.end)) return;
    const range = formatLocalRange(window.start, window.end);
    try {
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: l10n.t('Fused: scanning {0} fully', range), cancellable: true },
        async (progress, token) => {
          const abort = abortSignalFor(token);
          try {
            progress.report({ message: l10n.t('starting…') });
            return await scanWindowFully(this.listSource, root.listing, window, root.state, {
              signal: abort.signal,
              onProgress: (p) => progress.report({ message: `${countText(p.runsRead, l10n.t('{0} run read'), l10n.t('{0} runs read'))} · ${countText(p.requests, l10n.t('{0} request'), l10n.t('{0} requests'))}` }),
            });
          } finally {
            abort.dispose();
          }
        },
      );
      for (const record of outcome.listing.records) this.services.records.put(record);
      // The log's line stays English; the message is translated.
      const summary = `Scanned ${range} fully: ${outcome.runsRead.toLocaleString('en-US')} runs in ${outcome.requests} requests`;
      const shownSummary = l10n.t('Scanned {0} fully: {1} runs in {2} requests', range, formatCount(outcome.runsRead), formatCount(outcome.requests));
      if (this.root === root) {
        // The tree may have reloaded meanwhile; only fold into the data the scan started from.
        root.listing = outcome.listing;
        this.changed.fire(undefined);
      }
      if (outcome.stillUnproven.length) {
        this.services.log.warn(`${summary}; still not read to its start: ${outcome.stillUnproven.map((w) => `${w.start} – ${w.end}`).join(', ')}.`);
        void vscode.window.showWarningMessage(l10n.t('{0}, but {1} part(s) could still not be read to the start; they stay marked.', shownSummary, outcome.stillUnproven.length));
      } else {
        this.services.log.info(`${summary}; its UDFs are complete.`);
        void vscode.window.showInformationMessage(l10n.t('{0}. Its UDFs are complete.', shownSummary));
      }
    } catch (error) {
      if (isCancellation(error)) {
        this.services.log.info(`Full scan of ${range} cancelled; the window stays marked.`);
        return;
      }
      this.services.log.warn(`Full scan of ${range} failed: ${userMessage(error)}`);
      void vscode.window.showErrorMessage(messageText(l10n.t('Fused: scanning {0} failed: {1} The window stays marked.', range, userMessage(error)), 1000));
    }
  }

  /**
   * One node object per UDF for the current root data: VS Code finds the row to update
   * by object identity when a node is passed to onDidChangeTreeData.
   */
  private udfNode(entry: UdfEntry): TreeNode & { kind: 'udf' } {
    const key = pagerKey(entry);
    const known = this.udfNodes.get(key);
    if (known && known.entry === entry) return known;
    const currentState = () => this.viewState;
    const node = {
      kind: 'udf' as const,
      entry,
      get query(): AuditLogQuery {
        return runsQuery(entry, currentState(), LIMITS.maxLimit, new Date());
      },
      get title(): string {
        return `${entry.groupBy === 'names' ? 'udf_name' : 'udf_id'} = ${entry.key}`;
      },
    };
    this.udfNodes.set(key, node);
    return node;
  }

  private refreshUdf(entry: UdfEntry): void {
    this.changed.fire(this.udfNodes.get(pagerKey(entry)));
  }

  private async runChildren(entry: UdfEntry): Promise<TreeNode[]> {
    const key = pagerKey(entry);
    let pager = this.pagers.get(key);
    if (!pager) {
      pager = new RunPager(runsQuery(entry, this.viewState, this.pageSize(), new Date()), (query, signal) => this.services.query(query, signal), {
        log: this.services.log,
        label: `Runs of ${entry.name}`,
      });
      this.pagers.set(key, pager);
    }
    if (!pager.loaded) await this.withViewProgress(pager.ensureLoaded(this.pagerAbort.signal));
    const nodes: TreeNode[] = pager.records.map((record) => ({ kind: 'run', record, udf: entry }));
    if (pager.error && !isCancellation(pager.error)) {
      nodes.push({
        kind: 'error',
        id: `error:${key}`,
        title: pager.loaded ? l10n.t('Could not load more runs') : l10n.t('Could not load runs'),
        message: userMessage(pager.error),
        udf: entry,
      });
    }
    if (pager.hasMore) nodes.push({ kind: 'loadMore', udf: entry });
    if (pager.limitReached) {
      nodes.push({
        kind: 'info',
        id: `info:${key}:limit`,
        label: l10n.t('Stopped after {0} pages', pager.maxPages),
        description: l10n.t('more runs exist; narrow the time range'),
        tooltip: plainTooltip(l10n.t('One UDF loads at most {0} pages here. Use Export Runs or Show Runs of UDF to read further.', pager.maxPages)),
        icon: 'info',
      });
    }
    if (pager.loaded && pager.records.length === 0) {
      nodes.push({ kind: 'info', id: `info:${key}:empty`, label: l10n.t('No runs in {0}', describeRange(this.viewState.range)), icon: 'info' });
    }
    return nodes;
  }

  private udfItem(entry: UdfEntry): vscode.TreeItem {
    const now = new Date();
    const latest = entry.latest;
    const status = runStatus(latest);
    const look = statusPresentation(status);
    const item = new vscode.TreeItem(labelText(entry.name, 80), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `udf:${pagerKey(entry)}`;
    // A latest run dated in the future shows its date, with the warning relativeTime gives.
    const when = isFutureTime(latest.timestamp, now) ? `${relativeTime(latest.timestamp, now)} ${formatLocalMinutes(latest.timestamp)}` : relativeTime(latest.timestamp, now);
    const failing = this.viewState.failingOnly ? this.root?.failing?.report.summaries.find((s) => s.udf_name === latest.udf_name) : undefined;
    const watched = this.watched.has(entry.name);
    item.description = udfRowDescription(when, status, { watched, udfId: entry.groupBy === 'ids' ? entry.key : undefined, failingRuns: failing?.failure_count });
    // A watched UDF shows an eye in its latest run's status colour; the status is in the tooltip and description.
    item.iconPath = new vscode.ThemeIcon(watched ? 'eye' : look.icon, new vscode.ThemeColor(look.color));
    const lines = [runTooltipMarkdown(latest, status, now).replace(/^\*\*(.*?)\*\* — /, (_match, name: string) => `**${name}** — ${l10n.t('latest run:')} `)];
    if (entry.udfId) lines.push(`- ${l10n.t('UDF ID: {0}', markdownText(entry.udfId, { max: 200 }))}`);
    if (watched) lines.push(`- $(eye) ${l10n.t('Watched: a failing run raises a notification')}`);
    if (entry.nameShared) lines.push(`\n${l10n.t('Another UDF id has the same name; they are listed separately because the tree is grouped by id.')}`);
    if (failing) {
      const failingRuns = countText(failing.failure_count, l10n.t('{0} failing run'), l10n.t('{0} failing runs'));
      lines.push(`\n${l10n.t('{0} in {1}, last at {2}', failingRuns, markdownText(describeRange(this.viewState.range)), markdownText(formatLocalTime(failing.last_failure)))}`);
    }
    const marked = this.root?.listing.unproven.length ?? 0;
    if (marked) {
      const windows = countText(marked, l10n.t('{0} window'), l10n.t('{0} windows'));
      lines.push(`\n$(warning) ${l10n.t('{0} of this range may be incomplete (marked at the top); this list may be missing UDFs.', windows)}`);
    }
    // Theme icons for our own $(warning); record text cannot make one (markdownText). No links, no HTML.
    const tooltip = new vscode.MarkdownString(lines.join('\n'), true);
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    item.tooltip = tooltip;
    item.contextValue = `${failing ? 'fusedUdf.failing' : 'fusedUdf'}${watched ? '.watched' : ''}`;
    item.accessibilityInformation = { label: labelText(watched ? l10n.t('{0}, watched', udfAccessibleLabel(entry.name, status, when, failing?.failure_count)) : udfAccessibleLabel(entry.name, status, when, failing?.failure_count), 200) };
    return item;
  }

  private pageSize(): number {
    return clampPageSize(vscode.workspace.getConfiguration('fusedRuns').get<number>('runs.pageSize', 50));
  }

  private withViewProgress<T>(work: Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => work));
  }

  private updateDescription(): void {
    if (this.treeView) this.treeView.description = labelText(describeState(this.viewState), 200);
  }

  private async publishContext(): Promise<void> {
    const state = this.viewState;
    await Promise.all([
      vscode.commands.executeCommand('setContext', 'fusedRuns.scope', state.scope),
      vscode.commands.executeCommand('setContext', 'fusedRuns.groupBy', state.groupBy),
      vscode.commands.executeCommand('setContext', 'fusedRuns.failingOnly', state.failingOnly),
      vscode.commands.executeCommand('setContext', 'fusedRuns.udfFilterActive', state.textFilter.trim() !== ''),
    ]);
  }

  dispose(): void {
    this.rootLoad?.controller.abort();
    this.pagerAbort.abort();
    this.changed.dispose();
    this.rootLoaded.dispose();
    this.stateChanged.dispose();
    this.refreshRequested.dispose();
  }
}

function pagerKey(entry: Pick<UdfEntry, 'groupBy' | 'key'>): string {
  return `${entry.groupBy}:${entry.key}`;
}


/** Markdown we wrote around escaped record text: no links, no HTML, no theme icons. */
function plainTooltip(markdown: string): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString(markdown);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  tooltip.supportThemeIcons = false;
  return tooltip;
}
