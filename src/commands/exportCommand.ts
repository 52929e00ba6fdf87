// "Export Runs": a query paged to the end (within the record budget) streamed to JSON Lines or
// CSV, under a cancellable notification whose Cancel aborts the request in flight.
import * as os from 'node:os';
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { iteratePages, pageBound, type PagingStop } from '../api/paging';
import { LIMITS, type AuditLogQuery, type AuditLogRecord } from '../api/types';
import type { FusedServices } from '../services';
import { labelText, messageText } from '../text/safeText';
import { abortSignalFor } from '../util/cancellation';
import { countOf } from '../shared/presentation';
import { countText } from '../text/counts';
import { describeQuery } from '../views/results/resultsModel';
import type { ResultsView } from '../views/results/resultsView';
import { isCancellation } from '../api/errors';
import { reportError } from '../report/reportError';
import { EXPORT_FORMATS, exportFileName } from './exportFormat';
import { exportQuery, keepOnly, PartialExportError, watchBudget, writeExport } from './exportWriter';
import { readExportOptions, readQueryArg, type ExportFormat } from '../shared/commands';
import { exportMaxRecords } from './settings';

/** What to export: a query to page through, or records already computed (a recipe's result). */
export type ExportSource =
  | { kind: 'query'; query: AuditLogQuery; title: string; keep?: (record: AuditLogRecord) => boolean }
  | { kind: 'records'; records: readonly AuditLogRecord[]; title: string };

export async function exportRuns(services: FusedServices, results: ResultsView, arg: unknown, askQuery: () => Promise<{ query: AuditLogQuery; title: string } | undefined>): Promise<void> {
  let source: ExportSource | undefined;
  try {
    const fromArg = readQueryArg(arg);
    if (fromArg) source = { kind: 'query', query: fromArg.query, title: fromArg.title ?? describeQuery(fromArg.query) };
  } catch (error) {
    reportError(services.log, error, { what: l10n.t('Export Runs') });
    return;
  }
  if (!source) {
    const snapshot = results.model.snapshot();
    if (snapshot.active && snapshot.query) source = { kind: 'query', query: snapshot.query, title: snapshot.title, keep: snapshot.keep };
    else if (snapshot.active && snapshot.records.length) source = { kind: 'records', records: snapshot.records, title: snapshot.title };
  }
  if (!source) {
    const asked = await askQuery();
    if (!asked) return;
    source = { kind: 'query', ...asked };
  }
  const options = readExportOptions(arg);
  const format =
    options.format ??
    (await vscode.window
      .showQuickPick(
        (Object.keys(EXPORT_FORMATS) as ExportFormat[]).map((key) => ({
          label: EXPORT_FORMATS[key].label,
          description:
            key === 'jsonl'
              ? l10n.t('one JSON object per line, every field exactly as recorded')
              : l10n.t("one row per run, spreadsheet-ready: cells that could run as formulas start with ' (recorded UDF code is kept exact)"),
          value: key,
        })),
        { title: labelText(l10n.t('Export Runs: {0}', source.title)), placeHolder: l10n.t('File format'), ignoreFocusOut: true },
      )
      .then((picked) => picked?.value));
  if (!format) return;

  let target: vscode.Uri | undefined =
    typeof options.target === 'string' ? vscode.Uri.file(options.target) : options.target instanceof vscode.Uri ? options.target : options.target && vscode.Uri.from(options.target);
  if (!target) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    target = await vscode.window.showSaveDialog({
      title: labelText(l10n.t('Export Runs: {0}', source.title)),
      saveLabel: l10n.t('Export'),
      defaultUri: vscode.Uri.joinPath(folder, exportFileName(source.title, format, new Date())),
      filters: { [EXPORT_FORMATS[format].filterName]: [EXPORT_FORMATS[format].extension] },
    });
  }
  if (!target) return;
  if (target.scheme !== 'file') {
    void vscode.window.showErrorMessage(messageText(l10n.t('Export Runs writes to local files only; {0} is not one.', target.toString(true))));
    return;
  }
  await runExport(services, source, format, target);
}

