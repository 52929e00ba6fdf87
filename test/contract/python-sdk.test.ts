// The Python back end against the real local server, through a real Python process running
// the stand-in `fused` package (test/python-sdk-standin; the real SDK is not installable offline).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FusedApiError, NotFoundError, QueryValidationError, SetupError } from '../../src/api/errors';
import { PythonSdkSource, pythonCommand, type PythonSdkSourceOptions } from '../../src/api/pythonSdkSource';
import { startFusedServer } from '../server/server';

type Server = Awaited<ReturnType<typeof startFusedServer>>;

const STANDIN = path.resolve(__dirname, '../../../test/python-sdk-standin');
const PYTHON = process.env.FUSED_RUNS_TEST_PYTHON ?? 'python3';

/** True while a process with this id exists. */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

describe('PythonSdkSource (fused.api.log through a Python worker)', () => {
  let server: Server;
  let source: PythonSdkSource;

  const env = (extra: Record<string, string> = {}) => ({
    ...process.env,
    PYTHONPATH: STANDIN,
    FUSED_STANDIN_URL: `${server.baseUrl}${server.auditLogPath}`,
    FUSED_AUTH_TOKEN: server.token,
    ...extra,
  });

  before(async () => {
    server = await startFusedServer({ port: 0, records: 400, seed: 7 });
    source = new PythonSdkSource({ interpreters: [pythonCommand(PYTHON)], env: env(), timeoutMs: 20_000 });
  });

  after(async () => {
    await source?.close();
    await server?.close();
  });

  it('returns the same page the server serves, with the SDK keyword names passed through', async () => {
    const page = await source.query({ limit: 7, scan_forward: false, exec_env: true });
    assert.equal(page.items.length, 7);
    assert.equal(page.limit, 7);
    assert.equal(typeof page.next_page_token, 'string');
    const newest = [...page.items].map((r) => r.timestamp);
    assert.deepEqual(newest, [...newest].sort().reverse(), 'newest first');
    const next = await source.query({ limit: 7, scan_forward: false, exec_env: true, page_token: page.next_page_token! });
    const ids = new Set([...page.items, ...next.items].map((r) => r.id));
    assert.equal(ids.size, 14, 'the second page continues without repeating the first');
  });

  it('answers a distinct query and one record by id', async () => {
    const distinct = await source.query({ distinct: true, distinct_type: 'names', exec_env: true });
    assert.equal(distinct.next_page_token, null);
    const names = distinct.items.map((r) => r.udf_name);
    assert.equal(new Set(names).size, names.length, 'one record per name');
    const record = await source.getRecord(distinct.items[0].id);
    assert.equal(record.id, distinct.items[0].id);
  });

  it('validates before starting Python, and maps SDK HTTP errors to typed errors', async () => {
    await assert.rejects(source.query({ limit: 301 }), QueryValidationError);
    await assert.rejects(source.getRecord('00000000-0000-4000-8000-000000000000'), NotFoundError);
    await assert.rejects(
      source.query({ limit: 5, page_token: 'forged-token' }),
      (error: unknown) => error instanceof FusedApiError && error.kind === 'rejected' && /422/.test(error.message),
    );
  });

  it('maps a refused token to an authentication error', async () => {
    const refused = new PythonSdkSource({ interpreters: [pythonCommand(PYTHON)], env: env({ FUSED_AUTH_TOKEN: 'wrong-token' }) });
    try {
      await assert.rejects(refused.query({ limit: 1 }), (error: unknown) => error instanceof FusedApiError && error.kind === 'authentication');
    } finally {
      await refused.close();
    }
  });

  it('says clearly when the fused package is missing or Python is not found', async () => {
    const missing = new PythonSdkSource({ interpreters: [pythonCommand(PYTHON)], env: { ...process.env, PYTHONPATH: '' } });
    await assert.rejects(missing.query({ limit: 1 }), (error: unknown) => {
      assert.ok(error instanceof SetupError, String(error));
      assert.equal(error.problem, 'fused-not-importable');
      assert.match(error.message, /fused Python package could not be imported.*pip install fused/);
      return true;
    });
    await missing.close();
    const noPython = new PythonSdkSource({ interpreters: [pythonCommand('/nonexistent/python3')] });
    await assert.rejects(noPython.query({ limit: 1 }), (error: unknown) => {
      assert.ok(error instanceof SetupError, String(error));
      assert.equal(error.problem, 'python-not-found');
      assert.match(error.message, /Python was not found \(tried "\/nonexistent\/python3"\)/);
      return true;
    });
    await noPython.close();
  });

  it('survives a worker crash: the query fails with a message, the next one starts a new worker', async () => {
    const crashing = new PythonSdkSource({ interpreters: [pythonCommand(PYTHON)], env: env({ FUSED_STANDIN_CRASH: '1' }) });
    await assert.rejects(crashing.query({ limit: 1 }), /worker stopped \(exit code 3\)/);
    await crashing.close();
    const page = await source.query({ limit: 2 });
    assert.equal(page.items.length, 2);
  });

  it('cancels a query when its signal aborts', async () => {
    server.setFaults({ latencyMs: 3000, times: 1 });
    const controller = new AbortController();
    const pending = source.query({ limit: 1 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(pending, (error: unknown) => error instanceof FusedApiError && error.kind === 'cancelled');
    server.clearFaults();
    assert.equal((await source.query({ limit: 1 })).items.length, 1, 'a new worker answers after the cancelled one was stopped');
  });

  const sourceWith = (extra: Record<string, string>, options: Partial<PythonSdkSourceOptions> = {}) =>
    new PythonSdkSource({ interpreters: [pythonCommand(PYTHON)], env: env(extra), timeoutMs: 20_000, ...options });

  it('tries the interpreters in order: one that is not found hands over to the next', async () => {
    const fallthrough = new PythonSdkSource({ interpreters: [pythonCommand('/nonexistent/python3', 'path'), pythonCommand(PYTHON, 'path')], env: env() });
    try {
      const info = await fallthrough.probe();
      assert.equal(info.command.command, PYTHON);
      assert.equal(info.fusedVersion, '0.0.0-standin');
      assert.match(info.pythonVersion, /^3\./);
      assert.ok(path.isAbsolute(info.executable), info.executable);
      assert.ok(info.importMs >= 0);
      assert.equal((await fallthrough.query({ limit: 1 })).items.length, 1);
    } finally {
      await fallthrough.close();
    }
  });

  it('an import that never returns fails within the timeout, and the worker is killed', async () => {
    const hanging = sourceWith({ FUSED_STANDIN_IMPORT_HANG: '1' }, { timeoutMs: 1500 });
    const started = Date.now();
    const pending = hanging.query({ limit: 1 });
    assert.ok(await waitUntil(() => hanging.workerPids.length === 1, 5000), 'the worker started');
    const [pid] = hanging.workerPids;
    await assert.rejects(pending, (error: unknown) => {
      assert.ok(error instanceof SetupError, String(error));
      assert.match(error.message, /did not finish `import fused` within 2 s/);
      return true;
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1400 && elapsed < 3000, `failed after ${elapsed} ms`);
    assert.ok(await waitUntil(() => !processExists(pid), 4000), `worker ${pid} is gone`);
    await hanging.close();
  });

  it('Cancel works while the import hangs', async () => {
    const hanging = sourceWith({ FUSED_STANDIN_IMPORT_HANG: '1' }, { timeoutMs: 60_000 });
    const controller = new AbortController();
    const pending = hanging.query({ limit: 1 }, { signal: controller.signal });
    assert.ok(await waitUntil(() => hanging.workerPids.length === 1, 5000));
    const [pid] = hanging.workerPids;
    const started = Date.now();
    controller.abort();
    await assert.rejects(pending, (error: unknown) => error instanceof FusedApiError && error.kind === 'cancelled');
    assert.ok(Date.now() - started < 500, 'at once');
    assert.ok(await waitUntil(() => !processExists(pid), 4000), `worker ${pid} is gone`);
    await hanging.close();
  });

  it('after close() no worker process is left and later queries are refused without starting one', async () => {
    const closing = sourceWith({});
    assert.equal((await closing.query({ limit: 1 })).items.length, 1);
    const [pid] = closing.workerPids;
    assert.ok(processExists(pid));
    await closing.close();
    assert.equal(processExists(pid), false, 'close() resolved only after the worker exited');
    assert.deepEqual(closing.workerPids, []);
    await assert.rejects(closing.query({ limit: 1 }), /closed/);
    await assert.rejects(closing.probe(), /closed/);
    assert.deepEqual(closing.workerPids, [], 'no orphan worker was started');
  });

  it('close() during a hanging import kills that worker too', async () => {
    const hanging = sourceWith({ FUSED_STANDIN_IMPORT_HANG: '1' }, { timeoutMs: 60_000 });
    const pending = hanging.query({ limit: 1 });
    assert.ok(await waitUntil(() => hanging.workerPids.length === 1, 5000));
    const [pid] = hanging.workerPids;
    const refused = assert.rejects(pending, /closed/);
    await hanging.close();
    await refused;
    assert.equal(processExists(pid), false);
  });

  it('a query that never returns times out, and the next query gets a new worker', async () => {
    // Starting Python on this shared machine can take seconds; the probe must not be what times out.
    const stuck = sourceWith({ FUSED_STANDIN_RAISE: 'hang' }, { timeoutMs: 8000 });
    await stuck.probe();
    const [pid] = stuck.workerPids;
    await assert.rejects(stuck.query({ limit: 1 }), (error: unknown) => error instanceof FusedApiError && error.kind === 'timeout');
    assert.ok(await waitUntil(() => !processExists(pid), 4000));
    await stuck.close();
  });

  it('NaN and infinities become null, Decimal and NumPy numbers floats or ints', async () => {
    const odd = sourceWith({ FUSED_STANDIN_ODD_NUMBERS: '1' });
    try {
      const page = await odd.query({ limit: 3, scan_forward: false });
      assert.equal(page.items.length, 3);
      const [first, second, third] = page.items as unknown as Array<Record<string, unknown>>;
      assert.equal(first.execution_time, null, 'NaN -> null: the run reads as incomplete');
      assert.equal(first.standin_infinity, null);
      assert.equal(second.execution_time, 1.25);
      assert.equal(second.standin_decimal_nan, null);
      assert.equal(third.execution_time, 2.5);
      assert.equal(third.standin_numpy_int, 7);
      let numpy = true;
      try {
        execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' });
      } catch {
        numpy = false;
      }
      if (numpy) {
        assert.equal(third.standin_numpy_nan, null);
        assert.deepEqual(third.standin_numpy_array, [1.5, null]);
      }
    } finally {
      await odd.close();
    }
  });

  it('SDK errors map to their kind: HTTP 400 rejected, connection errors network, ValueError rejected', async () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ FUSED_STANDIN_RAISE: 'http400' }, 'rejected', /\(400\)/],
      [{ FUSED_STANDIN_RAISE: 'connection' }, 'network', /could not reach Fused.*Max retries/],
      [{ FUSED_STANDIN_RAISE: 'value' }, 'rejected', /limit must be at most 300/],
      [{ FUSED_STANDIN_URL: 'http://127.0.0.1:1/v1/audit-log' }, 'network', /URLError/],
    ];
    for (const [extra, kind, message] of cases) {
      const failing = sourceWith(extra);
      try {
        await assert.rejects(failing.query({ limit: 1 }), (error: unknown) => {
          assert.ok(error instanceof FusedApiError, String(error));
          assert.equal(error.kind, kind, `${JSON.stringify(extra)}: ${error.message}`);
          assert.match(error.message, message);
          return true;
        });
      } finally {
        await failing.close();
      }
    }
  });

  it('never imports a fused.py from the folder it runs in', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'fused-runs-cwd-'));
    const marker = path.join(folder, 'imported');
    fs.writeFileSync(path.join(folder, 'fused.py'), `open(${JSON.stringify(marker)}, "w").write("x")\n__version__ = "workspace"\n`);
    const hostile = new PythonSdkSource({ interpreters: [pythonCommand(PYTHON)], env: { ...process.env, PYTHONPATH: '' }, cwd: folder });
    try {
      await assert.rejects(hostile.probe(), (error: unknown) => error instanceof SetupError && error.problem === 'fused-not-importable');
      assert.equal(fs.existsSync(marker), false, 'the folder\'s fused.py did not run');
    } finally {
      await hostile.close();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
