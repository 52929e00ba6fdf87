// Export's paging chain without VS Code: the real client against the real local server,
// iteratePages with a budget, the results filter, and the streaming writer into a real file.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuditLogClient } from '../../src/api/client';
import { iteratePages } from '../../src/api/paging';
import { isFailing } from '../../src/api/status';
import type { AuditLogQuery, AuditLogRecord } from '../../src/api/types';
import { exportQuery, keepOnly, watchBudget, writeExport } from '../../src/commands/exportWriter';
import { startFusedServer, type FusedTestServer } from '../server/server';

describe('export paging against the local server', () => {
  let server: FusedTestServer;
  let client: AuditLogClient;
  let dir: string;
  let mine: AuditLogRecord[];

  before(async () => {
    server = await startFusedServer({ port: 0, seed: 7 });
    client = new AuditLogClient({
      baseUrl: server.baseUrl,
      auditLogPath: server.auditLogPath,
      getCredentials: async () => ({ token: server.token, scheme: 'Bearer', source: 'environment' }),
    });
    dir = await mkdtemp(path.join(tmpdir(), 'fused-export-paging-'));
    const me = server.users.find((u) => u.token === server.token);
    assert.ok(me);
    mine = server.records.filter((r) => r.user_email === me.email).sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || (a.id < b.id ? 1 : -1));
  });
  after(async () => {
    await client.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exportQuery asks for full pages, drops the page token, and leaves one-answer queries alone', () => {
    assert.deepEqual(exportQuery({ udf_name: 'a', limit: 5, page_token: 'x', scan_forward: false }), { udf_name: 'a', limit: 300, scan_forward: false });
    assert.deepEqual(exportQuery({ distinct: true, distinct_type: 'names', max_records_to_scan: 5000 }), { distinct: true, distinct_type: 'names', max_records_to_scan: 5000 });
    assert.deepEqual(exportQuery({ id: 'r1' }), { id: 'r1' });
  });

  it('pages every run of my scope to the end, newest first, into JSON Lines', async () => {
    const target = path.join(dir, 'mine.jsonl');
    let stopped: string | undefined;
    const query: AuditLogQuery = exportQuery({ scan_forward: false, limit: 5 });
    const pages = watchBudget(iteratePages(client, query, { maxRecords: 10_000 }), (reason) => (stopped = reason));
    const result = await writeExport({ target, format: 'jsonl', pages });
    const ids = (await readFile(target, 'utf8')).split('\n').filter(Boolean).map((line) => (JSON.parse(line) as AuditLogRecord).id);
    assert.equal(result.written, mine.length);
    assert.deepEqual(ids, mine.map((r) => r.id));
    assert.equal(stopped, undefined);
    assert.ok(server.stats().byQuery['all+page'] >= Math.ceil(mine.length / 300) - 1);
  });

  it('stops at the record budget and says so', async () => {
    const target = path.join(dir, 'budget.csv');
    let stopped: string | undefined;
    const budget = 301;
    const pages = watchBudget(iteratePages(client, exportQuery({ scan_forward: false }), { maxRecords: budget }), (reason) => (stopped = reason));
    const result = await writeExport({ target, format: 'csv', pages });
    assert.equal(result.written, budget);
    assert.equal(stopped, 'maxRecords');
  });

  it('stops at the page bound, says so in the log, and keeps the pages read', async () => {
    const target = path.join(dir, 'bound.jsonl');
    let stopped: string | undefined;
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`) };
    const query = { scan_forward: false, limit: 7 };
    const pages = watchBudget(iteratePages(client, query, { maxPages: 3, log, label: 'Export of my runs' }), (reason) => (stopped = reason));
    const result = await writeExport({ target, format: 'jsonl', pages });
    assert.equal(result.written, 21);
    assert.equal(stopped, 'maxPages');
    assert.deepEqual(lines, [
      'info Export of my runs: more than one page; reading at most 3 pages.',
      'warn Export of my runs: stopped after 3 pages (the bound for this read) with more pages left; 21 records read.',
    ]);
  });

  it('a server that sends fresh tokens with empty pages ends the export with a clear error; what was read is kept', async () => {
    const target = path.join(dir, 'endless.jsonl');
    server.resetStats();
    // Two real pages, then a server bug: every further page is empty with a new token.
    server.setFaults({ endlessPaging: 'empty', afterPages: 2 });
    try {
      const pages = iteratePages(client, exportQuery({ scan_forward: false }), { maxRecords: 100_000 });
      await assert.rejects(writeExport({ target, format: 'jsonl', pages }), (error: Error) => {
        assert.equal(error.name, 'PartialExportError');
        assert.match(error.message, /^The export stopped after 600 records: Fused sent page 3 with a next-page token but no new record, so paging would never end\. Stopped; the 600 records read so far are kept\./);
        return true;
      });
    } finally {
      server.clearFaults();
    }
    assert.equal(server.stats().requests, 3, 'no request after the empty page');
    const ids = (await readFile(target, 'utf8')).split('\n').filter(Boolean);
    assert.equal(ids.length, 600);
  });

  it('keeps only what the results filter keeps (failing runs of one UDF)', async () => {
    const name = mine.find((r) => r.udf_name && isFailing(r))?.udf_name as string;
    const target = path.join(dir, 'failing.jsonl');
    const pages = keepOnly(iteratePages(client, exportQuery({ udf_name: name, scan_forward: false }), {}), isFailing);
    await writeExport({ target, format: 'jsonl', pages });
    const ids = (await readFile(target, 'utf8')).split('\n').filter(Boolean).map((line) => (JSON.parse(line) as AuditLogRecord).id);
    assert.deepEqual(ids, mine.filter((r) => r.udf_name === name && isFailing(r)).map((r) => r.id));
    assert.ok(ids.length > 0);
  });
});
