// The "Query Results" view (`fusedRuns.results`): what the last palette query returned, with
// "Load more…" over next_page_token, an error row with Retry that keeps the rows already shown,
// and run rows shared with the UDF tree. Visible only while it has something to show.
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { COMMANDS, commandCall } from '../../shared/commands';
import { userMessage } from '../../api/errors';
import type { AuditLogRecord } from '../../api/types';
import type { FusedServices } from '../../services';
import { labelText, markdownText } from '../../text/safeText';
import { countText, formatCount } from '../../text/counts';
import { runDetailChildren, runTreeItem } from '../runItems';
import { MAX_RESULT_PAGES, ResultsModel, type ResultsSnapshot, type ShowQuerySpec, type ShowRecordsSpec } from './resultsModel';
import { DisposableStore } from '../../util/disposables';

export const RESULTS_VIEW_ID = 'fusedRuns.results';
export const HAS_RESULTS_CONTEXT = 'fusedRuns.hasResults';
/** The results come from one query (Refresh can re-run it), not from a recipe. */
export const RESULTS_HAVE_QUERY_CONTEXT = 'fusedRuns.resultsHaveQuery';

const ID_PREFIX = 'results:';

type ResultsNode =
  | { kind: 'run'; record: AuditLogRecord }
  | { kind: 'part'; item: vscode.TreeItem; parent: ResultsNode }
  | { kind: 'loadMore' }
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'empty'; text: string };

export class ResultsView implements vscode.TreeDataProvider<ResultsNode>, vscode.Disposable {
  readonly model: ResultsModel;
  private readonly treeView: vscode.TreeView<ResultsNode>;
  private readonly changeEmitter = new vscode.EventEmitter<ResultsNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly disposables = new DisposableStore();
  /** One node object per record, so reveal() and re-renders find the same element. */
  private runNodes = new Map<string, ResultsNode & { kind: 'run' }>();
  private readonly fixedNodes = { loadMore: { kind: 'loadMore' } as const, loading: { kind: 'loading' } as const };
  private lastActive = false;
  private lastHasQuery = false;

