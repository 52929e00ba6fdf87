// What every feature needs, created once at activation: the log channel, credentials,
// the audit-log back end for the current settings, and the shared record cache.
import vscode = require('vscode');
import { COMMANDS, invocation } from '../shared/commands';
import * as l10n from '@vscode/l10n';
import { AuditLogClient } from '../api/client';
import { PythonSdkSource } from '../api/pythonSdkSource';
import type { AuditLogSource } from '../api/source';
import type { AuditLogPage, AuditLogQuery, AuditLogRecord } from '../api/types';
import { AuthService } from '../auth/secretStore';
import { RecordCache } from '../cache/recordCache';
import { affectsConnection, readConnectionSettings, updateUserSetting, type ConnectionSettings } from '../config/settings';
import { isLoopbackUrl } from '../config/restricted';
import { AutoSource } from '../connection/autoSource';
import type { Backend } from '../connection/backendChoice';
import { PythonEnvironments } from '../python/pythonEnvironment';
import { messageText } from '../text/safeText';
import { DisposableStore } from '../util/disposables';

/** The back end for the current settings, with what Check Connection and the tree need to know about it. */
interface Connection {
  source: AuditLogSource;
  settings: ConnectionSettings;
  /** Set for `auto`. */
  auto?: AutoSource;
  /** Set for an explicit `python-sdk`. */
  sdk?: PythonSdkSource;
}

export class FusedServices implements vscode.Disposable {
  readonly auth: AuthService;
  readonly records: RecordCache;
  readonly python: PythonEnvironments;
  private current: Connection | undefined;
  /** `auto` switched to the Python SDK in this session (survives a worker restart, not a settings change). */
  private switchedToSdk = false;
  private switchAnnounced = false;
  private readonly connectionChanged = new vscode.EventEmitter<void>();
  /** Settings, credentials, trust or the Python environment changed: views should reload. */
  readonly onDidChangeConnection = this.connectionChanged.event;
  private readonly subscriptions = new DisposableStore();

