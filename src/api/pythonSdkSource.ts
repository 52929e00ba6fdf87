// Asks the user's own `fused` Python SDK: `fused.api.log(**query)`. Fused does not publish the
// REST path of that call, so this back end is the one that follows the SDK wherever it goes.
// One long-lived Python worker answers queries in turn (importing `fused` takes seconds, so a
// process per query would make every tree expansion slow). Replies travel on file descriptor 3
// so that anything the SDK prints on stdout cannot corrupt them.
//
// It cannot hang or leak: each query's timeout and cancellation are armed before the worker is
// started (an `import fused` that never returns fails within the timeout, and Cancel works);
// close() kills the worker, waits until it is gone, and refuses later queries; and the worker
// exits by itself when its parent (the extension host) goes away.
import * as l10n from '@vscode/l10n';
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import { type Logger, silentLogger } from '../util/logger';
import { CancelledError, FusedApiError, InvalidResponseError, NetworkError, NotFoundError, SetupError, TimeoutError } from './errors';
import { validatePage } from './schema';
import { sdkError } from './sdkErrors';
import type { AuditLogSource } from './source';
import type { AuditLogPage, AuditLogQuery, AuditLogRecord } from './types';
import { validateQuery } from './validate';

/** One way to run Python: `python3`, `/path/to/venv/bin/python`, or `py -3`. */
export interface PythonCommand {
  command: string;
  args: string[];
  /** Why this one: shown in Check Connection and in messages. */
  origin: 'setting' | 'python-extension' | 'path';
}

export function pythonCommand(commandLine: string, origin: PythonCommand['origin'] = 'setting'): PythonCommand {
  return { command: commandLine, args: [], origin };
}

export function describeCommand(python: Pick<PythonCommand, 'command' | 'args'>): string {
  return [python.command, ...python.args].join(' ');
}

export interface PythonSdkSourceOptions {
  /**
   * Interpreters to try in order; the first that can be started is used (one that is not found
   * is skipped). A function is called when a worker starts (the Python extension's choice is read
   * only when the Python back end is used, and again after it changes).
   */
  interpreters: PythonCommand[] | (() => Promise<PythonCommand[]>);
  /** Per query, worker start included. Default 60 s. */
  timeoutMs?: number;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
  /** Working directory of the worker; default the system's temp folder, never a workspace (see WORKER_SCRIPT). */
  cwd?: string;
}

/** What the worker said about itself once `import fused` returned (for Check Connection). */
export interface WorkerInfo {
  command: PythonCommand;
  executable: string;
  pythonVersion: string;
  fusedVersion: string;
  importMs: number;
  pid: number;
}

/**
 * The worker: reads one JSON query per line on stdin, writes one JSON reply per line on fd 3.
 * - `sys.path` loses the current directory first, so a `fused.py` in whatever folder the
 *   process happens to run in is never imported (the worker also runs in the temp folder).
 * - A watchdog thread exits when the parent process changes (the extension host died), even
 *   while `import fused` hangs; when stdin closes the loop ends too.
 * - Replies are plain JSON: NaN and infinities become null, Decimal and NumPy numbers floats or
 *   ints, DataFrames lists of records, dates ISO strings (json.dumps would write NaN, which is
 *   not JSON, and refuse the rest).
 */
export const WORKER_SCRIPT = String.raw`
import json, math, os, sys, threading, time
sys.path[:] = [p for p in sys.path if p not in ("", ".", os.getcwd())]
out = os.fdopen(3, "w", encoding="utf-8")
def reply(message):
    out.write(json.dumps(clean(message), allow_nan=False) + "\n")
    out.flush()
def clean(value, depth=0):
    if depth > 64:
        return None
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): clean(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v, depth + 1) for v in value]
    module = type(value).__module__ or ""
    if type(value).__name__ == "Decimal":
        return clean(float(value), depth + 1) if value.is_finite() else None
    if hasattr(value, "isoformat") and not module.startswith("numpy"):
        try:
            if value != value:
                return None
            return value.isoformat()
        except Exception:
            return str(value)
    if hasattr(value, "to_dict"):
        try:
            return clean(value.to_dict(orient="records"), depth + 1)
        except TypeError:
            return clean(value.to_dict(), depth + 1)
    if hasattr(value, "tolist"):
        return clean(value.tolist(), depth + 1)
    if hasattr(value, "item"):
        return clean(value.item(), depth + 1)
    return str(value)
def watch_parent(parent):
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(0)
threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
started = time.perf_counter()
try:
    import fused
    version = getattr(fused, "__version__", "unknown")
except BaseException as error:
    reply({"ready": False, "error": type(error).__name__, "message": str(error)})
    sys.exit(0)
reply({"ready": True, "version": str(version), "executable": sys.executable, "python": sys.version.split()[0],
       "import_ms": round((time.perf_counter() - started) * 1000)})
for line in sys.stdin:
    request = json.loads(line)
    try:
        result = fused.api.log(**request["query"])
        reply({"id": request["id"], "ok": result})
    except Exception as error:
        status = getattr(getattr(error, "response", None), "status_code", None)
        reply({"id": request["id"], "error": type(error).__name__, "message": str(error),
               "status": status if isinstance(status, int) else None,
               "bases": [c.__name__ for c in type(error).__mro__]})
`;

