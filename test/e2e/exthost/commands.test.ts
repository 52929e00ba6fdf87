// The query commands as other features call them (hover links pass a string, the UDF tree passes
// `{ query, title }`, the status bar passes its summary), checked in the real extension host
// through what Export Runs writes: the file holds exactly the runs the local server serves for
// that query. Expectations come from FUSED_E2E_RECORDS_FILE with the documented semantics.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AuditLogRecord } from '../../../src/api/types';
import { COMMANDS, distinctArg, invocation, runArg, sharedTokenArg, timeRangeArg, udfNameArg, type UdfRowArg } from '../../../src/shared/commands';
import { parse } from 'csv-parse/sync';
import { demoUsers } from '../../server/users';

/** The export read back with an independent RFC 4180 parser (csv-parse). */
const parseCsv = (text: string): string[][] => parse(text, { record_delimiter: '\r\n' }) as string[][];

const EXTENSION_ID = 'fused-runs.fused-runs';
const DAY = 24 * 3600_000;
const SLACK_MS = 3 * 60_000;

function loadRecords(): AuditLogRecord[] {
  const file = process.env.FUSED_E2E_RECORDS_FILE;
  assert.ok(file, 'FUSED_E2E_RECORDS_FILE is not set (run through the harness)');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as AuditLogRecord[];
}

function newestFirst(records: AuditLogRecord[]): AuditLogRecord[] {
  return [...records].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || (a.id < b.id ? 1 : -1));
}

