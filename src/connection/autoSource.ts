// The `auto` back end: HTTP first; when the audit-log path is unknown on this deployment (404 or
// 405) and `fused` imports in the user's Python, the Python SDK answers for the rest of the
// session. Pure (no `vscode`): the adapter announces the switch and may keep it in the settings.
import * as l10n from '@vscode/l10n';
import { FusedApiError, NotFoundError, SetupError, userMessage } from '../api/errors';
import type { WorkerInfo } from '../api/pythonSdkSource';
import type { AuditLogSource } from '../api/source';
import type { AuditLogPage, AuditLogQuery, AuditLogRecord } from '../api/types';
import { type Logger, silentLogger } from '../util/logger';
import { autoDecision, type AutoState, type Backend } from './backendChoice';

/** What AutoSource needs of the Python back end. */
export interface SdkSource extends AuditLogSource {
  probe(options?: { signal?: AbortSignal }): Promise<WorkerInfo>;
}

export interface AutoSourceOptions {
  http: AuditLogSource;
  /** Creates the Python back end when it is first needed; undefined = not allowed here (Restricted Mode). */
  createSdk?: () => SdkSource;
  /** Starts decided (a switch earlier in this session survives a restart of the worker). */
  initialState?: AutoState;
  /** Called once, when the SDK takes over, with the HTTP error that caused it. */
  onSwitch?: (event: { cause: FusedApiError; info: WorkerInfo }) => void;
  logger?: Logger;
}

export class AutoSource implements AuditLogSource {
  private state: AutoState;
  private sdk: SdkSource | undefined;
  /** Shared by queries that fail together, so Python starts once and the switch is announced once. */
  private switching: Promise<SdkSource> | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: AutoSourceOptions) {
    this.state = options.initialState ?? 'undecided';
    this.logger = options.logger ?? silentLogger;
  }

  /** The back end that answers now. */
  get inUse(): Backend {
    return this.state === 'python-sdk' ? 'python-sdk' : 'http';
  }

  get decision(): AutoState {
    return this.state;
  }

  get description(): string {
    return this.state === 'python-sdk' ? this.sdkSource().description : this.options.http.description;
  }

  /** The Python back end, once the session switched to it. */
  get pythonSource(): SdkSource | undefined {
    return this.state === 'python-sdk' ? this.sdk : undefined;
  }

  async query(query: AuditLogQuery, options: { signal?: AbortSignal } = {}): Promise<AuditLogPage> {
    if (this.state === 'python-sdk') return this.sdkSource().query(query, options);
    try {
      const page = await this.options.http.query(query, options);
      this.state = 'http';
      return page;
    } catch (error) {
      const sdk = await this.fallBack(error, options.signal);
      return sdk.query(query, options);
    }
  }

  async getRecord(id: string, options: { signal?: AbortSignal } = {}): Promise<AuditLogRecord> {
    if (this.state === 'python-sdk') return this.sdkSource().getRecord(id, options);
    try {
      const record = await this.options.http.getRecord(id, options);
      this.state = 'http';
      return record;
    } catch (error) {
      const sdk = await this.fallBack(error, options.signal);
      return sdk.getRecord(id, options);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.options.http.close(), this.sdk?.close()]);
  }

  /** Returns the SDK to ask instead, or rethrows `error` when HTTP's answer stands. */
  private async fallBack(error: unknown, signal: AbortSignal | undefined): Promise<SdkSource> {
    let decision = autoDecision(this.state, error, this.options.createSdk !== undefined);
    if (decision === 'probe-list') {
      // A 404 for one record: is it the record or the whole path? A small list query tells.
      try {
        await this.options.http.query({ limit: 1 }, { signal });
        this.state = 'http';
      } catch (probeError) {
        if (autoDecision(this.state, probeError, true) === 'try-sdk') decision = 'try-sdk';
      }
    }
    if (this.state === 'python-sdk') return this.sdkSource();
    if (decision !== 'try-sdk') {
      if (this.options.createSdk === undefined && error instanceof NotFoundError && error.endpointMissing) {
        throw new NotFoundError(l10n.t('{0} (The Python SDK fallback is off in Restricted Mode: trust this workspace, or choose "python-sdk" in your user settings.)', error.message), {
          endpointMissing: true,
          status: error.status,
        });
      }
      throw error;
    }
    this.switching ??= this.switchToSdk(error as FusedApiError, signal).finally(() => {
      this.switching = undefined;
    });
    return this.switching;
  }

  private async switchToSdk(cause: FusedApiError, signal: AbortSignal | undefined): Promise<SdkSource> {
    const sdk = this.sdkSource();
    let info: WorkerInfo;
    try {
      info = await sdk.probe({ signal });
    } catch (probeError) {
      if (probeError instanceof FusedApiError && probeError.kind === 'cancelled') throw probeError;
      const why = userMessage(probeError);
      this.logger.warn(`The audit-log path is unknown here and the fused Python SDK is not usable either: ${why}`);
      throw new SetupError(
        probeError instanceof SetupError ? probeError.problem : 'worker-failed',
        l10n.t('{0} The fused Python SDK, which "auto" tries next, is not usable either: {1}', cause.message, why),
        { cause: probeError },
      );
    }
    if (this.state !== 'python-sdk') {
      this.state = 'python-sdk';
      this.logger.info(`The audit-log path answered ${cause instanceof NotFoundError ? (cause.status ?? 404) : 'an error'}; using the fused Python SDK (${info.executable}) for this session.`);
      this.options.onSwitch?.({ cause, info });
    }
    return sdk;
  }

  private sdkSource(): SdkSource {
    if (!this.sdk) {
      if (!this.options.createSdk) throw new SetupError('restricted-mode', l10n.t('The Python SDK back end is off in Restricted Mode.'));
      this.sdk = this.options.createSdk();
    }
    return this.sdk;
  }
}
