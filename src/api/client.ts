// The audit-log client: validated queries, one pooled undici connection pool for the configured
// origin, typed errors, bounded retries, and a schema check of every page. No `vscode` import.

import type { Pool } from 'undici';
import { type Logger, silentLogger } from '../util/logger';
import {
  AuthenticationError,
  CancelledError,
  FusedApiError,
  InvalidResponseError,
  NetworkError,
  NotFoundError,
  NotSignedInError,
  RateLimitedError,
  RequestRejectedError,
  ServerError,
  TimeoutError,
  describeErrorBody,
} from './errors';
import { validatePage } from './schema';
import type { AuditLogPage, AuditLogQuery, AuditLogRecord, Credentials } from './types';
import { toSearchParams, validateQuery } from './validate';

export type { Credentials } from './types';

/**
 * undici takes tens of milliseconds to load, more than the whole activation budget, so it is
 * loaded on the first request instead of when the extension starts.
 */
let undiciModule: typeof import('undici') | undefined;
function undici(): typeof import('undici') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deferred load, see above
  undiciModule ??= require('undici') as typeof import('undici');
  return undiciModule;
}

export interface RetryOptions {
  /** Attempts in total, including the first. Default 4. */
  maxAttempts?: number;
  /** First backoff delay; doubles each retry. Default 500 ms. */
  baseDelayMs?: number;
  /** No single wait is longer; a Retry-After beyond it fails at once instead. Default 10 s. */
  maxDelayMs?: number;
}

export interface AuditLogClientOptions {
  /** e.g. https://www.fused.io/server/v1 or http://127.0.0.1:PORT/v1 */
  baseUrl: string;
  /** e.g. /audit-log */
  auditLogPath: string;
  /** Called per request; undefined -> NotSignedInError. */
  getCredentials(): Promise<Credentials | undefined>;
  /** Connect, headers and body-idle timeout. Default 30000. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Never receives the token. */
  logger?: Logger;
  /** Refuse responses larger than this. Default 256 MiB (pages of 300 records with large fields). */
  maxResponseBytes?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 };
const RETRYABLE_STATUSES = new Set([429, 502, 503]);
/** Connection drops that a repeated idempotent GET can get past (e.g. a stale keep-alive socket). */
const RETRYABLE_NETWORK_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

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

