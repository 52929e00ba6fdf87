// Commands that open a run's documents and diffs. Each takes a RunInput (src/shared/commands.ts:
// a run row, `{ id, udf_name }`, or a fused-run document's Uri); from the palette it asks for a
// record id, offering the run of the active fused-run editor.
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { reportError } from '../report/reportError';
import { iteratePages } from '../api/paging';
import { runStatus } from '../api/status';
import type { AuditLogRecord } from '../api/types';
import { COMMANDS, readRunArg, type CommandId, type RunRef } from '../shared/commands';
import { validateRecordIdInput } from '../prompts/queryInput';
import type { FusedServices } from '../services';
import { abortSignalFor } from '../util/cancellation';
import { labelText, messageText, oneLine } from '../text/safeText';
import { formatLocalTime, relativeTime, statusPresentation } from '../shared/presentation';
import { comparableCode, findPreviousRunWithDifferentCode, sameUdfQuery } from './previousRun';
import { codeFileFor } from './runContents';
import { runAddressOf, runDocumentUri, type RunFileSystemProvider } from './runFileSystem';
import { RUN_SCHEME, type RunFile } from '../shared/runUri';

/** How many earlier runs "Compare with Previous Run" reads before giving up. */
const PREVIOUS_RUN_BUDGET = 1000;
/** How many runs "Compare with Run…" offers. */
const PICK_RUNS = 100;

export class RunDocumentCommands {
  constructor(
    private readonly services: FusedServices,
    private readonly files: RunFileSystemProvider,
  ) {}

  register(): vscode.Disposable {
    // Commands resolve to the editor they opened (undefined when cancelled), so callers and
    // tests can use it; failures are reported to the user, never thrown at the caller's menu.
    const run = (name: CommandId, action: (arg: unknown) => Promise<unknown>) =>
      vscode.commands.registerCommand(name, async (arg: unknown) => {
        try {
          return await action(arg);
        } catch (error) {
          this.reportError(error);
          return undefined;
        }
      });
    return vscode.Disposable.from(
      run(COMMANDS.openCode, (arg) => this.openPart(arg, 'code')),
      run(COMMANDS.openStderr, (arg) => this.openPart(arg, 'stderr')),
      run(COMMANDS.openStdout, (arg) => this.openPart(arg, 'stdout')),
      run(COMMANDS.openUdfData, (arg) => this.openPart(arg, 'udf_data')),
      run(COMMANDS.openHeaderModule, (arg) => this.openHeaderModule(arg)),
      run(COMMANDS.compareWithLocalFile, (arg) => this.compareWithLocalFile(arg)),
      run(COMMANDS.compareWithPreviousRun, (arg) => this.compareWithPreviousRun(arg)),
      run(COMMANDS.compareWithRun, (arg) => this.compareWithRun(arg)),
      run(COMMANDS.reloadRunDocuments, (arg) => this.reloadRun(arg)),
    );
  }

  // --- opening documents ---

  async openPart(arg: unknown, part: 'code' | 'stderr' | 'stdout' | 'udf_data'): Promise<vscode.TextEditor | undefined> {
    const record = await this.resolveRecord(arg, l10n.t('Open the {0} of which run?', part));
    if (!record) return undefined;
    const file: RunFile = part === 'code' ? codeFileFor(this.files.parsedUdfData(record)) : { kind: part };
    return this.show(record, file);
  }

  async openHeaderModule(arg: unknown): Promise<vscode.TextEditor | undefined> {
    const record = await this.resolveRecord(arg, l10n.t('Open a header module of which run?'));
    if (!record) return undefined;
    const headers = this.files.parsedUdfData(record).headers;
    if (headers.length === 0) {
      void vscode.window.showInformationMessage(messageText(l10n.t('This run of {0} recorded no header modules.', displayName(record))));
      return undefined;
    }
    const picked =
      headers.length === 1
        ? headers[0]
        : (
            await vscode.window.showQuickPick(
              headers.map((header) => ({ label: labelText(header.module_name, 80), description: labelText(header.source_file ?? header.url ?? '', 80), header })),
              { title: labelText(l10n.t('Header modules of {0}', displayName(record))), placeHolder: l10n.t('Module to open') },
            )
          )?.header;
    if (!picked) return undefined;
    return this.show(record, { kind: 'header', module: picked.module_name });
  }

  private async show(record: AuditLogRecord, file: RunFile): Promise<vscode.TextEditor> {
    const uri = runDocumentUri({ recordId: record.id, udfName: record.udf_name, file });
    const editor = await vscode.window.showTextDocument(uri, { viewColumn: runDocumentColumn(), preview: false });
    await ensureLogLanguage(editor.document);
    return editor;
  }

  // --- diffs ---

  async compareWithLocalFile(arg: unknown): Promise<void> {
    const record = await this.resolveRecord(arg, l10n.t('Compare the code of which run with a local file?'));
    if (!record) return;
    const runUri = this.codeUri(record);
    const active = vscode.window.activeTextEditor?.document;
    const local = active && active.uri.scheme !== RUN_SCHEME && active.uri.scheme !== 'output' ? active.uri : await pickLocalFile(record);
    if (!local) return;
    const title = labelText(l10n.t('{0} (run {1}) ↔ {2}', displayName(record), shortTime(record.timestamp), oneLine(baseName(local), 60)), 200);
    await vscode.commands.executeCommand('vscode.diff', runUri, local, title, { preview: false });
  }

