// Which back end answers, and why. Pure (no `vscode`).
import * as l10n from '@vscode/l10n';
import { FusedApiError, NotFoundError } from '../api/errors';

/** `fusedRuns.api.backend`. */
export type BackendSetting = 'auto' | 'http' | 'python-sdk';
export type Backend = 'http' | 'python-sdk';

export function parseBackendSetting(value: unknown): BackendSetting {
  return value === 'http' || value === 'python-sdk' ? value : 'auto';
}

/**
 * The audit-log path itself is unknown on this deployment (a 404 for a list query, or 405): the
 * one failure after which `auto` tries the Python SDK. A 404 for one record id is ambiguous
 * (the record may just be gone), so `auto` probes with a list query first (see AutoSource).
 */
export function isEndpointMissing(error: unknown): boolean {
  return error instanceof NotFoundError && error.endpointMissing;
}

export function isAmbiguousNotFound(error: unknown): boolean {
  return error instanceof NotFoundError && !error.endpointMissing && error.status === 404;
}

export type AutoState = 'undecided' | 'http' | 'python-sdk';

/** What `auto` does after an HTTP failure. */
export function autoDecision(state: AutoState, error: unknown, sdkAllowed: boolean): 'try-sdk' | 'probe-list' | 'rethrow' {
  if (state !== 'undecided' || !(error instanceof FusedApiError)) return 'rethrow';
  if (isEndpointMissing(error)) return sdkAllowed ? 'try-sdk' : 'rethrow';
  if (isAmbiguousNotFound(error)) return sdkAllowed ? 'probe-list' : 'rethrow';
  return 'rethrow';
}

/** A sentence for Check Connection and the log: the back end in use and why. */
export function describeBackendChoice(input: { setting: BackendSetting; settingSource: string; inUse: Backend; switchedThisSession: boolean }): string {
  const configured = l10n.t('"fusedRuns.api.backend" is "{0}" ({1})', input.setting, input.settingSource);
  if (input.setting === 'python-sdk') return l10n.t('Python SDK: {0}.', configured);
  if (input.setting === 'http') return l10n.t('HTTP: {0}.', configured);
  if (input.switchedThisSession) {
    return l10n.t('Python SDK: {0}, and the audit-log path answered 404/405 on this deployment, so this session uses the fused SDK.', configured);
  }
  return l10n.t('HTTP: {0}: HTTP first, the fused Python SDK if the audit-log path is unknown here.', configured);
}