async function runExport(services: FusedServices, source: ExportSource, format: ExportFormat, target: vscode.Uri): Promise<void> {
  const maxRecords = exportMaxRecords();
  const fileName = target.path.split('/').pop() ?? target.fsPath;
  let stoppedBy: PagingStop | undefined;
  const query = source.kind === 'query' ? exportQuery(source.query) : undefined;
  const maxPages = query ? pageBound(query, { maxRecords }) : 1;
  if (query) services.log.info(`Export of ${source.title}: reading at most ${maxRecords} runs in at most ${maxPages} pages of ${query.limit ?? LIMITS.defaultLimit}.`);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: messageText(l10n.t('Exporting runs ({0})', source.title)), cancellable: true },
      async (progress, token) => {
        const abort = abortSignalFor(token);
        let reported = 0;
        try {
          const pages =
            source.kind === 'records' || !query
              ? onePage(source.kind === 'records' ? source.records.slice(0, maxRecords) : [])
              : keepOnly(
                  watchBudget(iteratePages(services.client(), query, { signal: abort.signal, maxRecords, maxPages, log: services.log, label: `Export of ${source.title}` }), (reason) => {
                    stoppedBy = reason;
                  }),
                  source.keep,
                );
          if (source.kind === 'records' && source.records.length > maxRecords) stoppedBy = 'maxRecords';
          return await writeExport({
            target: target.fsPath,
            format,
            pages,
            signal: abort.signal,
            onProgress: (written) => {
              progress.report({ message: countText(written, l10n.t('{0} run written'), l10n.t('{0} runs written')), increment: ((written - reported) / maxRecords) * 100 });
              reported = written;
            },
          });
        } finally {
          abort.dispose();
        }
      },
    );
    const budgetNote =
      stoppedBy === 'maxRecords'
        ? ` ${l10n.t('Stopped at the budget of {0} (setting fusedRuns.export.maxRecords).', runsText(maxRecords))}`
        : stoppedBy === 'maxPages'
          ? ` ${l10n.t('Stopped after {0} (the bound for {1}) with more runs left.', countText(maxPages, l10n.t('{0} page'), l10n.t('{0} pages')), runsText(maxRecords))}`
          : '';
    services.log.info(`Exported ${countOf(result.written, 'run')} (${result.bytes} bytes) of ${source.title} to ${target.fsPath}.${budgetNote}`);
    // The file name is the user's (or made from a UDF name): text in the message, never a link.
    const openFile = l10n.t('Open File');
    void vscode.window.showInformationMessage(messageText(l10n.t('Exported {0} to {1}.', runsText(result.written), fileName) + budgetNote), openFile).then((choice) => {
      if (choice === openFile) void vscode.commands.executeCommand('vscode.open', target);
    });
  } catch (error) {
    if (isCancellation(error)) {
      services.log.info(`Export of ${source.title} cancelled; ${target.fsPath} was not written.`);
      void vscode.window.showInformationMessage(messageText(l10n.t('Export cancelled; {0} was not written.', fileName)));
      return;
    }
    if (error instanceof PartialExportError) {
      services.log.error(error.message);
      const [openFile, showLog] = [l10n.t('Open File'), l10n.t('Show Log')];
      void vscode.window.showWarningMessage(messageText(error.message), openFile, showLog).then((choice) => {
        if (choice === openFile) void vscode.commands.executeCommand('vscode.open', target);
        else if (choice === showLog) services.log.show(true);
      });
      return;
    }
    reportError(services.log, error, { what: l10n.t('Export of {0}', source.title), retry: () => runExport(services, source, format, target) });
  }
}

async function* onePage(records: readonly AuditLogRecord[]): AsyncGenerator<{ items: readonly AuditLogRecord[] }> {
  yield { items: records };
}

/** "1 run", "1,204 runs", in the display language. */
function runsText(count: number): string {
  return countText(count, l10n.t('{0} run'), l10n.t('{0} runs'));
}