  async compareWithPreviousRun(arg: unknown): Promise<void> {
    const record = await this.resolveRecord(arg, l10n.t('Compare which run with its previous run?'));
    if (!record) return;
    const query = sameUdfQuery(record);
    if (!query) {
      void vscode.window.showWarningMessage(l10n.t('This run records neither a udf_id nor a udf_name, so other runs of its UDF cannot be found.'));
      return;
    }
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: messageText(l10n.t('Looking for the previous run of {0} with different code…', displayName(record))), cancellable: true },
      async (_progress, token) => {
        const abort = abortSignalFor(token);
        try {
          const pages = iteratePages(this.pageSource(), query, {
            signal: abort.signal,
            maxRecords: PREVIOUS_RUN_BUDGET,
            log: this.services.log,
            label: `Previous-run search for ${displayName(record)}`,
          });
          return await findPreviousRunWithDifferentCode(record, pages, PREVIOUS_RUN_BUDGET);
        } finally {
          abort.dispose();
        }
      },
    );
    if (result.found) {
      await this.diffRuns(result.found, record);
      return;
    }
    if (result.earlier.length === 0) {
      void vscode.window.showInformationMessage(messageText(l10n.t('This is the earliest recorded run of {0}: there is no previous run to compare with.', displayName(record))));
      return;
    }
    const why = result.budgetSpent
      ? l10n.t('None of the {0} most recent earlier runs read (the search stops at {1} runs) has different code.', result.earlier.length, PREVIOUS_RUN_BUDGET)
      : l10n.t('No earlier run has different code ({0} ran the same code).', result.sameCode);
    const picked = await this.pickRun(record, result.earlier, l10n.t('{0} Pick a run to compare with', why));
    if (picked) await this.diffRuns(picked, record);
  }

  async compareWithRun(arg: unknown): Promise<void> {
    const record = await this.resolveRecord(arg, l10n.t('Compare which run with another run?'));
    if (!record) return;
    const query = sameUdfQuery(record, PICK_RUNS);
    if (!query) {
      void vscode.window.showWarningMessage(l10n.t('This run records neither a udf_id nor a udf_name, so other runs of its UDF cannot be found.'));
      return;
    }
    // Any run of the UDF, newer ones included.
    delete query.end_timestamp;
    const page = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: labelText(l10n.t('Fetching runs of {0}', displayName(record))) }, () => this.services.query(query));
    const others = page.items.filter((r) => r.id !== record.id);
    if (others.length === 0) {
      void vscode.window.showInformationMessage(messageText(l10n.t('{0} has no other recorded run to compare with.', displayName(record))));
      return;
    }
    const picked = await this.pickRun(record, others, `Compare ${displayName(record)} (run ${shortTime(record.timestamp)}) with`);
    if (!picked) return;
    const [older, newer] = Date.parse(picked.timestamp) <= Date.parse(record.timestamp) ? [picked, record] : [record, picked];
    await this.diffRuns(older, newer);
  }

  private async pickRun(current: AuditLogRecord, runs: readonly AuditLogRecord[], placeHolder: string): Promise<AuditLogRecord | undefined> {
    const currentCode = comparableCode(current);
    const items = runs.map((run) => {
      const look = statusPresentation(runStatus(run));
      const code = comparableCode(run);
      return {
        label: `$(${look.icon}) ${labelText(formatLocalTime(run.timestamp))}`,
        description: `${relativeTime(run.timestamp)} · ${look.label}`,
        detail: code === undefined ? l10n.t('recorded no code') : code === currentCode ? l10n.t('same code') : l10n.t('code differs'),
        run,
      };
    });
    return (await vscode.window.showQuickPick(items, { title: labelText(l10n.t('Runs of {0}', displayName(current))), placeHolder: labelText(placeHolder, 300), matchOnDescription: true, matchOnDetail: true }))?.run;
  }

  private async diffRuns(older: AuditLogRecord, newer: AuditLogRecord): Promise<void> {
    const title = labelText(l10n.t('{0}: run {1} ↔ run {2}', displayName(newer), shortTime(older.timestamp), shortTime(newer.timestamp)), 200);
    await vscode.commands.executeCommand('vscode.diff', this.codeUri(older), this.codeUri(newer), title, { preview: false });
  }

  private codeUri(record: AuditLogRecord): vscode.Uri {
    return runDocumentUri({ recordId: record.id, udfName: record.udf_name, file: codeFileFor(this.files.parsedUdfData(record)) });
  }

  private pageSource() {
    return { query: (query: Parameters<FusedServices['query']>[0], options?: { signal?: AbortSignal }) => this.services.query(query, options?.signal) };
  }

  // --- reload ---

  async reloadRun(arg: unknown): Promise<void> {
    const ref = readRunArg(arg) ?? activeRunRef();
    if (!ref) {
      void vscode.window.showInformationMessage(l10n.t('Open a run document (code, stderr or stdout) to reload it from the server.'));
      return;
    }
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: l10n.t('Reloading run from the server') }, () => this.files.reload(ref.id));
  }

  // --- arguments ---

  /** The record behind the argument, fetched once (shared cache); asks for an id from the palette. */
  private async resolveRecord(arg: unknown, prompt: string): Promise<AuditLogRecord | undefined> {
    let ref: RunRef | undefined = readRunArg(arg);
    if (!ref) {
      if (arg !== undefined && !(arg instanceof vscode.Uri)) {
        void vscode.window.showErrorMessage(l10n.t('That is not a Fused run: expected a run from the Fused Runs view, a record id or a fused-run document.'));
        return undefined;
      }
      ref = await askForRun(prompt);
      if (!ref) return undefined;
    }
    if (ref.record) return ref.record;
    const id = ref.id;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: labelText(l10n.t('Fetching Fused run {0}', id)) }, () => this.services.getRecord(id));
  }

  private reportError(error: unknown): void {
    // Messages name records and carry server details: the reporter shows them as text, never links.
    reportError(this.services.log, error);
  }

}

