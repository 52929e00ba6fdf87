// The audit-log client: validated queries sent with the host's global `fetch`, typed errors,
// bounded retries, and a schema check of every page. No `vscode` import.
//
// Why fetch and not a bundled undici: in VS Code's extension host, `fetch` carries the user's
// proxy (`http.proxy`, PAC scripts, proxy authentication, `http.noProxy`) and the operating
// system's certificates; an undici Pool of our own would bypass all of it and fail behind
// corporate proxies and TLS-inspecting firewalls. Node implements `fetch` with undici too, so
// plain Node (the contract tests) exercises the same transport.

import * as l10n from '@vscode/l10n';
import { type Logger, silentLogger } from '../util/logger';
import { CancelledError, FusedApiError, InvalidResponseError, NetworkError, NotFoundError, NotSignedInError, TimeoutError, userMessage } from './errors';
import { interpretStatus } from './httpStatus';
import { validatePage } from './schema';
import type { AuditLogPage, AuditLogQuery, AuditLogRecord, Credentials } from './types';
import { toSearchParams, validateQuery } from './validate';

export type { Credentials } from './types';
export { parseRetryAfter } from './httpStatus';

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
  /** Wait for the response headers (connecting included), and the longest pause inside the body. Default 30000. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Never receives the token. */
  logger?: Logger;
  /**
   * Refuse responses larger than this, counted on the decoded body (after gzip), so that a small
   * compressed answer cannot expand past it. Default 256 MiB (pages of 300 records with large fields).
   */
  maxResponseBytes?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/** One answer, as the client times it (for "Check Connection"). */
export interface TimedPage {
  page: AuditLogPage;
  status: number;
  elapsedMs: number;
  bytes: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 };
/** Connection drops that a repeated idempotent GET can get past (e.g. a stale keep-alive socket). */
const RETRYABLE_NETWORK_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED']);

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
  headers: Headers;
  text: string;
  /** Bytes of the decoded body. */
  bytes: number;
  /** Content-Length, when it describes the bytes we count (no Content-Encoding). */
  declaredLength?: number;
}

/** A failed attempt that may be retried; `error` is what the caller sees if it is the last. */
interface AttemptFailure {
  error: FusedApiError;
  retryable: boolean;
  retryAfterMs?: number;
}

type AttemptOutcome = { page: AuditLogPage; status: number; bytes: number } | AttemptFailure;

/** Where a body read stood when it failed: for a truncation message. */
interface BodyProgress {
  /** The headers arrived, so a failure now is in the body. */
  started: boolean;
  bytesRead: number;
  declaredLength?: number;
  /** Content-Length as sent, compressed or not. */
  wireLength?: number;
  encoded: boolean;
}

export class AuditLogClient {
  private readonly base: URL;
  private readonly endpointPath: string;
  private readonly timeoutMs: number;
  private readonly retry: Required<RetryOptions>;
  private readonly logger: Logger;
  private readonly maxResponseBytes: number;
  /** Aborted by close(): requests still on their way stop at once. */
  private readonly lifetime = new AbortController();

  constructor(private readonly options: AuditLogClientOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new FusedApiError('validation', l10n.t('The Fused base URL "{0}" is not a URL. Check "fusedRuns.api.baseUrl".', options.baseUrl));
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      throw new FusedApiError('validation', l10n.t('The Fused base URL must start with https:// (or http:// for a local server); got "{0}".', options.baseUrl));
    }
    if (base.username || base.password) {
      throw new FusedApiError('validation', l10n.t('The Fused base URL must not contain a user name or password; use "Fused: Set API Token" instead.'));
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
    return (await this.timedQuery(query, options)).page;
  }