interface WorkerReply {
  id?: number;
  ready?: boolean;
  version?: string;
  executable?: string;
  python?: string;
  import_ms?: number;
  ok?: unknown;
  error?: string;
  message?: string;
  status?: number | null;
  bases?: string[];
}

interface Pending {
  resolve(reply: WorkerReply): void;
  reject(error: Error): void;
}

interface Worker {
  process: ChildProcess;
  command: PythonCommand;
  exited: Promise<void>;
  /** Rejects the start while it is still importing (a stop says why, not just "it exited"). */
  failStart?: (reason: Error) => void;
}

const KILL_GRACE_MS = 2_000;

export class PythonSdkSource implements AuditLogSource {
  private worker: Worker | undefined;
  private ready: Promise<WorkerInfo> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Queries run one at a time: the SDK call is synchronous in the worker. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private closed = false;
  /** Every worker process ever started and not yet exited: close() waits for all of them. */
  private readonly alive = new Set<Worker>();
  private lastInfo: WorkerInfo | undefined;
  /** The interpreters the last start tried (for messages). */
  private tried: PythonCommand[];

  constructor(private readonly options: PythonSdkSourceOptions) {
    this.logger = options.logger ?? silentLogger;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.tried = Array.isArray(options.interpreters) ? options.interpreters : [];
  }

  get description(): string {
    const python = this.lastInfo ? this.lastInfo.executable : this.tried.map(describeCommand).join(l10n.t(', then ')) || 'Python';
    return l10n.t('the fused Python SDK ({0})', python);
  }

  /** The running worker's facts, once it has started. */
  get info(): WorkerInfo | undefined {
    return this.lastInfo;
  }

  /** Process ids of workers not yet exited (tests check that none is left after close()). */
  get workerPids(): number[] {
    return [...this.alive].map((worker) => worker.process.pid).filter((pid): pid is number => pid !== undefined);
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
    if (!record) throw new NotFoundError(l10n.t('No audit-log record with id {0}. It may have been deleted, or belong to another user or execution environment.', id));
    return record;
  }

  /**
   * Starts the worker (if needed) and says which Python and `fused` answered: whether the SDK is
   * usable at all, without a query. Bounded by the same timeout and signal as a query.
   */
  async probe(options: { signal?: AbortSignal } = {}): Promise<WorkerInfo> {
    return this.bounded(options.signal, 'import', () => this.start());
  }

