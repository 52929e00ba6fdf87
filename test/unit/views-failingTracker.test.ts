// The failing recipe shared by the tree's failing-only filter and the status bar: read once
// per refresh, shared while in flight, read again after invalidate(), failures not cached.
// Runs the real client against the real local server (in this process, over HTTP).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { AuditLogClient } from '../../src/api/client';
import { isFailing } from '../../src/api/status';
import { ALL_TIME_FAILING_DAYS, FailingTracker } from '../../src/views/failingTracker';
import type { ViewState } from '../../src/views/treeModel';
import { clientFor } from '../contract/helpers';
import { startFusedServer, type FusedTestServer } from '../server/server';

let server: FusedTestServer;
let client: AuditLogClient;
const NOW = new Date();

before(async () => {
  server = await startFusedServer({ records: 400, seed: 11, now: NOW });
  client = clientFor(server, { retry: { maxAttempts: 1 } });
});
afterEach(() => {
  server.clearFaults();
  server.resetStats();
});
after(async () => {
  await client.close();
  await server.close();
});

const DAY: Pick<ViewState, 'scope' | 'range'> = { scope: 'mine', range: { kind: 'preset', preset: 'day' } };

function expectedFailingNames(scope: 'mine' | 'execEnv', spanMs: number): Set<string> {
  const demo = server.users.find((u) => u.token === server.token);
  assert.ok(demo);
  return new Set(
    server.records
      .filter((r) => (scope === 'mine' ? r.user_email === demo.email : r.exec_env_id === demo.exec_env_id))
      .filter((r) => NOW.getTime() - Date.parse(r.timestamp) <= spanMs && isFailing(r))
      .map((r) => r.udf_name)
      .filter((n): n is string => typeof n === 'string' && n !== ''),
  );
}

describe('FailingTracker', () => {
  it('reads the failing names of the scope and range, once for concurrent and repeated asks', async () => {
    const tracker = new FailingTracker(client);
    const [a, b] = await Promise.all([tracker.get(DAY, NOW), tracker.get(DAY, NOW)]);
    assert.equal(a, b);
    const requests = server.stats().requests;
    assert.ok(requests >= 1);
    const again = await tracker.get(DAY, NOW);
    assert.equal(again, a);
    assert.equal(server.stats().requests, requests, 'no request for a cached result');
    assert.equal(tracker.runs, 1);
    assert.deepEqual(a.names, expectedFailingNames('mine', 24 * 3600_000));
    assert.ok(a.names.size > 0, 'the demo data has failing runs in a day');
    assert.equal(a.narrowed, false);
    assert.equal(tracker.latest, a);
  });

  it('reads again after invalidate() and for another scope', async () => {
    const tracker = new FailingTracker(client);
    const first = await tracker.get(DAY, NOW);
    tracker.invalidate();
    const second = await tracker.get(DAY, NOW);
    assert.notEqual(second, first);
    const env = await tracker.get({ ...DAY, scope: 'execEnv' }, NOW);
    assert.deepEqual(env.names, expectedFailingNames('execEnv', 24 * 3600_000));
    assert.equal(tracker.runs, 3);
  });

  it('reads "all time" as the last 30 days and says so', async () => {
    const tracker = new FailingTracker(client);
    const result = await tracker.get({ scope: 'mine', range: { kind: 'preset', preset: 'all' } }, NOW);
    assert.equal(result.narrowed, true);
    assert.deepEqual(result.names, expectedFailingNames('mine', ALL_TIME_FAILING_DAYS * 24 * 3600_000));
  });

  it('does not keep a failure: the next ask reads again', async () => {
    const tracker = new FailingTracker(client);
    server.setFaults({ status: 500, times: 1 });
    await assert.rejects(tracker.get(DAY, NOW), /server error \(500\)/);
    const result = await tracker.get(DAY, NOW);
    assert.ok(result.names.size > 0);
    assert.equal(tracker.runs, 2);
  });
});
