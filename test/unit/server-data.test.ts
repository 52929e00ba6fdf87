// --data JSONL loading, timestamp parsing, and the CLI (a real child process).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createInterface } from 'node:readline';
import { formatIsoMicros, parseIsoMicros } from '../server/iso';
import { parseRecordsJsonl } from '../server/records';
import { startFusedServer } from '../server/server';
import { getAuditLog, getPage } from '../server/testClient';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fused-server-test-'));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('ISO 8601 timestamps', () => {
  test('offsets, fractions and separators', () => {
    const base = parseIsoMicros('2025-04-01T00:00:00+00:00');
    assert.ok(base.ok);
    assert.equal(base.micros, Date.UTC(2025, 3, 1) * 1000);
    for (const same of ['2025-04-01T00:00:00Z', '2025-03-31T20:00:00-04:00', '2025-04-01T05:30:00+0530', '2025-04-01 00:00:00.000000+00:00', '2025-04-01T02:00+02']) {
      const parsed = parseIsoMicros(same);
      assert.ok(parsed.ok, same);
      assert.equal(parsed.micros, base.micros, same);
    }
    const fraction = parseIsoMicros('2025-04-01T00:00:00.123456789Z');
    assert.ok(fraction.ok);
    assert.equal(fraction.micros - base.micros, 123456);
  });
  test('rejects what has no instant', () => {
    for (const [text, reason] of [
      ['2025-04-01T00:00:00', /no UTC offset/],
      ['2025-04-01', /expected ISO 8601/],
      ['2025-02-29T00:00:00Z', /day 29/],
      ['2025-04-01T24:00:00Z', /hour/],
      ['2025-04-01T00:00:00+25:00', /offset/],
      ['2025-04-01T00:00:00 00:00', /%2B/],
      ['last tuesday', /expected ISO 8601/],
    ] as const) {
      const parsed = parseIsoMicros(text);
      assert.ok(!parsed.ok, text);
      assert.match(parsed.reason, reason, text);
    }
  });
  test('formats like Python isoformat and round-trips', () => {
    const micros = Date.UTC(2025, 0, 2, 3, 4, 5, 6) * 1000 + 7;
    assert.equal(formatIsoMicros(micros), '2025-01-02T03:04:05.006007+00:00');
    const back = parseIsoMicros(formatIsoMicros(micros));
    assert.ok(back.ok);
    assert.equal(back.micros, micros);
  });
});

describe('JSONL records', () => {
  const good = [
    { id: 'r1', timestamp: '2025-03-01T10:00:00+00:00', user_email: 'zoe@example.com', exec_env_id: 'env-z', udf_name: 'a', execution_time: 1.5, cache: false },
    { id: 'r2', timestamp: '2025-03-02T10:00:00Z', user_email: 'zoe@example.com', exec_env_id: 'env-z', udf_name: 'b', execution_time: null },
    { id: 'r3', timestamp: '2025-03-03T10:00:00-05:00', user_email: 'yan@example.com', exec_env_id: 'env-z', stderr: 'Traceback...' },
  ];
  test('valid lines load; blank lines are skipped', () => {
    const text = good.map((r) => JSON.stringify(r)).join('\n') + '\n\n';
    assert.deepEqual(parseRecordsJsonl(text, 'runs.jsonl'), good);
  });
  const badLines: [string, unknown, RegExp][] = [
    ['invalid JSON', '{"id": "x",', /runs\.jsonl:2: invalid JSON/],
    ['not an object', '[1,2]', /runs\.jsonl:2: expected a JSON object/],
    ['missing id', { timestamp: '2025-03-01T00:00:00Z' }, /runs\.jsonl:2: field "id" must be a non-empty string/],
    ['timestamp without offset', { id: 'x', timestamp: '2025-03-01T00:00:00' }, /runs\.jsonl:2: field "timestamp" "2025-03-01T00:00:00": the timestamp has no UTC offset/],
    ['wrong type', { id: 'x', timestamp: '2025-03-01T00:00:00Z', execution_time: '1.2' }, /runs\.jsonl:2: field "execution_time" must be a number/],
    ['cache not boolean', { id: 'x', timestamp: '2025-03-01T00:00:00Z', cache: 'yes' }, /field "cache"/],
    ['unknown field', { id: 'x', timestamp: '2025-03-01T00:00:00Z', duration: 3 }, /runs\.jsonl:2: unknown field\(s\) "duration"/],
    ['duplicate id', { id: 'r1', timestamp: '2025-03-01T00:00:00Z' }, /runs\.jsonl:2: duplicate id "r1" \(first seen on line 1\)/],
  ];
  for (const [name, line, message] of badLines) {
    test(`bad line is reported with its number: ${name}`, () => {
      const text = `${JSON.stringify(good[0])}\n${typeof line === 'string' ? line : JSON.stringify(line)}\n${JSON.stringify(good[1])}`;
      assert.throws(() => parseRecordsJsonl(text, 'runs.jsonl'), message);
    });
  }
  test('the server serves a data file; users come from the data', async () => {
    const file = join(dir, 'runs.jsonl');
    const extra = [
      { id: 'r4', timestamp: '2025-02-01T00:00:00Z', user_email: 'zoe@example.com', exec_env_id: null },
      { id: 'r5', timestamp: '2025-02-01T00:00:00Z', user_email: 'xi@example.com', exec_env_id: 'env-other' },
    ];
    await writeFile(file, [...good, ...extra].map((r) => JSON.stringify(r)).join('\n'));
    const server = await startFusedServer({ dataFile: file });
    try {
      assert.equal(server.records.length, 5);
      assert.equal(server.users[0].email, 'zoe@example.com', 'the most active user is the demo user');
      assert.equal(server.token, 'fused-demo-token');
      const page = await getPage(server, { scan_forward: false });
      assert.deepEqual(page.items.map((r) => r.id), ['r2', 'r1', 'r4']);
      const team = await getPage(server, { exec_env: true, scan_forward: false });
      assert.deepEqual(team.items.map((r) => r.id), ['r3', 'r2', 'r1']);
      const yan = server.users.find((u) => u.email === 'yan@example.com');
      assert.equal(yan?.token, 'fused-token-yan');
      assert.deepEqual((await getPage(server, {}, yan?.token)).items.map((r) => r.id), ['r3']);
      // id: own records even without an execution environment; other teams' are not found.
      assert.deepEqual((await getPage(server, { id: 'r4' }, server.token)).items.map((r) => r.id), ['r4']);
      assert.equal((await getAuditLog(server, { id: 'r5' })).status, 404);
      assert.equal((await getAuditLog(server, { id: 'r5' }, server.users.find((u) => u.email === 'xi@example.com')?.token)).status, 200);
    } finally {
      await server.close();
    }
  });
  test('a bad or missing data file stops the server with the reason', async () => {
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, `${JSON.stringify(good[0])}\nnot json\n`);
    await assert.rejects(startFusedServer({ dataFile: file }), /bad\.jsonl:2: invalid JSON/);
    await assert.rejects(startFusedServer({ dataFile: join(dir, 'missing.jsonl') }), /cannot read audit-log records from .*missing\.jsonl/);
  });
});

