// The insights webview of a UDF: one panel per UDF, scope and range, reused when shown again,
// restored after a window reload from the subject the webview stored. This is the thin vscode
// adapter, in the feature bundle (dist/features.js) and initialised by the first "Show UDF
// Insights", so neither activation nor the other features pay for it. Reading is loader.ts, numbers aggregate.ts and
// viewModel.ts, messages protocol.ts: all pure.

import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { reportError } from '../report/reportError';
import { COMMANDS, invocation, runArg } from '../shared/commands';
import { configureL10n } from '../activation/l10nBundle';
import { FusedApiError, userMessage } from '../api/errors';
import type { PageSource } from '../api/paging';
import type { FusedServices } from '../services';
import { labelText, visibleText } from '../text/safeText';
import { buildShellHtml, createNonce } from '../shared/webviewHtml';
import { clampBudget, insightsQueries, InsightsRuns } from './loader';
import { INSIGHTS_VIEW_TYPE, parseInsightsMessage, parseInsightsState, subjectKey, type InsightsHostMessage, type InsightsMessage, type InsightsSubject } from './protocol';
import { buildInsightsView } from './viewModel';
import { DisposableStore } from '../util/disposables';

// @vscode/l10n gets the display language's translations (features.ts has done so for the feature
// bundle already; this keeps the module right on its own, as the unit and contract builds load it).
configureL10n();

export class InsightsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, InsightsPanel>();
  private readonly bundleRoot: vscode.Uri;
  private readonly connectionSubscription: vscode.Disposable;

  constructor(
    private readonly services: FusedServices,
    extensionUri: vscode.Uri,
  ) {
    this.bundleRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    // Another server, token or back end: what the panels show belongs to the old connection.
    this.connectionSubscription = services.onDidChangeConnection(() => {
      for (const panel of this.panels.values()) panel.load();
    });
  }

  /** Opens the panel of a subject, or reveals it when it is already open. */
  show(subject: InsightsSubject): void {
    const key = subjectKey(subject);
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(INSIGHTS_VIEW_TYPE, titleOf(subject), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, this.webviewOptions());
    this.adopt(panel, subject);
  }

  /** Called by the serializer after a reload: the panel exists, only the subject survived. */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    const parsed = parseInsightsState(state);
    if (!parsed) {
      this.services.log.warn('UDF insights: a panel could not be restored (no UDF in its saved state); closing it.');
      panel.dispose();
      return;
    }
    if (this.panels.has(subjectKey(parsed.subject))) {
      panel.dispose();
      return;
    }
    panel.webview.options = this.webviewOptions();
    panel.title = titleOf(parsed.subject);
    this.adopt(panel, parsed.subject);
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      enableForms: false,
      localResourceRoots: [this.bundleRoot],
      // The webview keeps its subject in its state and asks for the data when shown again.
      retainContextWhenHidden: false,
    };
  }

  private adopt(panel: vscode.WebviewPanel, subject: InsightsSubject): void {
    const key = subjectKey(subject);
    let insights: InsightsPanel;
    try {
      insights = new InsightsPanel(panel, subject, this.services, this.bundleRoot, () => this.panels.delete(key));
    } catch (error) {
      panel.dispose();
      throw error;
    }
    this.panels.set(key, insights);
    insights.load();
  }

  dispose(): void {
    this.connectionSubscription.dispose();
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
  }
}

