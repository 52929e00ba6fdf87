// Asks the user's own `fused` Python SDK: `fused.api.log(**query)`. Fused does not publish the
// REST path of that call, so this back end is the one that follows the SDK wherever it goes.
// One long-lived Python worker answers queries in turn (importing `fused` takes seconds, so a
// process per query would make every tree expansion slow). Replies travel on file descriptor 3
// so that anything the SDK prints on stdout cannot corrupt them.
import { spawn, type ChildProcess } from 'node:child_process';
import { type Logger, silentLogger } from '../util/logger';
import { CancelledError, FusedApiError, InvalidResponseError, NotFoundError } from './errors';
import { validatePage } from './schema';
import type { AuditLogSource } from './source';
import type { AuditLogPage, AuditLogQuery, AuditLogRecord } from './types';
import { validateQuery } from './validate';

export interface PythonSdkSourceOptions {
  /** The Python interpreter that has the `fused` package, e.g. `python3` or a venv's python. */
  pythonPath: string;
  timeoutMs?: number;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
}

/** The worker: reads one JSON query per line on stdin, writes one JSON reply per line on fd 3. */
export const WORKER_SCRIPT = String.raw`
import datetime, json, os, sys
out = os.fdopen(3, "w", encoding="utf-8")
def reply(message):
    out.write(json.dumps(message, default=encode) + "\n")
    out.flush()
def encode(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if hasattr(value, "to_dict"):
        try:
            return value.to_dict(orient="records")
        except TypeError:
            return value.to_dict()
    return str(value)
try:
    import fused
    version = getattr(fused, "__version__", "unknown")
except Exception as error:
    reply({"ready": False, "error": type(error).__name__, "message": str(error)})
    sys.exit(0)
reply({"ready": True, "version": version})
for line in sys.stdin:
    request = json.loads(line)
    try:
        result = fused.api.log(**request["query"])
        reply({"id": request["id"], "ok": result})
    except Exception as error:
        status = getattr(getattr(error, "response", None), "status_code", None)
        reply({"id": request["id"], "error": type(error).__name__, "message": str(error), "status": status})
`;

interface WorkerReply {
  id?: number;
  ready?: boolean;
  version?: string;
  ok?: unknown;
  error?: string;
  message?: string;
  status?: number | null;
}

interface Pending {
  resolve(reply: WorkerReply): void;
  reject(error: Error): void;
}

export class PythonSdkSource implements AuditLogSource {
  private worker: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Queries run one at a time: the SDK call is synchronous in the worker. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly logger: Logger;
  private readonly timeoutMs: number;