describe('CLI', () => {
  const cli = resolve(__dirname, '../server/cli.js');

  test('prints the listening line, serves, and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, '--port', '0', '--records', '50', '--seed', '3', '--token', 'cli-token', '--now', '2025-04-01T00:00:00Z'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const first = (await lines.next()).value as string;
      assert.match(first, /^listening on http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const second = (await lines.next()).value as string;
      assert.match(second, /^token cli-token \(ada@example\.com, env-7f3a2c91\)$/);
      const baseUrl = first.slice('listening on '.length);
      const page = await getPage({ baseUrl, auditLogPath: '/audit-log', token: 'cli-token' }, { limit: 300 });
      assert.ok(page.items.length > 0);
      assert.ok(page.items.every((r) => r.timestamp < '2025-04-01T00:00:00.000001'));
      assert.equal((await getAuditLog({ baseUrl, auditLogPath: '/audit-log', token: 'fused-demo-token' })).status, 401);
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
  test('bad arguments exit 2 with the problem named', async () => {
    for (const [args, message] of [
      [['--records', 'many'], /--records needs an integer/],
      [['--now', '2025-04-01'], /--now/],
      [['--bogus'], /Unknown option '--bogus'/],
      [['--port'], /Option '--port <value>' argument missing/],
      [['--port', '70000'], /--port needs an integer from 0 to 65535/],
      [['stray'], /Unexpected argument 'stray'/],
      [['--scenario', 'storm'], /--scenario must be one of burst, bulk/],
      [['--scenario', 'burst', '--days', '3'], /--days applies to --scenario bulk only/],
      [['--latency-ms=-5'], /--latency-ms needs an integer from 0/],
    ] as const) {
      const child = spawn(process.execPath, [cli, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
    }
  });
  test('--scenario bulk with --records/--days and --latency-ms: serves the scenario with the latency set', async () => {
    const child = spawn(process.execPath, [cli, '--port', '0', '--scenario', 'bulk', '--records', '500', '--days', '2', '--latency-ms', '120', '--now', '2025-04-01T00:00:00Z'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const baseUrl = ((await lines.next()).value as string).slice('listening on '.length);
      await lines.next();
      const started = Date.now();
      const page = await getPage({ baseUrl, auditLogPath: '/audit-log', token: 'fused-demo-token' }, { limit: 300, scan_forward: true });
      assert.ok(Date.now() - started >= 120, 'the latency fault is set');
      assert.equal(page.items.length, 300);
      assert.ok(page.items[0].timestamp >= '2025-03-30T00:00:00', 'two days back');
      assert.match(stderr, /serving 505 records from the bulk scenario with 120 ms latency/);
    } finally {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      await exited;
    }
  });
  test('a bad --data file exits 1 naming the line', async () => {
    const file = join(dir, 'cli-bad.jsonl');
    await writeFile(file, '{"id":"a","timestamp":"2025-01-01T00:00:00Z"}\n{"id":"b"}\n');
    const child = spawn(process.execPath, [cli, '--port', '0', '--data', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
    assert.equal(code, 1);
    assert.match(stderr, /cli-bad\.jsonl:2: field "timestamp" must be a string/);
  });
});
