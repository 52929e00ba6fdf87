// "Show Failing UDFs": the failing recipe over the last days as a sortable QuickPick (count,
// last failure, sample error). It computes under a cancellable notification; closing the
// picker cancels too. Opening a row lists that UDF's failing runs in the results view.
import { userMessage } from '../api/errors';
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { failingUdfsReport, type FailingUdfSummary, type FailingUdfsReport } from '../api/recipes';
import { isFailing } from '../api/status';
import { LIMITS, type AuditLogQuery } from '../api/types';
import type { FusedServices } from '../services';
import { labelText, messageText } from '../text/safeText';
import { abortSignalFor } from '../util/cancellation';
import { countOf } from '../shared/presentation';
import { countText } from '../text/counts';
import type { ResultsView } from '../views/results/resultsView';
import { reportError, reportResultsError } from '../report/reportError';
import {
  describeFailingRange,
  FAILING_SORT_LABELS,
  failingRowText,
  sortFailingSummaries,
  truncatedWindowsNotice,
  type FailingWindow,
} from '../shared/failingSummary';
import { scopeLabel } from '../prompts/prompts';
import { readFailingUdfsArg, type FailingSortKey } from '../shared/commands';
import { scopeQuery } from '../shared/scope';
import { resultsPageSize } from './settings';

interface FailingItem extends vscode.QuickPickItem {
  summary?: FailingUdfSummary;
}

const SORT_BUTTONS: Record<FailingSortKey, { icon: string; tooltip: () => string }> = {
  count: { icon: 'list-ordered', tooltip: () => l10n.t('Sort by failure count') },
  lastFailure: { icon: 'history', tooltip: () => l10n.t('Sort by last failure') },
  name: { icon: 'case-sensitive', tooltip: () => l10n.t('Sort by name') },
};

type PickerButton = vscode.QuickInputButton & { action: FailingSortKey | 'scope' | 'refresh' };

