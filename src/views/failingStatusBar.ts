// Status-bar item: how many UDFs have failing runs in the tree's scope and range. It reads
// the failing recipe only when the tree's root loads (so it refreshes with the tree and never
// polls on its own), and opens the failing summary on click.
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { NotSignedInError, userMessage } from '../api/errors';
import { LIMITS } from '../api/types';
import { COMMANDS, commandCall, type FailingUdfsArg } from '../shared/commands';
import { truncatedWindowsNotice } from '../shared/failingSummary';
import { resolveRange } from '../time/range';
import { describeState } from './treeModel';
import type { FailingResult } from './failingTracker';
import { ALL_TIME_FAILING_DAYS } from './failingTracker';
import { labelText, markdownText } from '../text/safeText';
import { countText, formatCount } from '../text/counts';
import { errorSummary, formatLocalTime } from '../shared/presentation';
import type { UdfTreeProvider } from './udfTree';
import { DisposableStore } from '../util/disposables';

export class FailingStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions = new DisposableStore();
  private readonly cts = new Set<AbortController>();

  constructor(private readonly tree: UdfTreeProvider) {
    this.item = vscode.window.createStatusBarItem('fusedRuns.failingUdfs', vscode.StatusBarAlignment.Left, 50);
    this.item.name = l10n.t('Fused: Failing UDFs');
    this.subscriptions.add(
      this.item,
      tree.onDidLoadRoot((outcome) => {
        if (outcome.error instanceof NotSignedInError) {
          for (const controller of this.cts) controller.abort();
          this.item.hide();
          this.item.text = '';
        } else if (outcome.ok && this.enabled()) void this.update();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('fusedRuns.statusBar.failingUdfs')) {
          if (this.enabled()) void this.update();
          else this.item.hide();
        }
      }),
    );
  }

  private enabled(): boolean {
    return vscode.workspace.getConfiguration('fusedRuns').get<boolean>('statusBar.failingUdfs', true);
  }

  /** Reads the failing recipe for the tree's current scope and range (shared with failing-only). */
  async update(): Promise<void> {
    for (const controller of this.cts) controller.abort();
    this.cts.clear();
    const controller = new AbortController();
    this.cts.add(controller);
    const state = this.tree.state;
    if (!this.item.text) {
      this.item.text = l10n.t('$(sync~spin) Fused');
      this.item.show();
    }
    try {
      const result = await this.tree.failing.get(state, new Date(), controller.signal);
      if (controller.signal.aborted) return;
      this.show(result);
    } catch (error) {
      if (controller.signal.aborted) return;
      this.item.text = l10n.t('$(warning) Fused: failing ?');
      this.item.tooltip = markdownTooltip(l10n.t('Could not read failing UDFs: {0}', markdownText(userMessage(error), { max: 1000, multiline: true })));
      this.item.backgroundColor = undefined;
      this.item.command = { title: l10n.t('Refresh'), ...commandCall(COMMANDS.refresh) };
      this.item.show();
    } finally {
      this.cts.delete(controller);
    }
  }

  private show(result: FailingResult): void {
    const count = result.report.summaries.length;
    const scope = describeState({ ...this.tree.state, scope: result.scope, range: result.range, failingOnly: false, textFilter: '', groupBy: 'names' });
    this.item.text = count ? l10n.t('$(error) {0} failing', count) : l10n.t('$(pass) 0 failing');
    this.item.backgroundColor = count ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    // Our own Markdown (and $(icon)s) around record text that markdownText made inert.
    const lines = [countText(count, l10n.t('**Fused: {0} UDF with failing runs**'), l10n.t('**Fused: {0} UDFs with failing runs**')), ''];
    const readAt = markdownText(formatLocalTime(result.at.toISOString()));
    lines.push(
      result.narrowed
        ? l10n.t('{0} (failures of the last {1} days), read {2}', markdownText(scope), ALL_TIME_FAILING_DAYS, readAt)
        : l10n.t('{0}, read {1}', markdownText(scope), readAt),
      '',
    );
    for (const summary of result.report.summaries.slice(0, 5)) {
      const error = summary.sample_error === null ? l10n.t('no stderr (did not complete)') : errorSummary(summary.sample_error, 80) || l10n.t('stderr is blank');
      lines.push(l10n.t('- {0}: {1} — {2}', markdownText(summary.udf_name ?? l10n.t('(unnamed)'), { max: 80 }), summary.failure_count, markdownText(error, { max: 80 })));
    }
    const notice = truncatedWindowsNotice(result.report.truncatedWindows, LIMITS.maxRecordsToScan);
    if (notice) lines.push('', `$(warning) ${markdownText(notice, { max: 1000 })}`);
    lines.push('', l10n.t('Click to show the failing UDFs summary.'));
    const tooltip = markdownTooltip(lines.join('\n'));
    this.item.tooltip = tooltip;
    const resolved = resolveRange(result.range, result.at);
    const start = result.narrowed ? new Date(result.at.getTime() - ALL_TIME_FAILING_DAYS * 24 * 3600_000) : resolved.start;
    const arg: FailingUdfsArg = {
      scope: result.scope,
      start: start?.toISOString(),
      end: (resolved.end ?? result.at).toISOString(),
      summaries: result.report.summaries,
      truncatedWindows: result.report.truncatedWindows,
    };
    this.item.command = { title: l10n.t('Show Failing UDFs'), ...commandCall(COMMANDS.showFailingUdfs, arg) };
    const label = count === 1 ? l10n.t('Fused: {0} failing UDF in {1}', formatCount(count), scope) : l10n.t('Fused: {0} failing UDFs in {1}', formatCount(count), scope);
    this.item.accessibilityInformation = { label: labelText(label, 200) };
    this.item.show();
  }

  dispose(): void {
    for (const controller of this.cts) controller.abort();
    this.subscriptions.dispose();
  }
}

/** Our Markdown around escaped text: no links, no HTML, no theme icons. */
function markdownTooltip(markdown: string): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString(markdown, false);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  return tooltip;
}