  constructor(private readonly services: FusedServices) {
    this.model = new ResultsModel(
      (query, signal) => services.query(query, signal),
      (error, context) => services.log.error(`${context}: ${userMessage(error)}`),
      services.log,
    );
    this.treeView = vscode.window.createTreeView(RESULTS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.add(
      this.treeView,
      this.changeEmitter,
      this.model.onDidChange(() => this.render()),
      vscode.commands.registerCommand(COMMANDS.resultsLoadMore, () => this.loadMore()),
      vscode.commands.registerCommand(COMMANDS.resultsRetry, () => this.retry()),
      vscode.commands.registerCommand(COMMANDS.resultsClear, () => this.model.clear()),
      vscode.commands.registerCommand(COMMANDS.resultsRefresh, () => this.refresh()),
      // Other credentials or another server: what is shown may no longer be readable or true.
      services.onDidChangeConnection(() => {
        if (this.model.snapshot().active) void this.refresh();
      }),
    );
    void vscode.commands.executeCommand('setContext', HAS_RESULTS_CONTEXT, false);
  }

  /** Runs a query and shows its first page; reveals the view. */
  async showQuery(spec: ShowQuerySpec): Promise<ResultsSnapshot> {
    const shown = this.withViewProgress(() => this.model.showQuery(spec));
    await this.focus();
    await shown;
    return this.model.snapshot();
  }

  async showRecords(spec: ShowRecordsSpec): Promise<void> {
    this.model.showRecords(spec);
    await this.focus();
  }

  loadMore(): Promise<void> {
    return this.withViewProgress(() => this.model.loadMore());
  }

  retry(): Promise<void> {
    return this.withViewProgress(() => this.model.retry());
  }

  /** Re-runs what is shown: the same query from its first page, or nothing for computed lists. */
  async refresh(): Promise<void> {
    const snapshot = this.model.snapshot();
    if (!snapshot.active || !snapshot.query) return;
    await this.withViewProgress(() => this.model.refresh());
  }

  private async focus(): Promise<void> {
    // The view only exists in the layout once the context key is set.
    await vscode.commands.executeCommand('setContext', HAS_RESULTS_CONTEXT, true);
    this.lastActive = true;
    try {
      await vscode.commands.executeCommand(`${RESULTS_VIEW_ID}.focus`);
    } catch (error) {
      this.services.log.debug(`Could not focus the results view: ${String(error)}`);
    }
  }

  private withViewProgress(work: () => Promise<void>): Promise<void> {
    return Promise.resolve(vscode.window.withProgress({ location: { viewId: RESULTS_VIEW_ID } }, work));
  }

  private render(): void {
    const snapshot = this.model.snapshot();
    if (snapshot.active !== this.lastActive) {
      this.lastActive = snapshot.active;
      void vscode.commands.executeCommand('setContext', HAS_RESULTS_CONTEXT, snapshot.active);
    }
    const hasQuery = snapshot.active && snapshot.query !== undefined;
    if (hasQuery !== this.lastHasQuery) {
      this.lastHasQuery = hasQuery;
      void vscode.commands.executeCommand('setContext', RESULTS_HAVE_QUERY_CONTEXT, hasQuery);
    }
    // The title holds what was asked for (a UDF name, a token, a typed time): text only.
    this.treeView.title = snapshot.active ? labelText(snapshot.title, 100) : l10n.t('Query Results');
    this.treeView.description = snapshot.active ? labelText(describeCounts(snapshot)) : undefined;
    this.treeView.message = snapshot.notice === undefined ? undefined : labelText(snapshot.notice, 500);
    this.changeEmitter.fire(undefined);
  }

  getTreeItem(node: ResultsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'run': {
        const item = runTreeItem(node.record, new Date(), { idPrefix: ID_PREFIX, showUdfName: true });
        item.contextValue = `${item.contextValue ?? 'fusedRun'}.result`;
        return item;
      }
      case 'part':
        return node.item;
      case 'loadMore': {
        const item = new vscode.TreeItem(l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
        item.id = `${ID_PREFIX}loadMore`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.tooltip = l10n.t('Fetch the next page of this query');
        item.contextValue = 'fusedResults.loadMore';
        item.command = { title: l10n.t('Load more'), ...commandCall(COMMANDS.resultsLoadMore) };
        return item;
      }
      case 'loading': {
        const item = new vscode.TreeItem(l10n.t('Loading…'), vscode.TreeItemCollapsibleState.None);
        item.id = `${ID_PREFIX}loading`;
        item.iconPath = new vscode.ThemeIcon('loading~spin');
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem(labelText(node.message, 200), vscode.TreeItemCollapsibleState.None);
        item.id = `${ID_PREFIX}error`;
        item.description = l10n.t('Retry');
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        const tooltip = new vscode.MarkdownString(`${markdownText(node.message, { max: 1000, multiline: true })}\n\n${l10n.t('Click to retry.')}`);
        tooltip.isTrusted = false;
        tooltip.supportHtml = false;
        tooltip.supportThemeIcons = false;
        item.tooltip = tooltip;
        item.contextValue = 'fusedResults.error';
        item.command = { title: l10n.t('Retry'), ...commandCall(COMMANDS.resultsRetry) };
        return item;
      }
      case 'empty': {
        const item = new vscode.TreeItem(labelText(node.text), vscode.TreeItemCollapsibleState.None);
        item.id = `${ID_PREFIX}empty`;
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
    }
  }

  getChildren(node?: ResultsNode): ResultsNode[] {
    if (node) {
      if (node.kind !== 'run') return [];
      return runDetailChildren(node.record, { idPrefix: ID_PREFIX }).map((item) => ({ kind: 'part', item, parent: node }));
    }
    const snapshot = this.model.snapshot();
    if (!snapshot.active) return [];
    const nodes: ResultsNode[] = [];
    const nextRunNodes = new Map<string, ResultsNode & { kind: 'run' }>();
    for (const record of snapshot.records) {
      const existing = this.runNodes.get(record.id);
      const runNode = existing && existing.record === record ? existing : { kind: 'run' as const, record };
      nextRunNodes.set(record.id, runNode);
      nodes.push(runNode);
    }
    this.runNodes = nextRunNodes;
    if (snapshot.error) nodes.push({ kind: 'error', message: snapshot.error.message });
    else if (snapshot.loading) nodes.push(this.fixedNodes.loading);
    else if (snapshot.hasMore) nodes.push(this.fixedNodes.loadMore);
    else if (snapshot.records.length === 0) {
      const loaded = countText(snapshot.loadedCount, l10n.t('{0} run'), l10n.t('{0} runs'));
      nodes.push({ kind: 'empty', text: snapshot.filterLabel && snapshot.loadedCount > 0 ? l10n.t('None of {0} ({1})', loaded, snapshot.filterLabel) : l10n.t('No runs match this query') });
    }
    return nodes;
  }

  getParent(node: ResultsNode): ResultsNode | undefined {
    return node.kind === 'part' ? node.parent : undefined;
  }

  dispose(): void {
    this.model.clear();
    this.disposables.dispose();
  }
}

/** "12 runs · more available · failing runs only" */
function describeCounts(snapshot: ResultsSnapshot): string {
  const parts = [countText(snapshot.records.length, l10n.t('{0} run'), l10n.t('{0} runs'))];
  if (snapshot.filterLabel) parts.push(l10n.t('{0} (of {1} loaded)', snapshot.filterLabel, formatCount(snapshot.loadedCount)));
  if (snapshot.hasMore) parts.push(l10n.t('more available'));
  if (snapshot.limitReached) parts.push(l10n.t('stopped at {0} pages; more exist', MAX_RESULT_PAGES));
  return parts.join(' · ');
}