  /** Kills the worker, waits until every worker process has exited, and refuses later queries. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopWorker(closedError());
    await Promise.all([...this.alive].map((worker) => worker.exited));
  }

  private async send(query: AuditLogQuery, signal: AbortSignal | undefined): Promise<AuditLogPage> {
    const reply = await this.bounded(signal, 'query', async (settled) => {
      await this.start();
      const worker = this.worker;
      if (settled() || !worker?.process.stdin) throw new NetworkError(l10n.t('The fused SDK worker is not running.'));
      const id = this.nextId++;
      return new Promise<WorkerReply>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        worker.process.stdin!.write(`${JSON.stringify({ id, query })}\n`);
      });
    });
    if (reply.error !== undefined) throw sdkError({ error: reply.error, message: reply.message, status: reply.status, bases: reply.bases }, this.timeoutMs);
    return validatePage(reply.ok);
  }

  /**
   * Runs `work` under the timeout and the signal, both armed before it starts. When either fires,
   * the worker is stopped (an SDK call cannot be interrupted from outside; a new worker starts on
   * the next query) and the promise rejects at once.
   */
  private bounded<T>(signal: AbortSignal | undefined, what: 'import' | 'query', work: (settled: () => boolean) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    if (signal?.aborted) return Promise.reject(new CancelledError());
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = (outcome: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const fail = (error: FusedApiError) => {
        finish(() => reject(error));
        this.stopWorker(error);
      };
      const timer = setTimeout(() => fail(this.timeoutError(what)), this.timeoutMs);
      const onAbort = () => fail(new CancelledError());
      signal?.addEventListener('abort', onAbort, { once: true });
      work(() => done).then(
        (value) => finish(() => resolve(value)),
        (error: unknown) => finish(() => reject(error)),
      );
    });
  }

  private timeoutError(what: 'import' | 'query'): FusedApiError {
    const seconds = Math.round(this.timeoutMs / 1000);
    const starting = this.worker !== undefined && this.lastInfo === undefined;
    if (what === 'import' || starting) {
      return new SetupError(
        'worker-failed',
        l10n.t(
          'Python did not finish `import fused` within {0} s ({1}). Check that this environment\'s fused package works (run python -c "import fused"), or select another interpreter.',
          seconds,
          this.tried.map(describeCommand).join(l10n.t(', then ')),
        ),
      );
    }
    return new TimeoutError('headers', this.timeoutMs, { cause: l10n.t('the fused SDK did not answer within {0} s', seconds) });
  }

  private start(): Promise<WorkerInfo> {
    if (this.closed) return Promise.reject(closedError());
    if (!this.ready) {
      const starting = this.resolveInterpreters().then((interpreters) => this.startFrom(interpreters, 0, []));
      this.ready = starting;
      // A start that failed is not remembered: the next query tries again (e.g. after pip install).
      starting.catch(() => {
        if (this.ready === starting) this.ready = undefined;
      });
    }
    return this.ready;
  }

  private async resolveInterpreters(): Promise<PythonCommand[]> {
    const interpreters = typeof this.options.interpreters === 'function' ? await this.options.interpreters() : this.options.interpreters;
    if (this.closed) throw closedError();
    if (interpreters.length === 0) throw new SetupError('python-not-found', l10n.t('No Python interpreter to try. Select an interpreter, or set "fusedRuns.python.interpreter".'));
    this.tried = interpreters;
    return interpreters;
  }

  /** Starts the interpreter at `index`; one that is not found hands over to the next. */
  private startFrom(interpreters: PythonCommand[], index: number, missing: string[]): Promise<WorkerInfo> {
    const command = interpreters[index];
    if (!command) {
      return Promise.reject(
        new SetupError(
          'python-not-found',
          l10n.t('Python was not found (tried {0}). Select an interpreter with the fused package, or set "fusedRuns.python.interpreter".', missing.map((name) => `"${name}"`).join(', ')),
        ),
      );
    }
    return new Promise<WorkerInfo>((resolve, reject) => {
      if (this.closed) {
        reject(closedError());
        return;
      }
      let worker: Worker;
      try {
        worker = this.spawnWorker(command, reject);
      } catch (error) {
        reject(error);
        return;
      }
      const label = describeCommand(command);
      const stderr = captureTail(worker.process.stderr, 2000);
      const start: WorkerStart = { started: false, resolve, reject };
      readLines(worker.process.stdio[3] as NodeJS.ReadableStream, (line) => this.onWorkerLine(worker, start, line));
      worker.process.stdout?.resume(); // The SDK's own prints are not replies; drain them.
      // Nobody may be listening when a killed worker's pipes break.
      worker.process.stdin?.on('error', () => undefined);
      worker.process.on('error', (error) => {
        const notFound = (error as NodeJS.ErrnoException).code === 'ENOENT';
        if (!start.started && notFound && this.worker === worker) {
          this.worker = undefined;
          this.logger.info(`Python "${label}" was not found; trying the next interpreter.`);
          this.startFrom(interpreters, index + 1, [...missing, label]).then(resolve, reject);
          return;
        }
        const failure = notFound
          ? new SetupError('python-not-found', l10n.t('Python was not found at "{0}". Select an interpreter with the fused package, or set "fusedRuns.python.interpreter".', label))
          : new SetupError('worker-failed', l10n.t('The fused SDK worker ({0}) failed: {1}', label, error.message));
        this.failWorker(worker, start, failure);
      });
      worker.process.on('exit', (code, signalName) => {
        const tail = stderr().trim();
        const last = tail ? ` ${l10n.t('Its last output: {0}', tail.split('\n').slice(-3).join(' '))}` : '';
        const how = signalName ?? l10n.t('exit code {0}', String(code));
        const failure = start.started
          ? new NetworkError(l10n.t('The fused SDK worker stopped ({0}).', how) + last)
          : new SetupError('worker-failed', l10n.t('Python ({0}) stopped before importing fused ({1}).', label, how) + last);
        this.failWorker(worker, start, failure);
      });
    });
  }

  /** Spawns the worker script in `command` and makes it the current worker; throws a SetupError when it cannot start. */
  private spawnWorker(command: PythonCommand, failStart: (reason: Error) => void): Worker {
    let child: ChildProcess;
    try {
      child = spawn(command.command, [...command.args, '-u', '-c', WORKER_SCRIPT], {
        stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
        env: this.options.env ?? process.env,
        cwd: this.options.cwd ?? os.tmpdir(),
        windowsHide: true,
      });
    } catch (error) {
      throw new SetupError(
        'python-not-found',
        l10n.t('Could not start Python ({0}): {1}. Check "fusedRuns.python.interpreter".', describeCommand(command), (error as Error).message),
        { cause: error },
      );
    }
    const worker: Worker = { process: child, command, exited: new Promise((done) => child.once('close', () => done())), failStart };
    this.alive.add(worker);
    void worker.exited.then(() => this.alive.delete(worker));
    this.worker = worker;
    return worker;
  }

  /** One line from the worker's reply pipe: the first says whether `import fused` worked, the rest answer queries. Returns false to stop reading. */
  private onWorkerLine(worker: Worker, start: WorkerStart, line: string): boolean {
    let message: WorkerReply;
    try {
      message = JSON.parse(line) as WorkerReply;
    } catch (error) {
      if (this.worker === worker) this.stopWorker(new InvalidResponseError(l10n.t('The fused SDK worker sent a reply that is not JSON ({0}).', (error as Error).message)));
      return false;
    }
    if (!start.started) {
      start.started = true;
      const label = describeCommand(worker.command);
      if (!message.ready) {
        start.reject(
          new SetupError(
            'fused-not-importable',
            l10n.t('The fused Python package could not be imported with {0} ({1}: {2}). Install it there (pip install fused), or select an interpreter that has it.', label, String(message.error), String(message.message)),
          ),
        );
        return true;
      }
      const info: WorkerInfo = {
        command: worker.command,
        executable: message.executable ?? label,
        pythonVersion: message.python ?? 'unknown',
        fusedVersion: message.version ?? 'unknown',
        importMs: message.import_ms ?? 0,
        pid: worker.process.pid ?? 0,
      };
      this.lastInfo = info;
      worker.failStart = undefined;
      this.logger.info(`Using the fused Python SDK ${info.fusedVersion} in ${info.executable} (Python ${info.pythonVersion}; import took ${info.importMs} ms).`);
      start.resolve(info);
      return true;
    }
    const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
    if (waiting && message.id !== undefined) {
      this.pending.delete(message.id);
      waiting.resolve(message);
    }
    return true;
  }

  /** The worker failed or stopped: a start in progress says why; a worker already replaced (after a cancel or time-out) must not stop its successor. */
  private failWorker(worker: Worker, start: WorkerStart, failure: Error): void {
    if (!start.started) start.reject(failure);
    if (this.worker === worker) this.stopWorker(failure);
  }

  /** Rejects what waits on the current worker and kills it (SIGKILL if it ignores SIGTERM). */
  private stopWorker(reason: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    this.lastInfo = undefined;
    for (const [, waiting] of this.pending) waiting.reject(reason);
    this.pending.clear();
    if (!worker) return;
    worker.failStart?.(reason);
    const child = worker.process;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const escalate = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, KILL_GRACE_MS);
    escalate.unref?.();
    void worker.exited.then(() => clearTimeout(escalate));
  }
}

/** A worker's start in progress: settled by its first reply, or by its failure before it. */
interface WorkerStart {
  started: boolean;
  resolve: (info: WorkerInfo) => void;
  reject: (reason: Error) => void;
}

/** Calls `onLine` with each complete line of `stream` (UTF-8); stops when it returns false. */
function readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => boolean): void {
  let buffered = '';
  let reading = true;
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    if (!reading) return;
    buffered += chunk;
    for (let newline = buffered.indexOf('\n'); newline >= 0 && reading; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      reading = onLine(line);
    }
  });
}

/** Keeps the last `max` characters a stream wrote; the returned function reads them. */
function captureTail(stream: NodeJS.ReadableStream | null | undefined, max: number): () => string {
  let tail = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-max);
  });
  return () => tail;
}

function closedError(): NetworkError {
  return new NetworkError(l10n.t('The fused SDK back end was closed (the settings or the Python environment changed); run the command again.'));
}
