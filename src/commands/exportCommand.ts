// "Export Runs": a query paged to the end (within the record budget) streamed to JSON Lines or
// CSV, under a cancellable notification whose Cancel aborts the request in flight.
import * as os from 'node:os';
import vscode = require('vscode');
import { iteratePages, pageBound, type PagingStop } from '../api/paging';
import { LIMITS, type AuditLogQuery, type AuditLogRecord } from '../api/types';
import type { FusedServices } from '../services';
import { labelText, messageText } from '../text/safeText';
import { abortSignalFor } from '../util/cancellation';
import { countOf } from '../views/presentation';
import { describeQuery } from '../views/results/resultsModel';
import type { ResultsView } from '../views/results/resultsView';
import { isCancellation, reportQueryError } from './errors';
import { EXPORT_FORMATS, exportFileName, type ExportFormat } from './exportFormat';
import { exportQuery, keepOnly, PartialExportError, watchBudget, writeExport } from './exportWriter';
import { queryFromArg } from './queryArgs';
import { exportMaxRecords } from './settings';

/** What to export: a query to page through, or records already computed (a recipe's result). */
export type ExportSource =
  | { kind: 'query'; query: AuditLogQuery; title: string; keep?: (record: AuditLogRecord) => boolean }
  | { kind: 'records'; records: readonly AuditLogRecord[]; title: string };

export interface ExportArgs {
  format?: ExportFormat;
  /** Skip the save dialog (tests, other commands). */
  target?: vscode.Uri | string;
}

export async function exportRuns(services: FusedServices, results: ResultsView, arg: unknown, askQuery: () => Promise<{ query: AuditLogQuery; title: string } | undefined>): Promise<void> {
  let source: ExportSource | undefined;
  try {
    const fromArg = queryFromArg(arg);
    if (fromArg) source = { kind: 'query', query: fromArg.query, title: fromArg.title ?? describeQuery(fromArg.query) };
  } catch (error) {
    reportQueryError(services, 'Export Runs', error);
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
  const options = readExportArgs(arg);
  const format =
    options.format ??
    (await vscode.window
      .showQuickPick(
        (Object.keys(EXPORT_FORMATS) as ExportFormat[]).map((key) => ({
          label: EXPORT_FORMATS[key].label,
          description: key === 'jsonl' ? 'one JSON object per line, every field exactly as recorded' : "one row per run, spreadsheet-ready: cells that could run as formulas start with ' (recorded UDF code is kept exact)",
          value: key,
        })),
        { title: labelText(`Export Runs: ${source.title}`), placeHolder: 'File format', ignoreFocusOut: true },
      )
      .then((picked) => picked?.value));
  if (!format) return;

  let target = typeof options.target === 'string' ? vscode.Uri.file(options.target) : options.target;
  if (!target) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    target = await vscode.window.showSaveDialog({
      title: labelText(`Export Runs: ${source.title}`),
      saveLabel: 'Export',
      defaultUri: vscode.Uri.joinPath(folder, exportFileName(source.title, format, new Date())),
      filters: { [EXPORT_FORMATS[format].filterName]: [EXPORT_FORMATS[format].extension] },
    });
  }
  if (!target) return;
  if (target.scheme !== 'file') {
    void vscode.window.showErrorMessage(messageText(`Export Runs writes to local files only; ${target.toString(true)} is not one.`));
    return;
  }
  await runExport(services, source, format, target);
}

function readExportArgs(arg: unknown): ExportArgs {
  if (!arg || typeof arg !== 'object') return {};
  const raw = arg as Record<string, unknown>;
  const args: ExportArgs = {};
  if (raw.format === 'csv' || raw.format === 'jsonl') args.format = raw.format;
  if (typeof raw.target === 'string' || raw.target instanceof vscode.Uri) args.target = raw.target;
  return args;
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
      { location: vscode.ProgressLocation.Notification, title: messageText(`Exporting runs (${source.title})`), cancellable: true },
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
              progress.report({ message: `${countOf(written, 'run')} written`, increment: ((written - reported) / maxRecords) * 100 });
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
        ? ` Stopped at the budget of ${countOf(maxRecords, 'run')} (setting fusedRuns.export.maxRecords).`
        : stoppedBy === 'maxPages'
          ? ` Stopped after ${countOf(maxPages, 'page')} (the bound for ${countOf(maxRecords, 'run')}) with more runs left.`
          : '';
    services.log.info(`Exported ${countOf(result.written, 'run')} (${result.bytes} bytes) of ${source.title} to ${target.fsPath}.${budgetNote}`);
    // The file name is the user's (or made from a UDF name): text in the message, never a link.
    void vscode.window.showInformationMessage(messageText(`Exported ${countOf(result.written, 'run')} to ${fileName}.${budgetNote}`), 'Open File').then((choice) => {
      if (choice === 'Open File') void vscode.commands.executeCommand('vscode.open', target);
    });
  } catch (error) {
    if (isCancellation(error)) {
      services.log.info(`Export of ${source.title} cancelled; ${target.fsPath} was not written.`);
      void vscode.window.showInformationMessage(messageText(`Export cancelled; ${fileName} was not written.`));
      return;
    }
    if (error instanceof PartialExportError) {
      services.log.error(error.message);
      void vscode.window.showWarningMessage(messageText(error.message), 'Open File', 'Show Log').then((choice) => {
        if (choice === 'Open File') void vscode.commands.executeCommand('vscode.open', target);
        else if (choice === 'Show Log') services.log.show(true);
      });
      return;
    }
    reportQueryError(services, `Export of ${source.title}`, error, () => runExport(services, source, format, target));
  }
}

async function* onePage(records: readonly AuditLogRecord[]): AsyncGenerator<{ items: readonly AuditLogRecord[] }> {
  yield { items: records };
}
