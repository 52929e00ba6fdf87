// The Fused Runs tree's data provider in the real extension host, driven through the test API
// (the same provider object VS Code's TreeView asks) against the local server: a load that a
// newer one supersedes is aborted and never shown, Retry at the root and under a UDF, and Load
// more (one request per burst of clicks, a failed page kept with Retry, duplicates skipped).
// Expectations come from the records the server serves; request counts from its own stats.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AuditLogRecord } from '../../../src/api/types';
import type { TreeNode, UdfTreeProvider } from '../../../src/views/udfTree';
import type { ViewState } from '../../../src/views/treeModel';
import { compareRecords } from '../../server/generator';
import { demoUsers } from '../../server/users';
import { waitUntil } from '../harness/wait';
import { loadRecords, requestsOf, server, testApi } from './support';

const DAY = 24 * 3600_000;
/** Runs this close to the range start may fall on either side (the extension and the test read the clock apart). */
const SLACK_MS = 3 * 60_000;
const PAGE_SIZE = 5;

type UdfNode = TreeNode & { kind: 'udf' };
type ErrorNode = TreeNode & { kind: 'error' };

const DEFAULT_STATE: ViewState = { scope: 'mine', groupBy: 'names', failingOnly: false, textFilter: '', range: { kind: 'preset', preset: 'day' } };

function udfNodes(nodes: TreeNode[]): UdfNode[] {
  return nodes.filter((node): node is UdfNode => node.kind === 'udf');
}

function errorNodes(nodes: TreeNode[]): ErrorNode[] {
  return nodes.filter((node): node is ErrorNode => node.kind === 'error');
}

function runIds(nodes: TreeNode[]): string[] {
  return nodes.flatMap((node) => (node.kind === 'run' ? [node.record.id] : []));
}

/** UDF names that must be listed (a run well inside the last day) and names that may be. */
function namesInLastDay(records: AuditLogRecord[]): { must: Set<string>; may: Set<string> } {
  const now = Date.now();
  const must = new Set<string>();
  const may = new Set<string>();
  for (const record of records) {
    if (!record.udf_name) continue;
    const age = now - Date.parse(record.timestamp);
    if (age <= DAY - SLACK_MS) must.add(record.udf_name);
    if (age <= DAY + SLACK_MS) may.add(record.udf_name);
  }
  return { must, may };
}

function assertListsNames(nodes: TreeNode[], expected: { must: Set<string>; may: Set<string> }, what: string): void {
  const names = udfNodes(nodes).map((node) => node.entry.key);
  assert.ok(expected.must.size > 0, `${what}: the demo data has something to show`);
  for (const name of expected.must) assert.ok(names.includes(name), `${what}: ${name} is missing; listed: ${names.join(', ')}`);
  for (const name of names) assert.ok(expected.may.has(name), `${what}: ${name} should not be listed`);
}

/** Sets a fusedRuns.* user setting and waits until the extension host sees it (its change event has fired). */
async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('fusedRuns').update(key, value, vscode.ConfigurationTarget.Global);
  const expected = value ?? vscode.workspace.getConfiguration('fusedRuns').inspect(key)?.defaultValue;
  await waitUntil(() => vscode.workspace.getConfiguration('fusedRuns').get(key) === expected, { timeout: 10_000, message: `fusedRuns.${key} reads ${JSON.stringify(expected)}` });
}

/** Resolves with the outcome of the next root load the provider reports. */
function nextRootLoad(tree: UdfTreeProvider): Promise<{ ok: boolean; error?: unknown }> {
  return new Promise((resolve) => {
    const subscription = tree.onDidLoadRoot((outcome) => {
      subscription.dispose();
      resolve(outcome);
    });
  });
}

