// The insights loader against the real local server: the budget, Load more from where it
// stopped (no run twice, none skipped), the previous range read once, a failed page keeping
// what was read.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { AuditLogClient } from '../../src/api/client';
import { InsightsRuns, clampBudget, insightsQueries } from '../../src/insights/loader';
import type { InsightsSubject } from '../../src/insights/protocol';
import { clientFor } from '../contract/helpers';
import { insightsScenario } from '../server/insightsScenario';
import { startFusedServer, type FusedTestServer } from '../server/server';

let server: FusedTestServer;
let client: AuditLogClient;
const NOW = new Date();
const DAY = 24 * 3_600_000;

before(async () => {
  server = await startFusedServer({ records: 200, seed: 3, now: NOW });
  // 1,000 runs of one UDF over the last 20 days, 150 more over the 30 days before.
  server.addRecords(insightsScenario({ name: 'loader_udf', count: 1000, spanMs: 20 * DAY, now: NOW, seed: 1 }));
  server.addRecords(insightsScenario({ name: 'loader_udf', count: 150, spanMs: 30 * DAY, now: new Date(NOW.getTime() - 30 * DAY), seed: 2 }));
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

/** The scenario's UDF and its runs in the execution environment per window (from the server's own records). */
function busiest(): { name: string; inRange(startMs: number, endMs: number): number } {
  const demo = server.users.find((u) => u.token === server.token);
  assert.ok(demo);
  const mine = server.records.filter((r) => r.exec_env_id === demo.exec_env_id);
  const name = 'loader_udf';
  return {
    name,
    inRange: (startMs, endMs) => mine.filter((r) => r.udf_name === name && Date.parse(r.timestamp) >= startMs && Date.parse(r.timestamp) <= endMs).length,
  };
}

describe('InsightsRuns', () => {
  it('budget of the setting: at least a page, at most 10,000', () => {
    assert.equal(clampBudget(undefined), 1200);
    assert.equal(clampBudget(5), 300);
    assert.equal(clampBudget(1e9), 10_000);
    assert.equal(clampBudget(2500.7), 2500);
  });

  it('reads the newest runs within the budget, then Load more continues without repeats or gaps', async () => {
    const udf = busiest();
    const subject: InsightsSubject = { kind: 'udf_name', value: udf.name, scope: 'execEnv', range: { kind: 'preset', preset: 'month' } };
    const now = new Date();
    const queries = insightsQueries(subject, now);
    const total = udf.inRange(queries.window.startMs ?? 0, now.getTime());
    assert.ok(total > 300, `the fixture UDF has ${total} runs in 30 days`);
    const runs = new InsightsRuns(client, queries, 300);
    await runs.load();
    assert.equal(runs.loaded, 300);
    assert.equal(runs.complete, false);
    assert.equal(runs.requests, 2, 'one page of the range, one of the previous range');
    const first = runs.input(subject);
    assert.equal(first.previous?.complete, true, 'the 30 days before: one page');
    assert.equal(first.previous?.records.length, udf.inRange(now.getTime() - 60 * DAY, (queries.window.startMs ?? 0) - 1));
    while (!runs.complete) await runs.loadMore();
    assert.equal(runs.loaded, total);
    assert.equal(runs.runIds().size, total, 'no run twice');
    assert.equal(runs.requests, 1 + 1 + Math.ceil(total / 300) - 1);
  });

  it('a day range with the previous day beside it, one request each', async () => {
    const udf = busiest();
    const subject: InsightsSubject = { kind: 'udf_name', value: udf.name, scope: 'execEnv', range: { kind: 'preset', preset: 'day' } };
    const now = new Date();
    const queries = insightsQueries(subject, now);
    assert.equal(queries.previous?.endMs, queries.window.startMs);
    assert.equal(queries.previous?.startMs, now.getTime() - 2 * DAY);
    const runs = new InsightsRuns(client, queries, 1200);
    await runs.load();
    const input = runs.input(subject);
    assert.equal(input.current.records.length, udf.inRange(now.getTime() - DAY, now.getTime()));
    assert.equal(input.previous?.records.length, udf.inRange(now.getTime() - 2 * DAY, now.getTime() - DAY - 1));
    assert.equal(server.stats().byQuery['udf_name+exec_env'], 2);
  });

  it('a failed page keeps what was read and says where to go on', async () => {
    const udf = busiest();
    const subject: InsightsSubject = { kind: 'udf_name', value: udf.name, scope: 'execEnv', range: { kind: 'preset', preset: 'month' } };
    const runs = new InsightsRuns(client, insightsQueries(subject, new Date()), 600);
    server.setFaults({ status: 500, match: { path: '/v1/audit-log' } });
    await assert.rejects(runs.load());
    server.clearFaults();
    assert.equal(runs.loaded, 0);
    await runs.load();
    assert.equal(runs.loaded, 600);
  });
});