export async function showFailingUdfs(services: FusedServices, results: ResultsView, arg?: unknown): Promise<void> {
  const args = readFailingUdfsArg(arg);
  let execEnv = args.scope === 'execEnv';
  let sort: FailingSortKey = args.sort ?? 'count';
  const days = args.days ?? 7;
  const rangeLabel = describeFailingRange(args, days, new Date());
  let report: FailingUdfsReport | undefined;
  let window: FailingWindow | undefined;
  let computing: vscode.CancellationTokenSource | undefined;

  const picker = vscode.window.createQuickPick<FailingItem>();
  picker.ignoreFocusOut = true;
  picker.matchOnDescription = true;
  picker.matchOnDetail = true;

  const render = () => {
    picker.title = labelText(l10n.t('Failing UDFs · {0} · {1} · {2}', rangeLabel, scopeLabel(execEnv), FAILING_SORT_LABELS[sort]), 200);
    const buttons: PickerButton[] = (Object.keys(SORT_BUTTONS) as FailingSortKey[]).map((key) => ({
      action: key,
      iconPath: new vscode.ThemeIcon(key === sort ? 'check' : SORT_BUTTONS[key].icon),
      tooltip: key === sort ? l10n.t('{0} (current)', SORT_BUTTONS[key].tooltip()) : SORT_BUTTONS[key].tooltip(),
    }));
    buttons.push(
      { action: 'scope', iconPath: new vscode.ThemeIcon(execEnv ? 'organization' : 'person'), tooltip: l10n.t('Scope: {0}. Switch to {1}', scopeLabel(execEnv), scopeLabel(!execEnv)) },
      { action: 'refresh', iconPath: new vscode.ThemeIcon('refresh'), tooltip: l10n.t('Recompute') },
    );
    picker.buttons = buttons;
    if (!report) return;
    const now = new Date();
    const items: FailingItem[] = sortFailingSummaries(report.summaries, sort).map((summary) => ({ ...failingRowText(summary, now), summary }));
    const scannedKnown = !Number.isNaN(report.scannedRuns);
    picker.items = items.length
      ? items
      : [
          {
            label: l10n.t('$(pass) No failing runs ({0}, {1})', rangeLabel, scopeLabel(execEnv)),
            description: scannedKnown ? countText(report.scannedRuns, l10n.t('{0} run read'), l10n.t('{0} runs read')) : '',
          },
        ];
    const notice = truncatedWindowsNotice(report.truncatedWindows, LIMITS.maxRecordsToScan);
    const failingUdfs = countText(report.summaries.length, l10n.t('{0} failing UDF'), l10n.t('{0} failing UDFs'));
    const counted = scannedKnown ? l10n.t('{0} in {1}', failingUdfs, countText(report.scannedRuns, l10n.t('{0} run'), l10n.t('{0} runs'))) : failingUdfs;
    picker.placeholder = counted + (notice ? ` · ${notice}` : '') + l10n.t(' · pick one to see its failing runs');
  };

  const compute = async () => {
    computing?.cancel();
    const source = new vscode.CancellationTokenSource();
    computing = source;
    report = undefined;
    picker.items = [];
    picker.busy = true;
    picker.placeholder = labelText(l10n.t('Reading runs ({0}, {1})…', rangeLabel, scopeLabel(execEnv)), 200);
    render();
    const now = new Date();
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: messageText(l10n.t('Fused: finding failing UDFs ({0})', rangeLabel)), cancellable: true },
        async (_progress, token) => {
          const fromNotification = token.onCancellationRequested(() => source.cancel());
          const abort = abortSignalFor(source.token);
          try {
            return await failingUdfsReport(services.client(), {
              execEnv,
              days,
              now,
              ...(args.start ? { start: args.start } : {}),
              ...(args.end ? { end: args.end } : {}),
              log: services.log,
              signal: abort.signal,
            });
          } finally {
            abort.dispose();
            fromNotification.dispose();
          }
        },
      );
      if (computing !== source) return;
      report = result;
      window = {
        start: args.start ?? new Date(now.getTime() - days * 24 * 3600_000).toISOString(),
        end: args.end ?? now.toISOString(),
      };
      services.log.info(`Failing UDFs (${rangeLabel}, ${scopeLabel(execEnv)}): ${countOf(result.summaries.length, 'UDF')} in ${countOf(result.scannedRuns, 'run')}.`);
    } catch (error) {
      if (computing !== source) return;
      reportError(services.log, error, { what: l10n.t('Finding failing UDFs'), retry: compute });
      picker.items = [{ label: l10n.t('$(error) Could not compute the failing UDFs'), detail: labelText(userMessage(error), 300) }];
      picker.placeholder = l10n.t('Press the refresh button to try again');
    } finally {
      if (computing === source) {
        picker.busy = false;
        computing = undefined;
      }
    }
    render();
  };

  picker.onDidTriggerButton((button) => {
    const action = (button as PickerButton).action;
    if (action === 'scope') {
      execEnv = !execEnv;
      void compute();
    } else if (action === 'refresh') {
      void compute();
    } else {
      sort = action;
      render();
    }
  });
  picker.onDidAccept(() => {
    const summary = picker.selectedItems[0]?.summary;
    if (!summary || !window) return;
    picker.hide();
    void showFailingRuns(services, results, summary, window, execEnv);
  });
  picker.onDidHide(() => {
    computing?.cancel();
    picker.dispose();
  });
  picker.show();
  if (args.summaries) {
    // The caller already ran the recipe for this scope and range: show it without a request.
    report = { summaries: args.summaries, truncatedWindows: args.truncatedWindows ?? [], scannedRuns: Number.NaN };
    // No start from the caller means its summary covered all time: so does the runs query.
    window = { start: args.start, end: args.end ?? new Date().toISOString() };
    render();
    return;
  }
  await compute();
}

/** The failing runs of one UDF in the summary's window, newest first, in the results view. */
export async function showFailingRuns(
  services: FusedServices,
  results: ResultsView,
  summary: Pick<FailingUdfSummary, 'udf_name'>,
  window: FailingWindow,
  execEnv: boolean,
): Promise<void> {
  const base: AuditLogQuery = {
    ...(window.start ? { start_timestamp: window.start } : {}),
    end_timestamp: window.end,
    scan_forward: false,
    limit: Math.max(resultsPageSize(), 100),
    ...scopeQuery(execEnv ? 'execEnv' : 'mine'),
  };
  // Runs without a UDF name cannot be asked for by name: read the window and keep those.
  const named = summary.udf_name !== null;
  const snapshot = await results.showQuery({
    title: named ? l10n.t('udf_name = {0} · failing', summary.udf_name as string) : l10n.t('runs without a UDF name · failing'),
    query: named ? { ...base, udf_name: summary.udf_name as string } : base,
    keep: named ? isFailing : (record) => isFailing(record) && !record.udf_name,
    filterLabel: l10n.t('failing runs only'),
  });
  reportResultsError(services.log, l10n.t('Runs of {0}', summary.udf_name ?? l10n.t('unnamed UDFs')), snapshot, () => results.retry());
}
