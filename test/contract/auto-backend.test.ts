// The `auto` back end against the real local server: a deployment whose audit-log path answers
// 404 makes the session switch to the user's fused SDK (the stand-in package in a real Python
// process), once; a path that works never starts Python.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FusedApiError, NotFoundError, SetupError } from '../../src/api/errors';
import { PythonSdkSource, pythonCommand } from '../../src/api/pythonSdkSource';
import { AutoSource } from '../../src/connection/autoSource';
import { startFusedServer, type FusedTestServer } from '../server/server';
import { clientFor } from './helpers';

const STANDIN = path.resolve(__dirname, '../../../test/python-sdk-standin');
const PYTHON = process.env.FUSED_RUNS_TEST_PYTHON ?? 'python3';

describe('auto back end', () => {
  let server: FusedTestServer;
  const sdks: PythonSdkSource[] = [];
  const sdkFor = (extraEnv: Record<string, string> = {}) => () => {
    const sdk = new PythonSdkSource({
      interpreters: [pythonCommand(PYTHON, 'path')],
      env: { ...process.env, PYTHONPATH: STANDIN, FUSED_STANDIN_URL: `${server.baseUrl}${server.auditLogPath}`, FUSED_AUTH_TOKEN: server.token, ...extraEnv },
      timeoutMs: 30_000,
    });
    sdks.push(sdk);
    return sdk;
  };

  before(async () => {
    server = await startFusedServer({ records: 300, seed: 11 });
  });
  after(async () => {
    await Promise.all(sdks.map((sdk) => sdk.close()));
    await server.close();
  });

  it('a path that answers 404 switches the session to the fused SDK, says so once, and the SDK answers', async () => {
    server.resetStats();
    const switches: string[] = [];
    const auto = new AutoSource({
      http: clientFor(server, { auditLogPath: '/not-the-audit-log' }),
      createSdk: sdkFor(),
      onSwitch: ({ cause, info }) => switches.push(`${cause.message} -> ${info.fusedVersion}`),
    });
    try {
      assert.equal(auto.inUse, 'http');
      // Three queries at once (a tree root and two expansions): one Python start, one announcement.
      const pages = await Promise.all([auto.query({ limit: 5 }), auto.query({ limit: 2, scan_forward: false }), auto.query({ distinct: true, distinct_type: 'names' })]);
      assert.deepEqual(pages.map((p) => p.items.length).slice(0, 2), [5, 2]);
      assert.ok(pages[2].items.length > 0);
      assert.equal(auto.inUse, 'python-sdk');
      assert.equal(switches.length, 1, switches.join('\n'));
      assert.match(switches[0], /404 for \/v1\/not-the-audit-log.* -> 0\.0\.0-standin/);
      assert.equal(sdks.length, 1, 'one SDK back end');
      assert.equal((auto.pythonSource as PythonSdkSource | undefined)?.workerPids.length, 1, 'one worker');
      const wrongPathHits = server.stats().byStatus['404'];
      assert.equal(wrongPathHits, 3, 'each query that was in flight got its 404; none after the switch');
      // From now on HTTP is not asked at all.
      server.resetStats();
      const record = await auto.getRecord(pages[0].items[0].id);
      assert.equal(record.id, pages[0].items[0].id);
      assert.deepEqual(Object.keys(server.stats().byStatus), ['200'], 'only the stand-in SDK\'s own request reached the server');
      assert.equal(server.stats().recent[0].url.includes('/v1/audit-log'), true);
    } finally {
      await auto.close();
    }
  });

  it('a working path never starts Python', async () => {
    let created = 0;
    const auto = new AutoSource({ http: clientFor(server), createSdk: () => (created++, sdkFor()()) });
    try {
      assert.equal((await auto.query({ limit: 3 })).items.length, 3);
      await assert.rejects(auto.getRecord('00000000-0000-4000-8000-000000000000'), NotFoundError, 'a missing record stays a missing record');
      assert.equal(created, 0);
      assert.equal(auto.decision, 'http');
    } finally {
      await auto.close();
    }
  });

  it('a 404 for one record id probes the path with a list query before switching', async () => {
    const auto = new AutoSource({ http: clientFor(server, { auditLogPath: '/nope' }), createSdk: sdkFor() });
    try {
      const id = server.records.find((r) => r.user_email === server.users[0].email)!.id;
      assert.equal((await auto.getRecord(id)).id, id);
      assert.equal(auto.inUse, 'python-sdk');
    } finally {
      await auto.close();
    }
  });

  it('when fused does not import either, the error says both and is a setup error', async () => {
    const auto = new AutoSource({ http: clientFor(server, { auditLogPath: '/nope' }), createSdk: sdkFor({ PYTHONPATH: '' }) });
    try {
      await assert.rejects(auto.query({ limit: 1 }), (error: unknown) => {
        assert.ok(error instanceof SetupError, String(error));
        assert.equal(error.problem, 'fused-not-importable');
        assert.match(error.message, /404 for \/v1\/nope.*not usable either: The fused Python package could not be imported/);
        return true;
      });
      assert.equal(auto.inUse, 'http');
    } finally {
      await auto.close();
    }
  });

  it('Restricted Mode (no SDK allowed): the 404 stands and says why no fallback happened', async () => {
    const auto = new AutoSource({ http: clientFor(server, { auditLogPath: '/nope' }) });
    await assert.rejects(auto.query({ limit: 1 }), (error: unknown) => error instanceof FusedApiError && error.kind === 'not-found' && /off in Restricted Mode/.test(error.message));
    await auto.close();
  });
});