  /** `query`, also saying how long it took in all and what the last answer's status and size were. */
  async timedQuery(query: AuditLogQuery, options: RequestOptions = {}): Promise<TimedPage> {
    const normalized = validateQuery(query);
    const { signal } = options;
    const started = Date.now();
    let lastFailure: AttemptFailure | undefined;
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      throwIfAborted(signal);
      const outcome = await this.attempt(normalized, signal);
      if ('page' in outcome) return { page: outcome.page, status: outcome.status, bytes: outcome.bytes, elapsedMs: Date.now() - started };
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
        throw new InvalidResponseError(l10n.t('Fused answered a request for record {0} with a different record ({1}).', id, page.items[0].id), 'items[0].id');
      }
      throw new NotFoundError(l10n.t('No audit-log record with id {0}. It may have been deleted, or belong to another user or execution environment.', id));
    }
    return record;
  }

  /** Stops requests still on their way; later queries are refused. */
  async close(): Promise<void> {
    if (!this.lifetime.signal.aborted) this.lifetime.abort(closedError());
  }

  private async attempt(query: AuditLogQuery, signal: AbortSignal | undefined): Promise<AttemptOutcome> {
    if (this.lifetime.signal.aborted) return { error: closedError(), retryable: false };
    let credentials: Credentials | undefined;
    try {
      credentials = await this.options.getCredentials();
    } catch (error) {
      if (error instanceof FusedApiError) throw error;
      throw new NotSignedInError(l10n.t('Could not read the Fused credentials: {0}', userMessage(error)), { cause: error });
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
      const mapped = this.mapTransportError(error);
      this.logger.debug(`GET ${loggedUrl} failed after ${Date.now() - started} ms: ${mapped.error.message}`);
      return mapped;
    }
    this.logger.debug(`GET ${loggedUrl} -> ${response.status} in ${Date.now() - started} ms (${response.bytes} bytes)`);
    if (response.status >= 200 && response.status < 300) {
      try {
        return { page: this.parsePage(response), status: response.status, bytes: response.bytes };
      } catch (error) {
        if (!(error instanceof InvalidResponseError)) throw error;
        // A body cut short is usually a dropped connection: worth another try. A wrong body is not.
        return { error, retryable: error.truncated };
      }
    }
    return interpretStatus({
      status: response.status,
      origin: this.base.origin,
      endpointPath: this.endpointPath,
      recordId: query.id,
      credentialsSource: credentials.source,
      location: response.headers.get('location') ?? undefined,
      retryAfter: response.headers.get('retry-after') ?? undefined,
      bodyText: response.text,
    });
  }

  /**
   * One GET through the global fetch. A single AbortController carries every reason to stop:
   * the caller's cancel, close(), the wait for headers and the idle time inside the body; its
   * reason is the typed error to report.
   */
  private async send(url: URL, credentials: Credentials, signal: AbortSignal | undefined): Promise<RawResponse> {
    const controller = new AbortController();
    const stop = (reason: FusedApiError) => {
      if (!controller.signal.aborted) controller.abort(reason);
    };
    const onCancel = () => stop(new CancelledError());
    const onClose = () => stop(closedError());
    signal?.addEventListener('abort', onCancel, { once: true });
    this.lifetime.signal.addEventListener('abort', onClose, { once: true });
    let timer = setTimeout(() => stop(new TimeoutError('headers', this.timeoutMs)), this.timeoutMs);
    const progress: BodyProgress = { started: false, bytesRead: 0, encoded: false };
    try {
      const response = await fetch(url, {
        method: 'GET',
        headers: {
          authorization: `${credentials.scheme || 'Bearer'} ${credentials.token}`,
          accept: 'application/json',
        },
        // Never follow: a redirect could carry the Authorization header to another origin.
        redirect: 'manual',
        signal: controller.signal,
      });
      clearTimeout(timer);
      const encoded = (response.headers.get('content-encoding') ?? 'identity').trim().toLowerCase() !== 'identity';
      const length = Number(response.headers.get('content-length'));
      progress.started = true;
      progress.encoded = encoded;
      progress.wireLength = Number.isFinite(length) && response.headers.has('content-length') ? length : undefined;
      // Content-Length counts the bytes on the wire; after gzip we count decoded bytes, so it only
      // describes our count when the body is not encoded.
      progress.declaredLength = !encoded && Number.isFinite(length) && response.headers.has('content-length') ? length : undefined;
      if (progress.declaredLength !== undefined && progress.declaredLength > this.maxResponseBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw this.tooLarge();
      }
      const chunks: Uint8Array[] = [];
      if (response.body) {
        const reader = response.body.getReader();
        const armIdle = () => {
          clearTimeout(timer);
          timer = setTimeout(() => stop(new TimeoutError('body', this.timeoutMs)), this.timeoutMs);
        };
        armIdle();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          armIdle();
          progress.bytesRead += value.byteLength;
          if (progress.bytesRead > this.maxResponseBytes) {
            await reader.cancel().catch(() => undefined);
            throw this.tooLarge();
          }
          chunks.push(value);
        }
      }
      return {
        status: response.status,
        headers: response.headers,
        text: Buffer.concat(chunks).toString('utf8'),
        bytes: progress.bytesRead,
        declaredLength: progress.declaredLength,
      };
    } catch (error) {
      // An abort rejects with the reason we gave; anything else carries where the body stood.
      if (controller.signal.aborted && controller.signal.reason instanceof FusedApiError) throw controller.signal.reason;
      if (error !== null && typeof error === 'object' && !(error instanceof FusedApiError)) Object.assign(error, { bodyProgress: progress });
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCancel);
      this.lifetime.signal.removeEventListener('abort', onClose);
    }
  }

  private tooLarge(): InvalidResponseError {
    return new InvalidResponseError(
      l10n.t('Fused sent a response larger than {0} MiB; ask for fewer records per page (a smaller limit).', Math.round(this.maxResponseBytes / 1024 / 1024)),
    );
  }

  private mapTransportError(error: unknown): AttemptFailure {
    if (error instanceof FusedApiError) {
      return { error, retryable: false };
    }
    // fetch wraps the socket's error: TypeError("fetch failed" | "terminated") with a cause.
    const cause = innermostCause(error);
    const code = (cause as { code?: string })?.code ?? (error as { code?: string })?.code ?? '';
    const detail = cause instanceof Error ? cause.message : userMessage(error);
    const progress = (error as { bodyProgress?: BodyProgress }).bodyProgress;
    const host = this.base.host;
    if ((error as { name?: string })?.name === 'AbortError') return { error: new CancelledError(), retryable: false };
    switch (code) {
      case 'UND_ERR_CONNECT_TIMEOUT':
      case 'ETIMEDOUT':
        return { error: new TimeoutError('connect', this.timeoutMs, { cause: error }), retryable: false };
      case 'ECONNREFUSED':
        return {
          error: new NetworkError(l10n.t('Could not connect to {0}: connection refused. Is the server running, and is "fusedRuns.api.baseUrl" right?', host), { cause: error }),
          retryable: false,
        };
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return {
          error: new NetworkError(
            l10n.t('Could not find the host {0} (DNS lookup failed). Check your network, your proxy settings ("http.proxy") and "fusedRuns.api.baseUrl".', host),
            { cause: error },
          ),
          retryable: false,
        };
      case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
        return {
          error: new InvalidResponseError(l10n.t('Fused sent a truncated response ({0} bytes, fewer than its Content-Length said). Try again.', progress?.bytesRead ?? 0), undefined, {
            cause: error,
            truncated: true,
          }),
          retryable: true,
        };
    }
    if (/certificate|self[- ]signed|CERT_|UNABLE_TO_VERIFY|DEPTH_ZERO/i.test(`${code} ${detail}`)) {
      return {
        error: new NetworkError(
          l10n.t(
            'Could not verify the TLS certificate of {0} ({1}). Behind a TLS-inspecting proxy, install its certificate in the operating system (VS Code uses the system\'s certificates), or check "fusedRuns.api.baseUrl".',
            host,
            detail,
          ),
          { cause: error },
        ),
        retryable: false,
      };
    }
    const inBody = progress?.started === true;
    if (RETRYABLE_NETWORK_CODES.has(code) || (inBody && /terminated|other side closed|premature close/i.test(`${detail} ${(error as Error)?.message}`))) {
      return { error: new NetworkError(inBody ? truncatedMessage(host, progress, detail) : l10n.t('The connection to {0} was reset ({1}). Check your network and try again.', host, detail), { cause: error }), retryable: true };
    }
    if (progress?.encoded && /incorrect header|unexpected end of file|invalid (stored )?block|zlib|decompress/i.test(detail)) {
      return {
        error: new InvalidResponseError(l10n.t('Fused sent a compressed response that could not be decompressed ({0}); it was probably cut short. Try again.', detail), undefined, {
          cause: error,
          truncated: true,
        }),
        retryable: true,
      };
    }
    return { error: new NetworkError(code ? l10n.t('Could not reach {0}: {1} ({2}).', host, detail, code) : l10n.t('Could not reach {0}: {1}.', host, detail), { cause: error }), retryable: false };
  }

  private parsePage(response: RawResponse): AuditLogPage {
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.text);
    } catch (error) {
      const declared = response.declaredLength;
      const shortOfLength = declared !== undefined && declared > response.bytes;
      // V8 words an early end in several ways; any error at the very end of the text is one.
      const reason = (error as Error).message;
      const position = /at position (\d+)/.exec(reason);
      const endedEarly =
        /end of (JSON|data) input|Unterminated|Unexpected end/i.test(reason) ||
        (position !== null && Number(position[1]) >= response.text.trimEnd().length - 1);
      const truncated = shortOfLength || endedEarly;
      throw new InvalidResponseError(
        truncated
          ? shortOfLength
            ? l10n.t('Fused sent an incomplete response: the JSON ends early after {0} bytes of {1} (the response was truncated). Try again.', response.bytes, declared as number)
            : l10n.t('Fused sent an incomplete response: the JSON ends early after {0} bytes (the response was truncated). Try again.', response.bytes)
          : l10n.t('Fused sent a response that is not valid JSON ({0}).', (error as Error).message),
        undefined,
        { cause: error, truncated },
      );
    }
    return validatePage(parsed);
  }
}

