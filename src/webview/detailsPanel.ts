// The record details webview: one panel per record id, reused when shown again, restored after
// a window reload from the record id the webview stored. This is the thin vscode adapter; the
// view model (viewModel.ts), the protocol checks (protocol.ts) and the HTML (html.ts) are pure.

import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { FusedApiError, userMessage } from '../api/errors';
import type { AuditLogRecord } from '../api/types';
import { COMMANDS, readRunArg, runArg, type RunInput, type RunRef } from '../shared/commands';
import { validateRecordIdInput } from '../prompts/queryInput';
import { runPath, RUN_SCHEME } from '../shared/runUri';
import { parseUdfData } from '../shared/udfData';
import type { FeatureHost } from '../activation/lazyHost';
import type { FusedServices } from '../services';
import { buildShellHtml, createNonce } from '../shared/webviewHtml';
import { DETAILS_VIEW_TYPE, parseDetailsState, parseWebviewMessage, type HostMessage, type RecordAction, type WebviewMessage } from './protocol';
import { reportError } from '../report/reportError';
import { labelText, messageText, visibleText } from '../text/safeText';
import { buildRecordView } from './viewModel';
import { DisposableStore } from '../util/disposables';

/** The panel's buttons that run the documents feature's command of the same name (the contract's ids) on this run. */
const DOCUMENT_ACTIONS = ['openCode', 'openUdfData', 'openStderr', 'openStdout', 'compareWithLocalFile', 'compareWithPreviousRun'] as const satisfies readonly (RecordAction & keyof typeof COMMANDS)[];
type DocumentAction = (typeof DOCUMENT_ACTIONS)[number];

function isDocumentAction(action: RecordAction): action is DocumentAction {
  return (DOCUMENT_ACTIONS as readonly RecordAction[]).includes(action);
}

/** What the host did with a message from a webview: refused (and why) or acted on. */
export interface MessageOutcome {
  accepted: boolean;
  reason?: string;
}

export class RecordDetailsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, RecordDetailsPanel>();
  private readonly bundleRoot: vscode.Uri;

  private readonly connectionSubscription: vscode.Disposable;

  constructor(
    private readonly services: FusedServices,
    extensionUri: vscode.Uri,
  ) {
    this.bundleRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    // Signed in, or fixed the base URL: panels that could not load their record try again.
    this.connectionSubscription = services.onDidChangeConnection(() => {
      for (const panel of this.panels.values()) if (panel.failed) panel.load(false);
    });
  }

  /** Opens the panel of a run, or reveals it when it is already open. */
  show(ref: RunRef): void {
    if (ref.record) this.services.records.put(ref.record);
    const existing = this.panels.get(ref.id);
    if (existing) {
      existing.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(DETAILS_VIEW_TYPE, initialTitle(ref), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, this.webviewOptions());
    this.adopt(panel, ref.id);
  }

  /**
   * Hands `message` to the open panel of `recordId` exactly as if its webview had posted it, and
   * resolves once the host has acted on it (or refused it). For the extension-host tests, which
   * cannot post from inside a webview; the webview's own messages take the same path.
   */
  deliver(recordId: string, message: unknown): Promise<MessageOutcome> {
    const panel = this.panels.get(recordId);
    if (!panel) return Promise.reject(new Error(`no details panel is open for record ${recordId}`));
    return panel.receive(message);
  }

  /** Called by the serializer after a reload: the panel exists, only the record id survived. */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    const parsed = parseDetailsState(state);
    if (!parsed) {
      this.services.log.warn('Run details: a panel could not be restored (no record id in its saved state); closing it.');
      panel.dispose();
      return;
    }
    if (this.panels.has(parsed.id)) {
      // Two restored panels for one record (a state from an older version): keep one.
      panel.dispose();
      return;
    }
    panel.webview.options = this.webviewOptions();
    panel.title = initialTitle({ id: parsed.id });
    this.adopt(panel, parsed.id);
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      enableForms: false,
      localResourceRoots: [this.bundleRoot],
      // The webview keeps its record id in its state and asks for the record when re-shown, so
      // hidden panels can release their DOM.
      retainContextWhenHidden: false,
    };
  }

  private adopt(panel: vscode.WebviewPanel, id: string): void {
    let details: RecordDetailsPanel;
    try {
      details = new RecordDetailsPanel(panel, id, this.services, this.bundleRoot, () => this.panels.delete(id));
    } catch (error) {
      // Never leave an empty panel behind.
      panel.dispose();
      throw error;
    }
    this.panels.set(id, details);
    details.load(false);
  }

  dispose(): void {
    this.connectionSubscription.dispose();
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
  }
}

