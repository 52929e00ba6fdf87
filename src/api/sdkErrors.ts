// What an exception raised inside the user's `fused` SDK means for us. Pure: the worker sends the
// exception's class name, the names of its base classes, its message and an HTTP status if the
// exception carried a response (requests.HTTPError does).
import * as l10n from '@vscode/l10n';
import {
  AuthenticationError,
  FusedApiError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  RequestRejectedError,
  ServerError,
  TimeoutError,
} from './errors';

export interface SdkFailure {
  /** e.g. "HTTPError", "ConnectionError", "ValueError". */
  error: string;
  message?: string;
  /** HTTP status of the response the exception carried, if any. */
  status?: number | null;
  /** Names of the exception's classes, most specific first (Python's __mro__). */
  bases?: string[];
}

const TIMEOUT_CLASSES = new Set(['Timeout', 'TimeoutError', 'ReadTimeout', 'ConnectTimeout', 'timeout']);
/** requests, urllib3 and urllib all end in OSError for connection problems. */
const NETWORK_CLASSES = new Set(['ConnectionError', 'ConnectionRefusedError', 'ConnectionResetError', 'URLError', 'NewConnectionError', 'MaxRetryError', 'ProxyError', 'SSLError', 'OSError']);
const BAD_ARGUMENT_CLASSES = new Set(['ValueError', 'TypeError']);

/** Maps an SDK exception to the typed error the rest of the extension understands. */
export function sdkError(failure: SdkFailure, timeoutMs: number): FusedApiError {
  const detail = `${failure.error}: ${failure.message ?? ''}`.trim().replace(/:$/, '');
  const classes = new Set([failure.error, ...(failure.bases ?? [])]);
  const status = typeof failure.status === 'number' ? failure.status : undefined;
  if (status !== undefined) {
    if (status === 401 || status === 403) {
      return new AuthenticationError(status, l10n.t('The fused SDK was refused ({0}): {1}. Sign in again with the SDK (fused.api.login() in Python).', status, detail));
    }
    if (status === 404) return new NotFoundError(l10n.t('Not found (404) through the fused SDK: {0}', detail), { status });
    if (status === 400 || status === 422) return new RequestRejectedError(l10n.t('{0} (through the fused SDK)', detail), status);
    if (status === 429) return new RateLimitedError(undefined);
    if (status >= 500) return new ServerError(status, l10n.t('{0} (through the fused SDK)', detail));
  }
  if ([...classes].some((name) => TIMEOUT_CLASSES.has(name))) {
    return new TimeoutError(classes.has('ConnectTimeout') ? 'connect' : 'headers', timeoutMs, { cause: detail });
  }
  if ([...classes].some((name) => NETWORK_CLASSES.has(name))) {
    return new NetworkError(l10n.t('The fused SDK could not reach Fused ({0}). Check your network and proxy settings.', detail));
  }
  if (BAD_ARGUMENT_CLASSES.has(failure.error)) return new FusedApiError('rejected', l10n.t('The fused SDK refused the query: {0}', detail));
  return new FusedApiError('server', l10n.t("The fused SDK raised {0}. See the Fused Runs log; if it persists, check the SDK's version and sign-in.", detail));
}