  constructor(private readonly options: PythonSdkSourceOptions) {
    this.logger = options.logger ?? silentLogger;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  get description(): string {
    return `the fused Python SDK (${this.options.pythonPath})`;
  }

  async query(query: AuditLogQuery, options: { signal?: AbortSignal } = {}): Promise<AuditLogPage> {
    const normalized = validateQuery(query);
    const run = this.queue.then(() => this.send(normalized, options.signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async getRecord(id: string, options: { signal?: AbortSignal } = {}): Promise<AuditLogRecord> {
    const page = await this.query({ id }, options);
    const record = page.items.find((item) => item.id === id);
    if (!record) throw new NotFoundError(`No audit-log record with id ${id}. It may have been deleted, or belong to another user or execution environment.`);
    return record;
  }

  async close(): Promise<void> {
    this.stopWorker(new CancelledError('The Fused SDK worker was closed.'));
  }

  private async send(query: AuditLogQuery, signal: AbortSignal | undefined): Promise<AuditLogPage> {
    if (signal?.aborted) throw new CancelledError();
    await this.start();
    const worker = this.worker;
    if (!worker?.stdin) throw new FusedApiError('network', 'The Fused SDK worker is not running.');
    const id = this.nextId++;
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        // The SDK call cannot be interrupted from outside, so the worker goes and a new one starts next time.
        this.stopWorker(new FusedApiError('timeout', `The fused SDK did not answer within ${Math.round(this.timeoutMs / 1000)} s. Raise "fusedRuns.api.timeoutSeconds" if your queries are slow.`));
      }, this.timeoutMs);
      const onAbort = () => this.stopWorker(new CancelledError());
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.pending.set(id, {
        resolve: (value) => (settle(), resolve(value)),
        reject: (error) => (settle(), reject(error)),
      });
      worker.stdin!.write(`${JSON.stringify({ id, query })}\n`);
    });
    if (reply.error !== undefined) throw sdkError(reply);
    return validatePage(reply.ok);
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    this.ready = new Promise<void>((resolve, reject) => {
      let worker: ChildProcess;
      try {
        worker = spawn(this.options.pythonPath, ['-u', '-c', WORKER_SCRIPT], {
          stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
          env: this.options.env ?? process.env,
          windowsHide: true,
        });
      } catch (error) {
        this.ready = undefined;
        reject(new FusedApiError('network', `Could not start Python (${this.options.pythonPath}): ${(error as Error).message}. Check "fusedRuns.python.interpreter".`));
        return;
      }
      this.worker = worker;
      let buffered = '';
      let stderrTail = '';
      let started = false;
      const replies = worker.stdio[3] as NodeJS.ReadableStream;
      replies.setEncoding('utf8');
      replies.on('data', (chunk: string) => {
        buffered += chunk;
        for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          let message: WorkerReply;
          try {
            message = JSON.parse(line) as WorkerReply;
          } catch (error) {
            if (this.worker === worker) this.stopWorker(new InvalidResponseError(`The fused SDK worker sent a reply that is not JSON (${(error as Error).message}).`));
            return;
          }
          if (!started) {
            started = true;
            if (message.ready) {
              this.logger.info(`Using the fused Python SDK ${message.version ?? ''} through ${this.options.pythonPath}.`);
              resolve();
            } else {
              reject(
                new FusedApiError(
                  'not-signed-in',
                  `The fused Python package could not be imported with ${this.options.pythonPath} (${message.error}: ${message.message}). Install it there (pip install fused) or set "fusedRuns.python.interpreter" to a Python that has it.`,
                ),
              );
            }
            continue;
          }
          const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
          if (waiting && message.id !== undefined) {
            this.pending.delete(message.id);
            waiting.resolve(message);
          }
        }
      });
      worker.stderr?.setEncoding('utf8');
      worker.stderr?.on('data', (chunk: string) => {
        stderrTail = (stderrTail + chunk).slice(-2000);
      });
      worker.stdout?.resume(); // The SDK's own prints are not replies; drain them.
      worker.on('error', (error) => {
        const message = (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? `Python was not found at "${this.options.pythonPath}". Set "fusedRuns.python.interpreter".`
          : `The fused SDK worker failed: ${error.message}`;
        const failure = new FusedApiError('network', message);
        if (!started) reject(failure);
        // A worker already replaced (after a cancel or time-out) must not stop its successor.
        if (this.worker === worker) this.stopWorker(failure);
      });
      worker.on('exit', (code, signalName) => {
        const failure = new FusedApiError(
          'network',
          `The fused SDK worker stopped (${signalName ?? `exit code ${code}`}).${stderrTail.trim() ? ` Its last output: ${stderrTail.trim().split('\n').slice(-3).join(' ')}` : ''}`,
        );
        if (!started) reject(failure);
        if (this.worker === worker) this.stopWorker(failure);
      });
    });
    return this.ready;
  }

  private stopWorker(reason: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    for (const [, waiting] of this.pending) waiting.reject(reason);
    this.pending.clear();
    if (worker && worker.exitCode === null && !worker.killed) worker.kill();
  }
}

/** The SDK raises requests' HTTPError (with a response) or its own errors; keep the status when there is one. */
function sdkError(reply: WorkerReply): FusedApiError {
  const detail = `${reply.error}: ${reply.message ?? ''}`.trim();
  switch (reply.status) {
    case 401:
    case 403:
      return new FusedApiError('authentication', `The fused SDK was refused (${reply.status}): ${detail}. Sign in again with the SDK (fused.api.login()).`);
    case 404:
      return new NotFoundError(`Not found (404) through the fused SDK: ${detail}`);
    case 422:
      return new FusedApiError('rejected', `Fused rejected the query (422): ${detail}`);
    case 429:
      return new FusedApiError('rate-limited', `Fused is rate limiting requests (429): ${detail}. Try again in a moment.`);
    default:
      if (reply.status && reply.status >= 500) return new FusedApiError('server', `Fused had a server error (${reply.status}): ${detail}`);
      return new FusedApiError(reply.error === 'ValueError' || reply.error === 'TypeError' ? 'rejected' : 'server', `The fused SDK raised ${detail}`);
  }
}
