// What an HTTP status from the audit-log endpoint means, as one table from status to error.
// Pure: the client hands in what it knows about the request and the response.
import * as l10n from '@vscode/l10n';
import {
  AuthenticationError,
  type FusedApiError,
  InvalidResponseError,
  NotFoundError,
  RateLimitedError,
  RequestRejectedError,
  ServerError,
  describeErrorBody,
} from './errors';
import type { Credentials } from './types';

/** What the interpretation of one response may use. */
export interface StatusContext {
  status: number;
  /** The configured origin, e.g. https://www.fused.io: where the token may go. */
  origin: string;
  /** The path that was asked, e.g. /server/v1/audit-log. */
  endpointPath: string;
  /** Set when the query asked for one record (a 404 then means that record is missing). */
  recordId?: string;
  credentialsSource: Credentials['source'];
  /** First value of these response headers, if sent. */
  location?: string;
  retryAfter?: string;
  bodyText: string;
  /** For Retry-After dates; default Date.now(). */
  now?: number;
}

/** A failed attempt: the error the caller sees if it is the last, and whether to try again. */
export interface StatusFailure {
  error: FusedApiError;
  retryable: boolean;
  retryAfterMs?: number;
}

type Rule = (context: StatusContext) => StatusFailure;

/** Parses Retry-After (delta seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function signInHint(source: Credentials['source']): string {
  switch (source) {
    case 'environment':
      return l10n.t('Update the FUSED_AUTH_TOKEN environment variable, or run "Fused: Set API Token".');
    case 'fused-sdk':
      return l10n.t('Refresh your Fused SDK credentials (run fused.api.login() in Python), or run "Fused: Set API Token".');
    default:
      return l10n.t('Run "Fused: Set API Token" with a current token, or refresh your Fused SDK credentials.');
  }
}

const pathAdvice = (): string =>
  l10n.t('Check "fusedRuns.api.baseUrl" and "fusedRuns.api.auditLogPath", or use the Python SDK back end ("fusedRuns.api.backend": "python-sdk").');

const rejected: Rule = ({ status, bodyText }) => ({ error: new RequestRejectedError(describeErrorBody(bodyText), status), retryable: false });

const authentication: Rule = ({ status, credentialsSource }) => ({
  error: new AuthenticationError(
    status,
    status === 401
      ? l10n.t('Fused rejected the API token (401). {0}', signInHint(credentialsSource))
      : l10n.t('Fused refused access with this API token (403): it is not allowed to read these audit logs. {0}', signInHint(credentialsSource)),
  ),
  retryable: false,
});

/** 502/503 usually pass (a gateway or an overloaded server); 500, 504 and the rest are reported at once. */
function serverError(retryable: boolean, honoursRetryAfter: boolean): Rule {
  return ({ status, bodyText, retryAfter, now }) => ({
    error: new ServerError(status, bodyText.trim() ? describeErrorBody(bodyText) : undefined),
    retryable,
    retryAfterMs: honoursRetryAfter ? parseRetryAfter(retryAfter, now) : undefined,
  });
}

const redirect: Rule = ({ status, location, origin }) => {
  // Redirects are never followed, so the token cannot leak to another origin; say where it pointed.
  let where = l10n.t(' (without a Location)');
  if (location) {
    try {
      const target = new URL(location, origin);
      where = target.origin === origin ? l10n.t(' to {0}', target.pathname) : l10n.t(' to another site ({0})', target.origin);
    } catch {
      where = l10n.t(' to an address that is not a URL');
    }
  }
  return {
    error: new InvalidResponseError(
      l10n.t('Fused answered with a redirect ({0}){1}. Redirects are not followed so the API token only goes to {2}; check "fusedRuns.api.baseUrl" and "fusedRuns.api.auditLogPath".', status, where, origin),
    ),
    retryable: false,
  };
};

const unexpected: Rule = ({ status, bodyText }) => ({
  error: new InvalidResponseError(l10n.t('Fused answered with an unexpected status {0}: {1}', status, describeErrorBody(bodyText))),
  retryable: false,
});

/** Status -> rule. Anything not listed falls back to its class (3xx, 5xx) or "unexpected". */
export const STATUS_TABLE: Readonly<Record<number, Rule>> = {
  400: rejected,
  401: authentication,
  403: authentication,
  404: ({ recordId, endpointPath }) =>
    recordId !== undefined
      ? { error: new NotFoundError(l10n.t('No audit-log record with id {0}. It may have been deleted, or belong to another user or execution environment.', recordId), { status: 404 }), retryable: false }
      : {
          error: new NotFoundError(l10n.t('Fused answered 404 for {0}: the audit-log endpoint was not found. {1}', endpointPath, pathAdvice()), { endpointMissing: true, status: 404 }),
          retryable: false,
        },
  405: ({ endpointPath }) => ({
    error: new NotFoundError(l10n.t('Fused answered 405 (method not allowed) for {0}: this path does not serve the audit log here. {1}', endpointPath, pathAdvice()), {
      endpointMissing: true,
      status: 405,
    }),
    retryable: false,
  }),
  422: rejected,
  429: ({ retryAfter, now }) => {
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    return { error: new RateLimitedError(retryAfterMs), retryable: true, retryAfterMs };
  },
  500: serverError(false, false),
  502: serverError(true, false),
  503: serverError(true, true),
};

/** The failure a non-2xx status stands for. */
export function interpretStatus(context: StatusContext): StatusFailure {
  const { status } = context;
  const rule = STATUS_TABLE[status] ?? (status >= 300 && status < 400 ? redirect : status >= 500 && status < 600 ? serverError(false, false) : unexpected);
  return rule(context);
}