  constructor(
    secrets: vscode.SecretStorage,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.auth = new AuthService(secrets, log, () => !this.needsOwnToken());
    this.python = new PythonEnvironments(log);
    this.records = new RecordCache((id, signal) => this.client().getRecord(id, { signal }));
    this.subscriptions.add(
      this.auth,
      this.python,
      this.connectionChanged,
      this.auth.onDidChange(() => {
        this.records.clear();
        this.connectionChanged.fire();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!affectsConnection(event)) return;
        // Another base URL or back end is another place: what `auto` learned no longer holds.
        this.switchedToSdk = false;
        this.reconnect('the settings changed');
      }),
      // Granting trust lets the workspace's own connection settings apply.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reconnect('the workspace is now trusted')),
      // Another environment selected in the Python extension: a new worker in it.
      this.python.onDidChangeSelection(() => {
        if (this.backendInUse === 'python-sdk') this.reconnect('the Python environment changed');
      }),
    );
    void this.publishContext();
  }

  /** The audit-log source for the current settings, created on first use so activation stays cheap. */
  client(): AuditLogSource {
    return this.connection().source;
  }

  /** The settings the current back end was made from. */
  get settings(): ConnectionSettings {
    return this.connection().settings;
  }

  /** Which back end answers now (for `auto`, HTTP until the session switched). */
  get backendInUse(): Backend {
    const connection = this.connection();
    if (connection.sdk) return 'python-sdk';
    return connection.auto?.inUse ?? 'http';
  }

  get autoSwitched(): boolean {
    return this.switchedToSdk;
  }

  /** The Python back end in use, if any (Check Connection reads its worker's facts). */
  get pythonSource(): PythonSdkSource | undefined {
    const connection = this.connection();
    return connection.sdk ?? (connection.auto?.pythonSource as PythonSdkSource | undefined);
  }

  /** The Python back end signs in with the SDK's own credentials; only HTTP needs ours. */
  needsOwnToken(): boolean {
    return this.backendInUse === 'http';
  }

  /** A Python back end for the current settings that nobody else uses (Check Connection's probe). */
  createPythonSource(settings: ConnectionSettings = readConnectionSettings()): PythonSdkSource {
    return new PythonSdkSource({
      interpreters: () => this.python.candidates(settings.pythonInterpreter),
      // Importing fused takes seconds; a query through it gets twice the HTTP timeout.
      timeoutMs: settings.timeoutMs * 2,
      logger: this.log,
    });
  }

  /** An HTTP client for the current settings that nobody else uses (Check Connection's timed request). */
  createHttpClient(settings: ConnectionSettings, overrides: { timeoutMs?: number; maxAttempts?: number } = {}): AuditLogClient {
    return new AuditLogClient({
      baseUrl: settings.baseUrl,
      auditLogPath: settings.auditLogPath,
      timeoutMs: overrides.timeoutMs ?? settings.timeoutMs,
      retry: overrides.maxAttempts ? { maxAttempts: overrides.maxAttempts } : undefined,
      getCredentials: () => this.auth.getCredentials(),
      logger: this.log,
    });
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

  private connection(): Connection {
    this.current ??= this.connect();
    return this.current;
  }

  private connect(): Connection {
    const settings = readConnectionSettings();
    for (const [key, resolved] of Object.entries(settings.resolved)) {
      if (resolved.ignoredWorkspaceValue !== undefined) {
        this.log.warn(`Restricted Mode: the workspace's value of "fusedRuns.${key === 'pythonInterpreter' ? 'python.interpreter' : `api.${key}`}" is ignored (trust the workspace to use it).`);
      }
    }
    let connection: Connection;
    if (settings.backend === 'python-sdk') {
      const sdk = this.createPythonSource(settings);
      connection = { source: sdk, sdk, settings };
    } else if (settings.backend === 'http') {
      connection = { source: this.createHttpClient(settings), settings };
    } else {
      const auto: AutoSource = new AutoSource({
        http: this.createHttpClient(settings),
        // Never start Python on the strength of an untrusted workspace: no automatic fallback there.
        createSdk: settings.trusted ? () => this.createPythonSource(settings) : undefined,
        initialState: this.switchedToSdk ? 'python-sdk' : 'undecided',
        onSwitch: ({ info }) => this.announceSwitch(info.executable),
        logger: this.log,
      });
      connection = { source: auto, auto, settings };
    }
    this.log.info(`Reading audit logs from ${connection.source.description} (fusedRuns.api.backend: ${settings.backend}${settings.trusted ? '' : '; Restricted Mode: user settings only'}).`);
    void this.publishContext(settings);
    return connection;
  }

  private announceSwitch(executable: string): void {
    this.switchedToSdk = true;
    void this.publishContext();
    // The tree may be on its welcome view: with the SDK, our own token is not needed.
    void this.auth.getCredentials();
    if (this.switchAnnounced) return;
    this.switchAnnounced = true;
    const keep = l10n.t('Always Use the Python SDK');
    const checkConnection = l10n.t('Check Connection');
    void vscode.window
      .showInformationMessage(
        // The interpreter path comes from the environment (possibly a workspace's): text, never a link.
        messageText(l10n.t('Fused Runs: the audit-log path is not served here (404), so this session reads audit logs through your fused Python SDK ({0}).', executable)),
        keep,
        checkConnection,
      )
      .then(async (choice) => {
        if (choice === keep) {
          await updateUserSetting('api.backend', 'python-sdk');
          this.log.info('"fusedRuns.api.backend" set to "python-sdk" in the user settings.');
        } else if (choice === checkConnection) {
          await vscode.commands.executeCommand(...invocation(COMMANDS.checkConnection));
        }
      });
  }

  private reconnect(why: string): void {
    this.log.info(`Reconnecting: ${why}.`);
    // A new base URL means a new origin: drop the connection (and its worker) and the cached records.
    void this.current?.source.close();
    this.current = undefined;
    this.records.clear();
    void this.publishContext();
    this.connectionChanged.fire();
  }

  /** Context keys for menus and the welcome view. */
  private async publishContext(settings: ConnectionSettings = this.current?.settings ?? readConnectionSettings()): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'fusedRuns.baseUrlIsLoopback', isLoopbackUrl(settings.baseUrl));
  }

  dispose(): void {
    void this.current?.source.close();
    this.subscriptions.dispose();
  }
}