/** Exponential backoff with "equal jitter": half fixed, half random, never above the cap. */
export function backoffDelay(attempt: number, retry: Required<RetryOptions>, random: () => number = Math.random): number {
  const exponential = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/** Waits, but wakes up with CancelledError as soon as the signal aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  bytes: number;
}

/** A failed attempt that may be retried; `error` is what the caller sees if it is the last. */
interface AttemptFailure {
  error: FusedApiError;
  retryable: boolean;
  retryAfterMs?: number;
}

export class AuditLogClient {
  private readonly base: URL;
  private readonly endpointPath: string;
  private readonly pool: Pool;
  private readonly timeoutMs: number;
  private readonly retry: Required<RetryOptions>;
  private readonly logger: Logger;
  private readonly maxResponseBytes: number;
  private closed = false;

  constructor(private readonly options: AuditLogClientOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new FusedApiError('validation', `The Fused base URL "${options.baseUrl}" is not a URL. Check "fusedRuns.api.baseUrl".`);
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      throw new FusedApiError('validation', `The Fused base URL must start with https:// (or http:// for a local server); got "${options.baseUrl}".`);
    }
    if (base.username || base.password) {
      throw new FusedApiError('validation', 'The Fused base URL must not contain a user name or password; use "Fused: Set API Token" instead.');
    }
    this.base = base;
    const basePath = base.pathname.replace(/\/+$/, '');
    const auditPath = options.auditLogPath.startsWith('/') ? options.auditLogPath : `/${options.auditLogPath}`;
    this.endpointPath = `${basePath}${auditPath}`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...stripUndefined(options.retry ?? {}) };
    this.retry.maxAttempts = Math.max(1, Math.floor(this.retry.maxAttempts));
    this.logger = options.logger ?? silentLogger;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    // One pool per client, and a client serves exactly one origin: the only place the token goes.
    this.pool = new (undici().Pool)(base.origin, {
      connections: 6,
      connect: { timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  /** The origin the token is sent to. */
  get origin(): string {
    return this.base.origin;
  }

  /** Where the data comes from, for the log: the endpoint, never the token. */
  get description(): string {
    return `${this.base.origin}${this.endpointPath}`;
  }

  /** Validates the query, sends it, retries what is worth retrying, and checks the page. */
  async query(query: AuditLogQuery, options: RequestOptions = {}): Promise<AuditLogPage> {
    const normalized = validateQuery(query);
    const { signal } = options;
    let lastFailure: AttemptFailure | undefined;
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      throwIfAborted(signal);
      const outcome = await this.attempt(normalized, signal);
      if ('page' in outcome) return outcome.page;
      lastFailure = outcome;
      if (!outcome.retryable || attempt === this.retry.maxAttempts) break;
      let delay = backoffDelay(attempt, this.retry);
      if (outcome.retryAfterMs !== undefined) {
        // Honour the server's wish, but do not hang a UI for longer than the cap: fail instead.
        if (outcome.retryAfterMs > this.retry.maxDelayMs) break;
        delay = Math.max(delay, outcome.retryAfterMs);
      }
      this.logger.debug(`Retrying in ${delay} ms (attempt ${attempt + 1} of ${this.retry.maxAttempts}) after: ${outcome.error.message}`);
      await sleep(delay, signal);
    }
    throw lastFailure!.error;
  }

  /** One record by id (query mode 3). */
  async getRecord(id: string, options: RequestOptions = {}): Promise<AuditLogRecord> {
    const page = await this.query({ id }, options);
    const record = page.items.find((item) => item.id === id);
    if (!record) {
      if (page.items.length > 0) {
        throw new InvalidResponseError(`Fused answered a request for record ${id} with a different record (${page.items[0].id}).`, 'items[0].id');
      }
      throw new NotFoundError(`No audit-log record with id ${id}. It may have been deleted, or belong to another user or execution environment.`);
    }
    return record;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
  }

  private async attempt(query: AuditLogQuery, signal: AbortSignal | undefined): Promise<{ page: AuditLogPage } | AttemptFailure> {
    if (this.closed) {
      return { error: new NetworkError('The Fused connection was closed (the settings changed); run the command again.'), retryable: false };
    }
    let credentials: Credentials | undefined;
    try {
      credentials = await this.options.getCredentials();
    } catch (error) {
      if (error instanceof FusedApiError) throw error;
      throw new NotSignedInError(`Could not read the Fused credentials: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    throwIfAborted(signal);
    if (!credentials || !credentials.token) throw new NotSignedInError();

    const params = toSearchParams(query);
    const search = params.toString();
    const url = new URL(`${this.endpointPath}${search ? `?${search}` : ''}`, this.base.origin);
    const loggedUrl = redactUrl(url);
    const started = Date.now();
    let response: RawResponse;
    try {
      response = await this.send(url, credentials, signal);
    } catch (error) {
      const mapped = this.mapTransportError(error, signal);
      this.logger.debug(`GET ${loggedUrl} failed after ${Date.now() - started} ms: ${mapped.error.message}`);
      return mapped;
    }
    this.logger.debug(`GET ${loggedUrl} -> ${response.status} in ${Date.now() - started} ms (${response.bytes} bytes)`);
    return this.interpret(response, query, credentials);
  }

  private async send(url: URL, credentials: Credentials, signal: AbortSignal | undefined): Promise<RawResponse> {
    const response = await undici().request(url, {
      dispatcher: this.pool,
      method: 'GET',
      headers: {
        authorization: `${credentials.scheme || 'Bearer'} ${credentials.token}`,
        accept: 'application/json',
      },
      signal,
    });
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      for await (const chunk of response.body) {
        const buffer = chunk as Buffer;
        bytes += buffer.length;
        if (bytes > this.maxResponseBytes) {
          response.body.destroy();
          throw new InvalidResponseError(
            `Fused sent a response larger than ${Math.round(this.maxResponseBytes / 1024 / 1024)} MiB; ask for fewer records per page (a smaller limit).`,
          );
        }
        chunks.push(buffer);
      }
    } catch (error) {
      if (error !== null && typeof error === 'object') {
        Object.assign(error, { bytesRead: bytes, declaredLength: Number(firstHeader(response.headers['content-length'])) || undefined });
      }
      throw error;
    }
    return { status: response.statusCode, headers: response.headers, text: Buffer.concat(chunks).toString('utf8'), bytes };
  }

  private mapTransportError(error: unknown, signal: AbortSignal | undefined): AttemptFailure {
    if (error instanceof FusedApiError) return { error, retryable: false };
    if (signal?.aborted) return { error: new CancelledError(), retryable: false };
    const code = (error as { code?: string })?.code ?? '';
    const name = (error as { name?: string })?.name ?? '';
    const detail = error instanceof Error ? error.message : String(error);
    const bytesRead = (error as { bytesRead?: number }).bytesRead ?? 0;
    const host = this.base.host;
    switch (code) {
      case 'UND_ERR_CONNECT_TIMEOUT':
        return { error: new TimeoutError('connect', this.timeoutMs, { cause: error }), retryable: false };
      case 'UND_ERR_HEADERS_TIMEOUT':
        return { error: new TimeoutError('headers', this.timeoutMs, { cause: error }), retryable: false };
      case 'UND_ERR_BODY_TIMEOUT':
        return { error: new TimeoutError('body', this.timeoutMs, { cause: error }), retryable: false };
      case 'UND_ERR_ABORTED':
        return { error: new CancelledError(), retryable: false };
      case 'ECONNREFUSED':
        return {
          error: new NetworkError(`Could not connect to ${host}: connection refused. Is the server running, and is "fusedRuns.api.baseUrl" right?`, { cause: error }),
          retryable: false,
        };
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return {
          error: new NetworkError(`Could not find the host ${host} (DNS lookup failed). Check your network and "fusedRuns.api.baseUrl".`, { cause: error }),
          retryable: false,
        };
      case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
        return {
          error: new InvalidResponseError(`Fused sent a truncated response (${bytesRead} bytes, fewer than its Content-Length said). Try again.`, undefined, {
            cause: error,
            truncated: true,
          }),
          retryable: true,
        };
    }
    if (name === 'AbortError') return { error: new CancelledError(), retryable: false };
    if (RETRYABLE_NETWORK_CODES.has(code)) {
      const declared = (error as { declaredLength?: number }).declaredLength;
      const message =
        bytesRead > 0
          ? `The connection to ${host} closed after ${bytesRead}${declared ? ` of ${declared}` : ''} bytes of the response, so the response was truncated (${detail}). Try again.`
          : `The connection to ${host} was reset (${detail}). Check your network and try again.`;
      return { error: new NetworkError(message, { cause: error }), retryable: true };
    }
    return { error: new NetworkError(`Could not reach ${host}: ${detail}${code ? ` (${code})` : ''}.`, { cause: error }), retryable: false };
  }

  private interpret(response: RawResponse, query: AuditLogQuery, credentials: Credentials): { page: AuditLogPage } | AttemptFailure {
    const { status } = response;
    if (status >= 200 && status < 300) {
      try {
        return { page: this.parsePage(response) };
      } catch (error) {
        if (!(error instanceof InvalidResponseError)) throw error;
        // A body cut short is usually a dropped connection: worth another try. A wrong body is not.
        return { error, retryable: error.truncated };
      }
    }
    if (status >= 300 && status < 400) {
      // Redirects are never followed, so the token cannot leak to another origin.
      const location = firstHeader(response.headers.location);
      let where = '';
      if (location) {
        try {
          const target = new URL(location, this.base);
          where = target.origin === this.base.origin ? ` to ${target.pathname}` : ` to another site (${target.origin})`;
        } catch {
          where = '';
        }
      }
      return {
        error: new InvalidResponseError(
          `Fused answered with a redirect (${status})${where}. Redirects are not followed so the API token only goes to ${this.base.origin}; check "fusedRuns.api.baseUrl" and "fusedRuns.api.auditLogPath".`,
        ),
        retryable: false,
      };
    }
    if (status === 401 || status === 403) {
      const sourceHint =
        credentials.source === 'environment'
          ? 'Update the FUSED_AUTH_TOKEN environment variable, or run "Fused: Set API Token".'
          : credentials.source === 'fused-sdk'
            ? 'Refresh your Fused SDK credentials (run fused.api.login() in Python), or run "Fused: Set API Token".'
            : 'Run "Fused: Set API Token" with a current token, or refresh your Fused SDK credentials.';
      return {
        error: new AuthenticationError(
          status,
          status === 401
            ? `Fused rejected the API token (401). ${sourceHint}`
            : `Fused refused access with this API token (403): it is not allowed to read these audit logs. ${sourceHint}`,
        ),
        retryable: false,
      };
    }
    if (status === 404) {
      const message =
        query.id !== undefined
          ? `No audit-log record with id ${query.id}. It may have been deleted, or belong to another user or execution environment.`
          : `Fused answered 404 for ${this.endpointPath}: the audit-log endpoint was not found. Check "fusedRuns.api.baseUrl" and "fusedRuns.api.auditLogPath".`;
      return { error: new NotFoundError(message), retryable: false };
    }
    if (status === 400 || status === 422) {
      return { error: new RequestRejectedError(describeErrorBody(response.text), status), retryable: false };
    }
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      return { error: new RateLimitedError(retryAfterMs), retryable: true, retryAfterMs };
    }
    if (status >= 500) {
      // 502/503 are the gateway/overload answers that usually pass; a 500 is a server bug that
      // a repeat would only hit again, so it is reported at once.
      const retryAfterMs = status === 503 ? parseRetryAfter(response.headers['retry-after']) : undefined;
      const detail = response.text.trim() ? describeErrorBody(response.text) : undefined;
      return { error: new ServerError(status, detail), retryable: RETRYABLE_STATUSES.has(status), retryAfterMs };
    }
    return {
      error: new InvalidResponseError(`Fused answered with an unexpected status ${status}: ${describeErrorBody(response.text)}`),
      retryable: false,
    };
  }

  private parsePage(response: RawResponse): AuditLogPage {
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.text);
    } catch (error) {
      const declared = Number(firstHeader(response.headers['content-length']));
      const shortOfLength = Number.isFinite(declared) && declared > response.bytes;
      // V8 words an early end in several ways; any error at the very end of the text is one.
      const reason = (error as Error).message;
      const position = /at position (\d+)/.exec(reason);
      const endedEarly =
        /end of (JSON|data) input|Unterminated|Unexpected end/i.test(reason) ||
        (position !== null && Number(position[1]) >= response.text.trimEnd().length - 1);
      const truncated = shortOfLength || endedEarly;
      throw new InvalidResponseError(
        truncated
          ? `Fused sent an incomplete response: the JSON ends early after ${response.bytes} bytes${shortOfLength ? ` of ${declared}` : ''} (the response was truncated). Try again.`
          : `Fused sent a response that is not valid JSON (${(error as Error).message}).`,
        undefined,
        { cause: error, truncated },
      );
    }
    return validatePage(parsed);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The URL as logged: shared tokens are credentials of a kind, so their values are hidden. */
export function redactUrl(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.searchParams.has('shared_token')) copy.searchParams.set('shared_token', '***');
  return copy.toString();
}