describe('query commands (extension host)', function () {
  let records: AuditLogRecord[];
  let mine: AuditLogRecord[];
  let env: AuditLogRecord[];
  let dir: string;
  let fileCount = 0;

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    records = loadRecords();
    const token = process.env.FUSED_E2E_TOKEN;
    const me = demoUsers(token).find((u) => u.token === token);
    assert.ok(me, 'the harness token is the demo user');
    mine = newestFirst(records.filter((r) => r.user_email === me.email));
    env = newestFirst(records.filter((r) => r.exec_env_id === me.exec_env_id));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fused-exthost-export-'));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** Exports what the results view shows (or `arg.query`) to a new file; returns its records. */
  async function exportJsonl(arg: Record<string, unknown> = {}): Promise<AuditLogRecord[] | undefined> {
    const target = path.join(dir, `export-${++fileCount}.jsonl`);
    await vscode.commands.executeCommand('fusedRuns.exportRuns', { ...arg, format: 'jsonl', target });
    if (!fs.existsSync(target)) return undefined;
    return fs
      .readFileSync(target, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditLogRecord);
  }

  const ids = (list: AuditLogRecord[] | undefined) => (list ?? []).map((r) => r.id);

  it('Show Runs of UDF by Name with a hover link\'s { udf_name } queries that name in my runs', async () => {
    const name = mine.find((r) => r.udf_name)?.udf_name as string;
    await vscode.commands.executeCommand(...invocation(COMMANDS.showRunsOfUdfByName, udfNameArg(name)));
    assert.deepEqual(ids(await exportJsonl()), ids(mine.filter((r) => r.udf_name === name)));
  });

  it('Show Runs of UDF by ID with a tree UDF row (as its context menu passes it) queries that id', async () => {
    const latest = mine.find((r) => r.udf_id) as AuditLogRecord;
    const row: UdfRowArg = { kind: 'udf', entry: { name: latest.udf_name ?? '', latest }, query: { udf_id: latest.udf_id as string }, title: `udf_id = ${latest.udf_id}` };
    await vscode.commands.executeCommand(...invocation(COMMANDS.showRunsOfUdfById, row));
    assert.deepEqual(ids(await exportJsonl()), ids(mine.filter((r) => r.udf_id === latest.udf_id)));
  });

  it('Show Runs for Shared Token with { shared_token }', async () => {
    const token = mine.find((r) => r.shared_token)?.shared_token as string;
    assert.ok(token, 'the demo data has shared-link runs of mine');
    await vscode.commands.executeCommand(...invocation(COMMANDS.showRunsForSharedToken, sharedTokenArg(token)));
    assert.deepEqual(ids(await exportJsonl()), ids(mine.filter((r) => r.shared_token === token)));
  });

  it('Show Runs in Time Range with { start, end, scope: execEnv } reads the inclusive range in the environment', async () => {
    const end = env[10].timestamp;
    const start = env[60].timestamp;
    await vscode.commands.executeCommand(...invocation(COMMANDS.showRunsInTimeRange, timeRangeArg(start, end, 'execEnv')));
    const expected = env.filter((r) => Date.parse(r.timestamp) >= Date.parse(start) && Date.parse(r.timestamp) <= Date.parse(end));
    assert.ok(expected.length >= 51);
    assert.deepEqual(ids(await exportJsonl()), ids(expected));
  });

  it('Show Distinct UDFs with { distinctType, maxRecordsToScan } returns the newest run per name', async () => {
    await vscode.commands.executeCommand(...invocation(COMMANDS.showDistinctUdfs, distinctArg('names', 'mine', 5000)));
    const newest = new Map<string | null, AuditLogRecord>();
    for (const r of mine) if (!newest.has(r.udf_name ?? null)) newest.set(r.udf_name ?? null, r);
    assert.deepEqual(new Set(ids(await exportJsonl())), new Set(ids([...newest.values()])));
  });

  it('Show Run by Record ID with { id } shows that one run (and exports it)', async () => {
    const record = mine[5];
    await vscode.commands.executeCommand(...invocation(COMMANDS.showRunById, runArg({ id: record.id })));
    const exported = await exportJsonl();
    assert.deepEqual(ids(exported), [record.id]);
    assert.deepEqual(exported?.[0], Object.fromEntries(Object.keys(exported?.[0] ?? {}).map((key) => [key, (record as unknown as Record<string, unknown>)[key] ?? null])));
  });

  it('Show Recently Used UDFs with { distinctType } lists each name I ran in the last 7 days once', async () => {
    await vscode.commands.executeCommand(...invocation(COMMANDS.showRecentlyUsedUdfs, distinctArg('names', 'mine')));
    const exported = (await exportJsonl()) ?? [];
    const names = exported.map((r) => r.udf_name);
    assert.equal(new Set(names).size, names.length, 'one row per name');
    const now = Date.now();
    const must = new Set(mine.filter((r) => r.udf_name && now - Date.parse(r.timestamp) <= 7 * DAY - SLACK_MS).map((r) => r.udf_name));
    const may = new Set(mine.filter((r) => r.udf_name && now - Date.parse(r.timestamp) <= 7 * DAY + SLACK_MS).map((r) => r.udf_name));
    for (const name of must) assert.ok(names.includes(name), `${String(name)} is missing`);
    for (const name of names) assert.ok(may.has(name), `${String(name)} was not used in the last 7 days`);
  });

  it('Export Runs with the tree\'s { query, title } pages that query to the end, to CSV', async () => {
    const udfId = env.find((r) => r.udf_id)?.udf_id as string;
    const target = path.join(dir, 'tree-query.csv');
    await vscode.commands.executeCommand('fusedRuns.exportRuns', { query: { udf_id: udfId, exec_env: true, scan_forward: false, limit: 7, page_token: 'stale' }, title: `udf_id = ${udfId}`, format: 'csv', target });
    const rows = parseCsv(fs.readFileSync(target, 'utf8'));
    assert.equal(rows[0][0], 'id');
    assert.deepEqual(rows.slice(1).map((row) => row[0]), ids(env.filter((r) => r.udf_id === udfId)));
  });

  it('Export Runs refuses an invalid tree query before any request and writes nothing', async () => {
    assert.equal(await exportJsonl({ query: { udf_name: 'census_join', limit: 301 } }), undefined);
    assert.equal(await exportJsonl({ query: { udf_name: 'census_join', udf_id: 'x' } }), undefined);
  });

  it('Export Runs stops at fusedRuns.export.maxRecords', async () => {
    const config = vscode.workspace.getConfiguration('fusedRuns');
    await config.update('export.maxRecords', 7, vscode.ConfigurationTarget.Global);
    try {
      assert.deepEqual(ids(await exportJsonl({ query: { exec_env: true, scan_forward: false } })), ids(env.slice(0, 7)));
    } finally {
      await config.update('export.maxRecords', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