/** A body that stopped early. Compressed bodies are counted decoded, so they cannot be compared with Content-Length. */
function truncatedMessage(host: string, progress: BodyProgress, detail: string): string {
  const { bytesRead, declaredLength, wireLength, encoded } = progress;
  if (!encoded && declaredLength !== undefined) {
    return l10n.t('The connection to {0} closed after {1} of {2} bytes of the response, so the response was truncated ({3}). Try again.', host, bytesRead, declaredLength, detail);
  }
  const read = encoded ? l10n.t('{0} bytes decoded', bytesRead) : l10n.t('{0} bytes', bytesRead);
  const announced = wireLength === undefined ? '' : encoded ? l10n.t('; it announced {0} compressed bytes', wireLength) : l10n.t('; it announced {0} bytes', wireLength);
  return l10n.t('The connection to {0} closed before the whole response arrived ({1}), so the response was truncated ({2}). Try again.', host, read + announced, detail);
}

function closedError(): NetworkError {
  return new NetworkError(l10n.t('The Fused connection was closed (the settings changed); run the command again.'));
}

/** The deepest `cause` of an error chain (fetch nests the socket's error one or two levels down). */
function innermostCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const next = (current as { cause?: unknown })?.cause;
    if (next === undefined || next === null || next === current) break;
    current = next;
  }
  return current;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/** The URL as logged: shared tokens are credentials of a kind, so their values are hidden. */
export function redactUrl(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.searchParams.has('shared_token')) copy.searchParams.set('shared_token', '***');
  return copy.toString();
}
