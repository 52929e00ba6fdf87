// What every feature needs, created once at activation: the log channel, credentials,
// the audit-log client for the current settings, and the shared record cache.
import vscode = require('vscode');
import { AuditLogClient } from './api/client';
import { PythonSdkSource } from './api/pythonSdkSource';
import type { AuditLogSource } from './api/source';
import type { AuditLogPage, AuditLogQuery, AuditLogRecord } from './api/types';
import { AuthService } from './auth/secretStore';
import { RecordCache } from './cache/recordCache';
import { affectsConnection, readConnectionSettings } from './config/settings';

export class FusedServices implements vscode.Disposable {
  readonly auth: AuthService;
  readonly records: RecordCache;
  private currentClient: AuditLogSource | undefined;
  private readonly connectionChanged = new vscode.EventEmitter<void>();
  /** Settings or credentials changed: views should reload. */
  readonly onDidChangeConnection = this.connectionChanged.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.auth = new AuthService(context.secrets, log);
    this.records = new RecordCache((id, signal) => this.client().getRecord(id, { signal }));
    this.subscriptions.push(
      this.auth,
      this.connectionChanged,
      this.auth.onDidChange(() => {
        this.records.clear();
        this.connectionChanged.fire();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!affectsConnection(event)) return;
        // A new base URL means a new origin: drop the pooled connections and cached records.
        void this.currentClient?.close();
        this.currentClient = undefined;
        this.records.clear();
        this.connectionChanged.fire();
      }),
    );
  }

  /** The audit-log source for the current settings, created on first use so activation stays cheap. */
  client(): AuditLogSource {
    if (!this.currentClient) {
      const settings = readConnectionSettings();
      if (settings.backend === 'python-sdk') {
        this.currentClient = new PythonSdkSource({ pythonPath: settings.pythonPath, timeoutMs: settings.timeoutMs * 2, logger: this.log });
      } else {
        this.currentClient = new AuditLogClient({
          baseUrl: settings.baseUrl,
          auditLogPath: settings.auditLogPath,
          timeoutMs: settings.timeoutMs,
          getCredentials: () => this.auth.getCredentials(),
          logger: this.log,
        });
      }
      this.log.info(`Reading audit logs from ${this.currentClient.description}.`);
    }
    return this.currentClient;
  }

  /** A query through the validated client; records that come back are remembered for documents. */
  async query(query: AuditLogQuery, signal?: AbortSignal): Promise<AuditLogPage> {
    const page = await this.client().query(query, { signal });
    for (const record of page.items) this.records.put(record);
    return page;
  }

  getRecord(id: string, signal?: AbortSignal): Promise<AuditLogRecord> {
    return this.records.get(id, signal);
  }

  dispose(): void {
    void this.currentClient?.close();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