class InsightsPanel {
  private runs: InsightsRuns | undefined;
  private lastMessage: InsightsHostMessage | undefined;
  private loading: AbortController | undefined;
  private knownIds: ReadonlySet<string> = new Set();
  private readonly subscriptions = new DisposableStore();
  private readonly key: string;
  private disposed = false;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly subject: InsightsSubject,
    private readonly services: FusedServices,
    bundleRoot: vscode.Uri,
    private readonly onDisposed: () => void,
  ) {
    this.key = subjectKey(subject);
    const webview = panel.webview;
    webview.html = buildShellHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot, 'insights.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot, 'insights.css')).toString(),
      nonce: createNonce(),
      l10nBundle: vscode.l10n.bundle,
      language: vscode.env.language,
      title: l10n.t('UDF insights'),
      placeholder: l10n.t('Loading runs…'),
    });
    this.subscriptions.add(
      webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  private source(): PageSource {
    // Every query goes through the validated client; the runs read also fill the record cache.
    return { query: (query, options) => this.services.query(query, options?.signal) };
  }

  /** Reads the range from its newest run again (a fresh budget), and the previous range. */
  load(): void {
    const budget = clampBudget(vscode.workspace.getConfiguration('fusedRuns').get<number>('insights.runBudget'));
    this.runs = new InsightsRuns(this.source(), insightsQueries(this.subject, new Date()), budget);
    this.read(false, (runs, signal) => runs.load(signal));
  }

  /** Another budget of the range, from where the last read stopped. */
  loadMore(): void {
    if (!this.runs || this.runs.complete) return;
    this.read(true, (runs, signal) => runs.loadMore(signal));
  }

  private read(more: boolean, step: (runs: InsightsRuns, signal: AbortSignal) => Promise<void>): void {
    const runs = this.runs;
    if (!runs) return;
    this.loading?.abort();
    const controller = new AbortController();
    this.loading = controller;
    this.post({ type: 'loading', key: this.key, subject: this.subject, title: titleOf(this.subject), more });
    const publish = () => {
      const view = buildInsightsView(runs.input(this.subject));
      this.knownIds = runs.runIds();
      this.panel.title = labelText(`Insights: ${view.heading}`, 80);
      this.post({ type: 'data', key: this.key, subject: this.subject, view });
    };
    step(runs, controller.signal).then(
      () => {
        if (controller.signal.aborted || this.disposed || runs !== this.runs) return;
        this.loading = undefined;
        publish();
      },
      (error: unknown) => {
        if (controller.signal.aborted || this.disposed || runs !== this.runs) return;
        this.loading = undefined;
        const message = error instanceof FusedApiError ? error.message : l10n.t('Could not load the runs: {0}', userMessage(error));
        this.services.log.warn(`UDF insights ${this.subject.value}: ${message}`);
        // What was read before the failure is kept and shown (said to be partial), then the error.
        if (runs.loaded > 0) publish();
        this.post({ type: 'error', key: this.key, message: visibleText(message) });
      },
    );
  }

  private post(message: InsightsHostMessage): void {
    if (message.type !== 'error' || !this.lastMessage || this.lastMessage.type === 'loading') this.lastMessage = message;
    void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const parsed = parseInsightsMessage(raw, this.knownIds);
    if (!parsed.ok) {
      this.services.log.warn(`UDF insights ${this.subject.value}: ignored a message from the webview: ${parsed.reason}`);
      return;
    }
    void this.act(parsed.message).catch((error: unknown) => reportError(this.services.log, error, { what: l10n.t('UDF insights {0}', this.subject.value) }));
  }

  private async act(message: InsightsMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        // A (re)loaded webview: send what it should show; a read in flight posts when done.
        if (this.lastMessage) void this.panel.webview.postMessage(this.lastMessage);
        return;
      case 'refresh':
        this.load();
        return;
      case 'loadMore':
        this.loadMore();
        return;
      case 'drawn':
        this.services.log.info(`UDF insights ${labelText(this.subject.value, 80)}: drew ${message.points.toLocaleString('en-US')} runs in ${message.ms.toFixed(1)} ms.`);
        return;
      case 'openRun':
        await vscode.commands.executeCommand(...invocation(COMMANDS.showDetails, runArg({ id: message.id })));
        return;
    }
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

function titleOf(subject: InsightsSubject): string {
  return labelText(subject.kind === 'udf_id' ? l10n.t('Insights: UDF {0}', labelText(subject.value, 60)) : l10n.t('Insights: {0}', labelText(subject.value, 60)), 80);
}
