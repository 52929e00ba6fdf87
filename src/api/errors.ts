// Typed errors of the audit-log client. Every message is written for the person using the
// extension: it says what went wrong and what to do about it, and never contains the token.

import * as l10n from '@vscode/l10n';
import type { AuditLogRecord } from './types';

export type FusedApiErrorKind =
  | 'validation'
  | 'not-signed-in'
  | 'setup'
  | 'authentication'
  | 'not-found'
  | 'rejected'
  | 'rate-limited'
  | 'server'
  | 'timeout'
  | 'network'
  | 'invalid-response'
  | 'cancelled';

/** What a multi-page read had already collected when it failed (see collectRecords). */
export interface PartialResult {
  records: AuditLogRecord[];
  /** Where to resume; re-reading from it may repeat records (dedupe by id) but never skips one. */
  nextPageToken: string | null;
}

export class FusedApiError extends Error {
  readonly kind: FusedApiErrorKind;
  /** Set by collectRecords when paging failed after some records were read. */
  partial?: PartialResult;

  constructor(kind: FusedApiErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.name = new.target.name;
  }
}

/** The query was refused before anything was sent; `field` names the offending option. */
export class QueryValidationError extends FusedApiError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('validation', message);
  }
}

export class NotSignedInError extends FusedApiError {
  constructor(
    message = l10n.t('No Fused API token is set. Run "Fused: Set API Token", set FUSED_AUTH_TOKEN, or sign in with the Fused Python SDK (fused.api.login()).'),
    options?: { cause?: unknown },
  ) {
    super('not-signed-in', message, options);
  }
}

/** 401 or 403. */
export class AuthenticationError extends FusedApiError {
  constructor(
    readonly status: number,
    message?: string,
  ) {
    super(
      'authentication',
      message ??
        (status === 403
          ? l10n.t('Fused refused access with this API token (403). The token is valid but not allowed to read these audit logs; check the account, or use a token of a user in this execution environment.')
          : l10n.t('Fused rejected the API token ({0}). Run "Fused: Set API Token" or refresh your Fused SDK credentials.', status)),
    );
  }
}

export class NotFoundError extends FusedApiError {
  /**
   * The audit-log path itself is unknown (a 404 for a list query, or 405), as opposed to one
   * record that does not exist: the `auto` back end then tries the Python SDK.
   */
  readonly endpointMissing: boolean;
  readonly status: number | undefined;

  constructor(message: string, options?: { endpointMissing?: boolean; status?: number }) {
    super('not-found', message);
    this.endpointMissing = options?.endpointMissing ?? false;
    this.status = options?.status;
  }
}

/** What is wrong on this machine rather than with Fused: no Python, no `fused` package, an untrusted workspace. */
export type SetupProblem = 'python-not-found' | 'fused-not-importable' | 'worker-failed' | 'restricted-mode';

export class SetupError extends FusedApiError {
  constructor(
    readonly problem: SetupProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('setup', message, options);
  }
}

/** 422: the server refused the query; `detail` is the server's explanation on one line. */
export class RequestRejectedError extends FusedApiError {
  constructor(
    readonly detail: string,
    readonly status = 422,
  ) {
    super('rejected', l10n.t('Fused rejected the query ({0}): {1}', status, detail));
  }
}

/** 429 after the retries ran out (or when the server asked to wait longer than we are willing to). */
export class RateLimitedError extends FusedApiError {
  constructor(readonly retryAfterMs: number | undefined) {
    super(
      'rate-limited',
      retryAfterMs === undefined
        ? l10n.t('Fused is rate limiting requests (429). Wait a moment and try again.')
        : l10n.t('Fused is rate limiting requests (429). Try again in {0} s.', Math.max(1, Math.ceil(retryAfterMs / 1000))),
    );
  }
}

export class ServerError extends FusedApiError {
  constructor(
    readonly status: number,
    detail?: string,
  ) {
    super(
      'server',
      detail
        ? l10n.t("Fused had a server error ({0}): {1}. This is on Fused's side; try again later.", status, detail)
        : l10n.t("Fused had a server error ({0}). This is on Fused's side; try again later.", status),
    );
  }
}

export type TimeoutPhase = 'connect' | 'headers' | 'body';