/**
 * Beside the user's code, once: run documents go to the group that already shows one (so
 * opening stderr, then code, then stdout does not add a column each time), else beside the
 * active editor, else (nothing open) into the active group.
 */
function runDocumentColumn(): vscode.ViewColumn {
  const active = vscode.window.activeTextEditor;
  if (active?.document.uri.scheme === RUN_SCHEME && active.viewColumn) return active.viewColumn;
  const shown = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.scheme === RUN_SCHEME && editor.viewColumn);
  if (shown?.viewColumn) return shown.viewColumn;
  return active ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
}

function activeRunRef(): RunRef | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  const address = uri ? runAddressOf(uri) : undefined;
  return address ? { id: address.recordId, udf_name: address.udfName } : undefined;
}

async function askForRun(prompt: string): Promise<RunRef | undefined> {
  const active = activeRunRef();
  const id = await vscode.window.showInputBox({
    title: prompt,
    prompt: l10n.t('Audit record id (the id column of fused.api.log)'),
    placeHolder: l10n.t('e.g. {0}', '3f2b9c1e-8d4a-4c55-9a63-0b1f7e2d4c10'),
    value: active?.id,
    ignoreFocusOut: true,
    validateInput: validateRecordIdInput,
  });
  return id ? { id: id.trim() } : undefined;
}

/** Open editors first, then the workspace's Python files, then a file dialog. */
async function pickLocalFile(record: AuditLogRecord): Promise<vscode.Uri | undefined> {
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri; browse?: true };
  const seen = new Set<string>();
  const items: Item[] = [];
  const add = (uri: vscode.Uri, description: string) => {
    if (uri.scheme === RUN_SCHEME || seen.has(uri.toString())) return;
    seen.add(uri.toString());
    // File names are text we did not write either: their $(…) stays text.
    items.push({ label: `$(file) ${labelText(baseName(uri))}`, description: labelText(vscode.workspace.asRelativePath(uri, true), 200), detail: description, uri });
  };
  for (const document of vscode.workspace.textDocuments) {
    if (document.uri.scheme === 'file' || document.uri.scheme === 'untitled' || document.uri.scheme === 'vscode-remote') add(document.uri, l10n.t('open in the editor'));
  }
  if (vscode.workspace.workspaceFolders?.length) {
    const files = await vscode.workspace.findFiles('**/*.py', '**/{node_modules,.git,.venv,venv,__pycache__,site-packages}/**', 500);
    files.sort((a, b) => a.path.localeCompare(b.path));
    for (const uri of files) add(uri, '');
  }
  items.push({ label: l10n.t('$(folder-opened) Browse…'), description: l10n.t('pick any file'), browse: true });
  const picked = await vscode.window.showQuickPick(items, {
    title: labelText(l10n.t('Compare the code of {0} (run {1}) with…', displayName(record), shortTime(record.timestamp)), 200),
    placeHolder: l10n.t('A local file'),
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: l10n.t('Compare'), filters: { Python: ['py'], [l10n.t('All files')]: ['*'] } });
  return chosen?.[0];
}

/** VS Code's built-in `log` language claims `.log`; make sure a run's log uses it even if another extension took the extension. */
async function ensureLogLanguage(document: vscode.TextDocument): Promise<void> {
  const kind = runAddressOf(document.uri)?.file.kind;
  if ((kind === 'stderr' || kind === 'stdout') && document.languageId !== 'log' && (await vscode.languages.getLanguages()).includes('log')) {
    await vscode.languages.setTextDocumentLanguage(document, 'log');
  }
}

/** The UDF's name for titles and messages, cut to 60 characters; the sink function applies to the whole text. */
function displayName(record: AuditLogRecord): string {
  return oneLine(record.udf_name ?? record.udf_id ?? l10n.t('unnamed UDF'), 60);
}

function shortTime(iso: string): string {
  return formatLocalTime(iso);
}

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1) || uri.toString();
}