class RecordDetailsPanel {
  private record: AuditLogRecord | undefined;
  private lastMessage: HostMessage | undefined;
  private loading: AbortController | undefined;
  private readonly subscriptions = new DisposableStore();
  private disposed = false;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    readonly id: string,
    private readonly services: FusedServices,
    bundleRoot: vscode.Uri,
    private readonly onDisposed: () => void,
  ) {
    const webview = panel.webview;
    webview.html = buildShellHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot, 'details.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot, 'details.css')).toString(),
      nonce: createNonce(),
      l10nBundle: vscode.l10n.bundle,
      language: vscode.env.language,
      title: l10n.t('Run details'),
      placeholder: l10n.t('Loading run…'),
    });
    this.subscriptions.add(
      webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** The last fetch failed and the panel shows an error. */
  get failed(): boolean {
    return this.lastMessage?.type === 'error';
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** Fetches the record (from the shared cache unless refreshing) and sends it to the webview. */
  load(refresh: boolean): void {
    this.loading?.abort();
    const controller = new AbortController();
    this.loading = controller;
    this.post({ type: 'loading', id: this.id, refreshing: refresh && this.record !== undefined });
    const fetch = refresh ? this.services.records.refresh(this.id, controller.signal) : this.services.getRecord(this.id, controller.signal);
    fetch.then(
      (record) => {
        if (controller.signal.aborted || this.disposed) return;
        this.record = record;
        const view = buildRecordView(record);
        this.panel.title = labelText(view.title, 80);
        this.post({ type: 'record', id: this.id, view });
      },
      (error: unknown) => {
        if (controller.signal.aborted || this.disposed) return;
        const message = error instanceof FusedApiError ? error.message : l10n.t('Could not load run {0}: {1}', this.id, userMessage(error));
        this.services.log.warn(`Run details ${this.id}: ${message}`);
        // The webview sets it as textContent; control and bidi characters are shown, not applied.
        this.post({ type: 'error', id: this.id, message: visibleText(message) });
      },
    );
  }

  private post(message: HostMessage): void {
    this.lastMessage = message;
    void this.panel.webview.postMessage(message);
  }

  /** A message from the webview (untrusted): checked, then acted on; resolves when done. */
  async receive(raw: unknown): Promise<MessageOutcome> {
    const parsed = parseWebviewMessage(raw, this.id);
    if (!parsed.ok) {
      this.services.log.warn(`Run details ${this.id}: ignored a message from the webview: ${parsed.reason}`);
      return { accepted: false, reason: parsed.reason };
    }
    try {
      await this.act(parsed.message);
    } catch (error: unknown) {
      reportError(this.services.log, error, { what: l10n.t('Run details {0}', this.id) });
    }
    return { accepted: true };
  }

  private async act(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        // A (re)loaded webview: send what it should show, or start the fetch if none is running.
        if (this.lastMessage && this.lastMessage.type !== 'loading') void this.panel.webview.postMessage(this.lastMessage);
        else if (!this.loading || this.loading.signal.aborted) this.load(false);
        else if (this.lastMessage) void this.panel.webview.postMessage(this.lastMessage);
        return;
      case 'openHeader':
        await this.openHeader(message.module_name);
        return;
      case 'action':
        break;
    }
    const action = message.action;
    switch (action) {
      case 'refresh':
        this.load(true);
        return;
      case 'copyId':
        await vscode.env.clipboard.writeText(this.id);
        // Status bar text renders $(icon): ours first, then the id as text (the full id is on the clipboard).
        vscode.window.setStatusBarMessage(`$(copy) ${labelText(l10n.t('Copied run ID {0}', this.id), 100)}`, 4000);
        return;
      default:
        if (isDocumentAction(action)) await vscode.commands.executeCommand(COMMANDS[action], runArg({ id: this.id, udf_name: this.record?.udf_name }) satisfies RunInput);
    }
  }

  private async openHeader(requestedName: string): Promise<void> {
    const record = this.record;
    if (!record) return;
    // The webview only knows the names as displayed; find the module they stand for.
    const header = parseUdfData(record.udf_data).headers.find((h) => visibleText(h.module_name) === requestedName);
    if (!header) {
      this.services.log.warn(`Run details ${this.id}: no header module named ${JSON.stringify(requestedName)} in this run.`);
      return;
    }
    // The documents feature serves `fused-run:/<udf>/<id>/headers/<module>.py` from the record.
    const uri = vscode.Uri.from({ scheme: RUN_SCHEME, path: runPath({ recordId: this.id, udfName: record.udf_name, file: { kind: 'header', module: header.module_name } }) });
    await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.loading?.abort();
    this.subscriptions.dispose();
    this.onDisposed();
    this.panel.dispose();
  }
}

function initialTitle(ref: { id: string; udf_name?: string | null }): string {
  return labelText(l10n.t('{0} · loading…', ref.udf_name ? labelText(ref.udf_name, 40) : l10n.t('Run {0}', labelText(ref.id, 9))), 80);
}

/** The command and the serializer; one line in features.ts registers both. `panels` serves the extension-host tests. */
export function registerRecordDetails(services: FusedServices, host: FeatureHost, extensionUri: vscode.Uri): vscode.Disposable & { readonly panels: RecordDetailsPanels } {
  const panels = new RecordDetailsPanels(services, extensionUri);
  const registrations = vscode.Disposable.from(
    panels,
    vscode.commands.registerCommand(COMMANDS.showDetails, async (arg?: unknown) => {
      const ref = arg === undefined ? await askForRecordId() : readRunArg(arg);
      if (ref) {
        panels.show(ref);
        return;
      }
      if (arg !== undefined) {
        services.log.warn('Show Run Details: the argument is not a run.');
        void vscode.window.showErrorMessage(l10n.t('Fused Runs: "Show Run Details" needs a run (a record, a record id or a fused-run: document).'));
      }
    }),
    // Activation registered the serializer for DETAILS_VIEW_TYPE; it forwards here.
    host.setWebviewSerializer(DETAILS_VIEW_TYPE, { deserializeWebviewPanel: async (panel, state) => panels.restore(panel, state) }),
  );
  return Object.assign(registrations, { panels });
}

async function askForRecordId(): Promise<RunRef | undefined> {
  const id = await vscode.window.showInputBox({
    title: l10n.t('Show Run Details'),
    prompt: l10n.t('The audit-log record id of a run (fused.api.log(id=...))'),
    placeHolder: l10n.t('e.g. {0}', '3f2b9c1e-8a4d-4e7f-9b1a-2c5d6e7f8a9b'),
    ignoreFocusOut: true,
    validateInput: (value) => {
      const problem = validateRecordIdInput(value);
      return problem === undefined ? undefined : messageText(problem);
    },
  });
  const trimmed = id?.trim();
  return trimmed ? { id: trimmed } : undefined;
}