export class TimeoutError extends FusedApiError {
  constructor(
    readonly phase: TimeoutPhase,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    const seconds = Math.round(timeoutMs / 100) / 10;
    // fetch does not say whether it was still connecting or waiting for the answer, so a
    // 'headers' timeout names both (and the proxy, which is often the reason behind a firewall).
    const message =
      phase === 'connect'
        ? l10n.t('Could not connect to Fused within {0} s. Check your network and proxy settings ("http.proxy"), or raise "fusedRuns.api.timeoutSeconds".', seconds)
        : phase === 'headers'
          ? l10n.t('Fused did not answer within {0} s (no connection, or no response yet). Check your network and proxy settings ("http.proxy"), or raise "fusedRuns.api.timeoutSeconds".', seconds)
          : l10n.t('Fused stopped sending its response within {0} s. Check your network, or raise "fusedRuns.api.timeoutSeconds".', seconds);
    super('timeout', message, options);
  }
}

/** The connection was refused, reset or closed early. */
export class NetworkError extends FusedApiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('network', message, options);
  }
}

/** The server answered something that is not a valid audit-log page. */
export class InvalidResponseError extends FusedApiError {
  /** The body ended early (worth a retry), as opposed to a body that is simply wrong. */
  readonly truncated: boolean;

  constructor(
    message: string,
    readonly path?: string,
    options?: { cause?: unknown; truncated?: boolean },
  ) {
    super('invalid-response', message, options);
    this.truncated = options?.truncated ?? false;
  }
}

export class CancelledError extends FusedApiError {
  constructor(message = l10n.t('The request was cancelled.')) {
    super('cancelled', message);
  }
}

export function isFusedApiError(value: unknown): value is FusedApiError {
  return value instanceof FusedApiError;
}

/**
 * The one cancellation check: our CancelledError, the AbortError fetch and AbortSignal throw,
 * or any typed error of kind 'cancelled'. A cancellation is never reported as a failure.
 */
export function isCancellation(error: unknown): boolean {
  if (error instanceof FusedApiError) return error.kind === 'cancelled';
  return error instanceof Error && error.name === 'AbortError';
}

/** True for errors worth a Retry button (not bad input, not a missing record, not a cancel). */
export function isRetryable(error: unknown): boolean {
  if (!isFusedApiError(error)) return true;
  return !['validation', 'not-found', 'cancelled', 'not-signed-in', 'authentication', 'rejected'].includes(error.kind);
}

/**
 * The one way to turn any error into the text a user reads: the client's typed errors are
 * written for users already; another Error says its message (or its name when it has none);
 * anything else thrown is shown as text. Never the stack, never a token (nothing here has one).
 */
export function userMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  return String(error);
}

const MAX_DETAIL_CHARS = 500;

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_DETAIL_CHARS ? `${oneLine.slice(0, MAX_DETAIL_CHARS - 1)}…` : oneLine;
}

/**
 * Turns an error body into one readable line. Understands FastAPI's shapes
 * `{"detail":[{"loc":["query","limit"],"msg":"...","type":"..."}]}` and `{"detail":"..."}`;
 * anything else is shown as text, clipped.
 */
export function describeErrorBody(bodyText: string): string {
  const trimmed = bodyText.trim();
  if (!trimmed) return l10n.t('no details given');
  if (/^<(!doctype|html|head|body)\b/i.test(trimmed)) {
    // Gateways answer with an HTML page; its title ("502 Bad Gateway") is the useful part.
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1] ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(trimmed)?.[1];
    return title ? clip(title) : l10n.t('an HTML error page');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return clip(trimmed);
  }
  if (parsed && typeof parsed === 'object' && 'detail' in parsed) {
    const detail = (parsed as { detail: unknown }).detail;
    if (typeof detail === 'string') return clip(detail);
    if (Array.isArray(detail)) {
      const parts = detail.map((entry: unknown) => {
        if (!entry || typeof entry !== 'object') return String(entry);
        const { loc, msg } = entry as { loc?: unknown; msg?: unknown };
        // FastAPI prefixes the location with where the value came from ("query", "body").
        const location = Array.isArray(loc)
          ? loc.filter((part, index) => !(index === 0 && ['query', 'body', 'path', 'header'].includes(String(part)))).join('.')
          : '';
        const message = typeof msg === 'string' ? msg : JSON.stringify(entry);
        return location ? `${location}: ${message}` : message;
      });
      return parts.length ? clip(parts.join('; ')) : l10n.t('no details given');
    }
    if (detail !== undefined) return clip(JSON.stringify(detail));
  }
  if (parsed && typeof parsed === 'object' && 'message' in parsed && typeof (parsed as { message: unknown }).message === 'string') {
    return clip((parsed as { message: string }).message);
  }
  return clip(trimmed);
}