describe('UDF tree provider (extension host)', function () {
  let tree: UdfTreeProvider;
  let savedState: ViewState;
  let mine: AuditLogRecord[];
  let env: AuditLogRecord[];

  before(async () => {
    tree = (await testApi()).udfTree;
    savedState = { ...tree.state };
    const records = loadRecords();
    const token = process.env.FUSED_E2E_TOKEN;
    const me = demoUsers(token).find((user) => user.token === token);
    assert.ok(me, 'the harness token is the demo user');
    mine = records.filter((r) => r.user_email === me.email).sort((a, b) => compareRecords(b, a));
    env = records.filter((r) => r.exec_env_id === me.exec_env_id);
    // The failing-UDFs status bar reads after every root load; off, so the only requests are the tree's.
    await setSetting('statusBar.failingUdfs', false);
    // Far above the waits below, so a request that ends is seen ended by the extension, not by its timeout.
    await setSetting('api.timeoutSeconds', 300);
    // The view shows, so VS Code's TreeView asks the provider too, as it does for users: the
    // tests' own getChildren calls run concurrently with VS Code's.
    await vscode.commands.executeCommand('fusedRuns.udfs.focus');
  });

  beforeEach(async () => {
    await server.clearFaults();
    await tree.updateState(DEFAULT_STATE);
    const loaded = await tree.refreshAndWait();
    assert.ok(loaded.ok, `the root loads: ${String(loaded.error)}`);
  });

  afterEach(async () => {
    await server.clearFaults();
  });

  after(async () => {
    await setSetting('statusBar.failingUdfs', undefined);
    await setSetting('api.timeoutSeconds', undefined);
    await setSetting('runs.pageSize', undefined);
    await tree.updateState(savedState);
  });

  it('a second load supersedes the first: the first request is aborted and only the newest result is shown', async () => {
    await server.resetStats();
    const reports: { ok: boolean }[] = [];
    const subscription = tree.onDidLoadRoot((outcome) => reports.push(outcome));
    try {
      // The next root request (mine) hangs; while it does, the scope changes and the root is read again.
      await server.setFaults({ latencyMs: 60_000, times: 1 });
      tree.refresh();
      const superseded = tree.getChildren();
      await waitUntil(async () => (await server.stats()).faultsApplied === 1, { timeout: 15_000, message: 'the first root request reaches the server' });
      await tree.updateState({ scope: 'execEnv' });
      const newest = await tree.getChildren();
      // Aborted when the newer load started: without that, only the client's timeout (300 s
      // here) or the server's 60 s delay would end the first request.
      const stats = await waitUntil(async () => {
        const seen = await server.stats();
        return seen.byStatus.aborted === 1 && seen;
      }, { timeout: 30_000, message: 'the server sees the first request aborted by the client' });
      await superseded;

      // The root reads the range newest first ("all"; "exec_env" for the environment); the demo's
      // last 24 hours fit one page, so each load is one request.
      assert.equal(requestsOf(stats, (shape) => shape === 'all'), 1, JSON.stringify(stats.byQuery));
      assert.equal(requestsOf(stats, (shape) => shape === 'exec_env'), 1, JSON.stringify(stats.byQuery));
      // (The abort and the second request reach the server on two connections, in either order.)
      assert.deepEqual(stats.recent.map((entry) => `${entry.shape} ${entry.status}`).sort(), ['all aborted', 'exec_env 200']);
      // Only the newer load reported, and what is shown is its result: the environment's UDFs.
      assert.deepEqual(reports, [{ ok: true }]);
      assertListsNames(newest, namesInLastDay(env), 'after the newer load');
      assertListsNames(await tree.getChildren(), namesInLastDay(env), 'read again');
      assert.equal((await server.stats()).requests, 2, 'reading the root again reuses what is loaded');
    } finally {
      subscription.dispose();
    }
  });

  it('a failed root load keeps what was shown under an error node; Retry reads the root again', async () => {
    const before = udfNodes(await tree.getChildren()).map((node) => node.entry.key);
    assertListsNames(await tree.getChildren(), namesInLastDay(mine), 'before the failure');
    await server.setFaults({ status: 500, body: '{"detail":"database unavailable"}' });
    const failed = await tree.refreshAndWait();
    assert.equal(failed.ok, false);
    const shown = await tree.getChildren();
    const [error] = errorNodes(shown);
    assert.ok(error, `an error node is shown: ${JSON.stringify(shown.map((node) => node.kind))}`);
    assert.equal(shown[0], error, 'the error comes first');
    assert.equal(error.id, 'error:root');
    assert.equal(error.title, 'Refresh failed');
    assert.match(error.message, /500/);
    assert.deepEqual(udfNodes(shown).map((node) => node.entry.key), before, 'what was shown stays');

    await server.clearFaults();
    await server.resetStats();
    const reloaded = nextRootLoad(tree);
    await tree.retry(error);
    const recovered = await tree.getChildren();
    assert.deepEqual(await reloaded, { ok: true });
    assert.deepEqual(errorNodes(recovered), []);
    assert.deepEqual(udfNodes(recovered).map((node) => node.entry.key), before);
    // One root load, and the demo's last 24 hours fit its one page: one request, and nothing else.
    const stats = await server.stats();
    assert.deepEqual(stats.byQuery, { all: 1 }, 'Retry is one root request');
  });

  it('a failed first page under a UDF shows an error node there; Retry loads the page', async () => {
    const udf = udfNodes(await tree.getChildren())[0];
    assert.ok(udf, 'the root lists a UDF');
    const name = udf.entry.key;
    await server.setFaults({ status: 503, match: { udf_name: name } });
    const failed = await tree.getChildren(udf);
    const [error] = errorNodes(failed);
    assert.ok(error, `an error node under ${name}: ${JSON.stringify(failed.map((node) => node.kind))}`);
    assert.equal(error.title, 'Could not load runs');
    assert.match(error.message, /503/);
    assert.equal(error.udf?.key, name);
    assert.deepEqual(runIds(failed), []);

    await server.clearFaults();
    await server.resetStats();
    await tree.retry(error);
    const loaded = await tree.getChildren(udf);
    assert.deepEqual(errorNodes(loaded), []);
    const pageSize = vscode.workspace.getConfiguration('fusedRuns').get<number>('runs.pageSize', 50);
    const expected = mine.filter((r) => r.udf_name === name && Date.now() - Date.parse(r.timestamp) <= DAY - SLACK_MS).map((r) => r.id);
    assert.deepEqual(runIds(loaded).slice(0, Math.min(pageSize, expected.length)), expected.slice(0, pageSize), 'newest first');
    assert.equal(requestsOf(await server.stats(), (shape) => shape.startsWith('udf_name')), 1, 'Retry is one request');
  });

  it('Load more: one request per burst, a failed page kept with Retry, a repeated run skipped', async () => {
    // (A page size change makes the tree read its root again; setSetting waits for that event.)
    await setSetting('runs.pageSize', PAGE_SIZE);
    await tree.updateState({ range: { kind: 'preset', preset: 'all' } });
    assert.ok((await tree.refreshAndWait()).ok);
    // A UDF of mine with more than three pages of runs (all time).
    const counts = new Map<string, number>();
    for (const record of mine) if (record.udf_name) counts.set(record.udf_name, (counts.get(record.udf_name) ?? 0) + 1);
    const name = [...counts].filter(([, n]) => n > 3 * PAGE_SIZE + 1).sort((a, b) => a[1] - b[1])[0]?.[0];
    assert.ok(name, 'a demo UDF with more than 16 runs');
    const expected = mine.filter((r) => r.udf_name === name).map((r) => r.id);
    const udf = udfNodes(await tree.getChildren()).find((node) => node.entry.key === name);
    assert.ok(udf, `the root lists ${name}`);
    const first = await tree.getChildren(udf);
    assert.deepEqual(runIds(first), expected.slice(0, PAGE_SIZE));
    assert.equal(first.at(-1)?.kind, 'loadMore');

    // Two clicks while the page is on its way: one request.
    await server.resetStats();
    await Promise.all([tree.loadMore(udf.entry), tree.loadMore(udf.entry)]);
    assert.equal(requestsOf(await server.stats(), (shape) => shape === 'udf_name+page'), 1, JSON.stringify((await server.stats()).byQuery));
    const second = await tree.getChildren(udf);
    assert.deepEqual(runIds(second), expected.slice(0, 2 * PAGE_SIZE));
    assert.equal(second.at(-1)?.kind, 'loadMore');

    // The next page fails: the runs shown stay, with an error node; Retry loads that page.
    await server.setFaults({ status: 503, match: { udf_name: name } });
    await tree.loadMore(udf.entry);
    const failed = await tree.getChildren(udf);
    assert.deepEqual(runIds(failed), expected.slice(0, 2 * PAGE_SIZE), 'what was shown stays');
    const [error] = errorNodes(failed);
    assert.equal(error?.title, 'Could not load more runs');
    await server.clearFaults();
    await tree.retry(error);
    assert.deepEqual(runIds(await tree.getChildren(udf)), expected.slice(0, 3 * PAGE_SIZE));

    // A page that repeats a run already shown (a server that shifted under concurrent writes):
    // the repeat is skipped, the new run is added, and a null token ends the list.
    const byId = new Map(mine.map((r) => [r.id, r]));
    const repeated = byId.get(expected[2])!;
    const fresh = byId.get(expected[3 * PAGE_SIZE])!;
    await server.setFaults({ body: JSON.stringify({ items: [repeated, fresh], limit: PAGE_SIZE, next_page_token: null }), match: { udf_name: name }, times: 1 });
    await tree.loadMore(udf.entry);
    const last = await tree.getChildren(udf);
    assert.deepEqual(runIds(last), expected.slice(0, 3 * PAGE_SIZE + 1));
    assert.equal(new Set(runIds(last)).size, runIds(last).length, 'no run twice');
    assert.ok(!last.some((node) => node.kind === 'loadMore'), 'no Load more after the last page');
  });
});
