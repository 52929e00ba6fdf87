// The Python back end against the real local server, through a real Python process running
// the stand-in `fused` package (test/python-sdk-standin; the real SDK is not installable offline).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FusedApiError, NotFoundError, QueryValidationError } from '../../src/api/errors';
import { PythonSdkSource } from '../../src/api/pythonSdkSource';
import { startFusedServer } from '../server/server';

type Server = Awaited<ReturnType<typeof startFusedServer>>;

const STANDIN = path.resolve(__dirname, '../../../test/python-sdk-standin');
const PYTHON = process.env.FUSED_RUNS_TEST_PYTHON ?? 'python3';

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
    source = new PythonSdkSource({ pythonPath: PYTHON, env: env(), timeoutMs: 20_000 });
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
    const refused = new PythonSdkSource({ pythonPath: PYTHON, env: env({ FUSED_AUTH_TOKEN: 'wrong-token' }) });
    try {
      await assert.rejects(refused.query({ limit: 1 }), (error: unknown) => error instanceof FusedApiError && error.kind === 'authentication');
    } finally {
      await refused.close();
    }
  });

  it('says clearly when the fused package is missing or Python is not found', async () => {
    const missing = new PythonSdkSource({ pythonPath: PYTHON, env: { ...process.env, PYTHONPATH: '' } });
    await assert.rejects(missing.query({ limit: 1 }), /fused Python package could not be imported.*pip install fused/);
    await missing.close();
    const noPython = new PythonSdkSource({ pythonPath: '/nonexistent/python3' });
    await assert.rejects(noPython.query({ limit: 1 }), /Python was not found at "\/nonexistent\/python3"/);
    await noPython.close();
  });

  it('survives a worker crash: the query fails with a message, the next one starts a new worker', async () => {
    const crashing = new PythonSdkSource({ pythonPath: PYTHON, env: env({ FUSED_STANDIN_CRASH: '1' }) });
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
});
