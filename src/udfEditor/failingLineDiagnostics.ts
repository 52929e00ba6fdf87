// Issue 11's "failing line in your own file": when fusedRuns.diagnostics.enabled is on, a
// diagnostic (source "Fused") on the local line that raised in a UDF's latest run, when that run
// failed and ran the code the file holds. It makes no request of its own: it reads the shared
// page of the tree's scope and range that the lenses and hovers read (asking for it when a file
// that defines a UDF opens, and again after Fused: Refresh or auto-refresh, even with the view
// hidden), and the runs a hover reads itself, and remembers each name's newest run. Re-read on
// every edit from what it remembers, so an edit to the function clears it at once, and a later
// successful run clears it when the page is next read.
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { userMessage } from '../api/errors';
import { RUN_SCHEME, runPath } from '../shared/runUri';
import type { UdfHovers } from './udfHoverProvider';
import type { FusedServices } from '../services';
import { failingLinesOf, LatestRuns, type NamedFunction } from '../udfCode/failingLines';
import { splitLines } from '../udfCode/udfSource';
import type { DocumentUdfs } from './documentUdfs';

export const DIAGNOSTIC_SOURCE = 'Fused';

export function registerFailingLineDiagnostics(services: FusedServices, udfs: DocumentUdfs, hovers: UdfHovers): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('fusedRuns.failingLines');
  const latest = new LatestRuns();
  const enabled = () => vscode.workspace.getConfiguration('fusedRuns.diagnostics').get<boolean>('enabled', false);
  /** Bumped per document so an older refresh (awaiting names) never overwrites a newer one. */
  const generation = new Map<string, number>();

  const refresh = async (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    if (document.languageId !== 'python' || document.uri.scheme === RUN_SCHEME || document.isClosed || !enabled()) {
      collection.delete(document.uri);
      return;
    }
    const mine = (generation.get(key) ?? 0) + 1;
    generation.set(key, mine);
    const version = document.version;
    const functions: NamedFunction[] = [];
    for (const definition of udfs.source(document).definitions) {
      // Never ask the audit log here: a name that needs it is one the hovers did not read either.
      const chosen = await udfs.nameOf(document, definition, false);
      functions.push({ name: chosen.name, functionName: definition.functionName, firstLine: definition.firstLine, lastLine: definition.lastLine });
    }
    if (generation.get(key) !== mine || document.version !== version || document.isClosed) return;
    const diagnostics = failingLinesOf(splitLines(document.getText()), functions, latest).map((found) => {
      const text = document.lineAt(found.line).text;
      const start = text.length - text.trimStart().length;
      const diagnostic = new vscode.Diagnostic(new vscode.Range(found.line, start, found.line, text.length), l10n.t('{0} (latest run of {1})', found.message, found.name), vscode.DiagnosticSeverity.Error);
      diagnostic.source = DIAGNOSTIC_SOURCE;
      const stderr = vscode.Uri.from({ scheme: RUN_SCHEME, path: runPath({ udfName: found.record.udf_name ?? found.name, recordId: found.record.id, file: { kind: 'stderr' } }) });
      diagnostic.code = { value: 'run stderr', target: stderr };
      diagnostic.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(stderr, new vscode.Position(0, 0)), l10n.t("The run's stderr (run {0}, {1})", found.record.id, found.record.timestamp))];
      return diagnostic;
    });
    collection.set(document.uri, diagnostics);
  };

  const update = (document: vscode.TextDocument) =>
    void refresh(document).catch((error: unknown) => services.log.warn(`Failing-line diagnostics for ${document.uri.toString()}: ${userMessage(error)}`));
  const refreshAll = () => {
    for (const document of vscode.workspace.textDocuments) update(document);
  };
  /**
   * Reads the shared page of the range when an open file defines a UDF: it is the page the
   * lenses and hovers read (one request for all of them, none when already read), asked here
   * too so a refresh reaches the diagnostics with the lenses off or the view hidden.
   */
  const readPage = () => {
    if (!enabled()) return;
    const defines = vscode.workspace.textDocuments.some(
      (document) => document.languageId === 'python' && document.uri.scheme !== RUN_SCHEME && !document.isClosed && udfs.source(document).definitions.length > 0,
    );
    if (defines) void udfs.rangeRuns().catch((error: unknown) => services.log.warn(`Failing-line diagnostics: could not read runs: ${userMessage(error)}`));
  };

  return vscode.Disposable.from(
    collection,
    hovers.onDidLoadRuns(({ name, records }) => {
      if (latest.offer(name, records)) refreshAll();
    }),
    // The lenses' page of the range, re-read when the tree refreshes (auto-refresh too): a later
    // successful run clears the line then, without a request of ours.
    udfs.onDidReadRangeRuns((page) => {
      if (latest.offerAll(page.records)) refreshAll();
    }),
    // The page was dropped (Fused: Refresh, auto-refresh, another scope or range): read it again.
    udfs.onDidChange(readPage),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length) update(event.document);
    }),
    vscode.workspace.onDidOpenTextDocument((document) => {
      update(document);
      readPage();
    }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      collection.delete(document.uri);
      generation.delete(document.uri.toString());
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('fusedRuns.diagnostics.enabled')) {
        refreshAll();
        readPage();
      }
    }),
    // Another server or account: its runs are not these.
    services.onDidChangeConnection(() => {
      latest.clear();
      collection.clear();
    }),
  );
}
