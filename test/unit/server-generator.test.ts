// The demo data generator: deterministic, realistic, and carrying every case the UI needs.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RECORD_FIELDS, type AuditLogRecord } from '../../src/api/types';
import { demoFixtures, generateRecords, HUGE_PAYLOAD_BYTES, SPECIAL_RECORD_COUNT } from '../server/generator';
import { parseIsoMicros } from '../server/iso';
import { SeededRandom } from '../server/random';
import { DEMO_TOKEN, ENV_MERCATOR, ENV_ORBIT } from '../server/users';

const NOW = new Date('2025-04-01T12:00:00Z');
const DAY_MS = 86_400_000;

describe('determinism', () => {
  test('same seed and now -> identical records; another seed -> different ones', () => {
    const a = generateRecords({ records: 400, seed: 42, now: NOW });
    const b = generateRecords({ records: 400, seed: 42, now: NOW });
    assert.deepEqual(a, b);
    const c = generateRecords({ records: 400, seed: 43, now: NOW });
    assert.notDeepEqual(
      a.records.map((r) => r.id),
      c.records.map((r) => r.id),
    );
  });
  test('the PRNG is mulberry32 (same stream as the reference formulation)', () => {
    // The widely published one-liner, written independently of random.ts.
    const reference = (seed: number) => () => {
      let t = (seed = (seed + 0x6d2b79f5) | 0);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    for (const seed of [0, 1, 42, 2 ** 31 - 1]) {
      const ours = new SeededRandom(seed);
      const theirs = reference(seed);
      for (let i = 0; i < 1000; i++) assert.equal(ours.next(), theirs(), `seed ${seed}, draw ${i}`);
    }
    assert.match(new SeededRandom(1).uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
  test('bad options are refused clearly', () => {
    assert.throws(() => generateRecords({ records: -1 }), /records must be a non-negative integer/);
    assert.throws(() => generateRecords({ seed: 1.5 }), /seed must be an integer/);
    assert.throws(() => generateRecords({ now: new Date('nope') }), /now is not a valid date/);
  });
});

describe('content (2000 records, the default)', () => {
  const { records, users } = generateRecords({ now: NOW });

  test('count, unique UUID ids, only contract fields, timestamps within 30 days before now', () => {
    assert.equal(records.length, 2000);
    assert.equal(new Set(records.map((r) => r.id)).size, 2000);
    const known = new Set<string>(RECORD_FIELDS);
    for (const record of records) {
      assert.match(record.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.ok(Object.keys(record).every((key) => known.has(key)), Object.keys(record).join());
      assert.match(record.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
      const parsed = parseIsoMicros(record.timestamp);
      assert.ok(parsed.ok);
      const ms = parsed.micros / 1000;
      assert.ok(ms <= NOW.getTime() && ms >= NOW.getTime() - 30 * DAY_MS, record.timestamp);
    }
  });
  test('more runs in recent days', () => {
    const ages = records.map((r) => (NOW.getTime() - Date.parse(r.timestamp)) / DAY_MS);
    const lastWeek = ages.filter((a) => a < 7).length;
    const weekThreeAndFour = ages.filter((a) => a >= 14 && a < 21).length;
    assert.ok(lastWeek > 2 * weekThreeAndFour, `${lastWeek} vs ${weekThreeAndFour}`);
  });
  test('users: six with runs in two execution environments, the demo user first', () => {
    assert.equal(users[0].email, 'ada@example.com');
    assert.equal(users[0].token, DEMO_TOKEN);
    const withRuns = new Set(records.map((r) => r.user_email));
    assert.equal(users.filter((u) => withRuns.has(u.email)).length, 6);
    assert.deepEqual(new Set(records.map((r) => r.exec_env_id)), new Set([ENV_MERCATOR, ENV_ORBIT]));
    for (const record of records) {
      const user = users.find((u) => u.email === record.user_email);
      if (user) assert.equal(record.exec_env_id, user.exec_env_id, 'runs stay in the runner’s environment');
    }
  });
  test('dozens of UDFs; census_join has two udf_ids', () => {
    const names = new Set(records.map((r) => r.udf_name).filter(Boolean));
    assert.ok(names.size >= 30, String(names.size));
    const census = new Set(records.filter((r) => r.udf_name === 'census_join').map((r) => r.udf_id));
    assert.equal(census.size, 2);
  });
  test('engines, cache hits, shared tokens, incomplete runs, infrastructure failures', () => {
    assert.deepEqual(new Set(records.map((r) => r.execution_engine).filter((e) => e && !e.includes('<'))), new Set(['realtime', 'batch', 'local']));
    assert.ok(records.filter((r) => r.cache === true).length > 100);
    assert.ok(records.filter((r) => r.shared_token?.startsWith('fsh_')).length > 20);
    assert.ok(records.filter((r) => r.execution_time === null && r.stderr === '').length > 5);
    assert.ok(records.filter((r) => r.execution_time === null && r.stderr === null).length > 5);
  });
  test('udf_data is serialized UDF JSON or plain code', () => {
    const json = records.filter((r) => r.udf_data?.startsWith('{'));
    const plain = records.filter((r) => r.udf_data?.startsWith('@fused.udf'));
    assert.ok(json.length > 500 && plain.length > 200);
    for (const record of json.slice(0, 50)) {
      const udf = JSON.parse(record.udf_data as string) as Record<string, unknown>;
      assert.equal(udf.name, record.udf_name);
      assert.equal(udf.entrypoint, 'udf');
      assert.match(udf.code as string, /^@fused\.udf\ndef udf\(/);
      assert.ok(Array.isArray(udf.headers));
      for (const header of udf.headers as Record<string, unknown>[]) {
        assert.equal(typeof header.module_name, 'string');
        assert.equal(typeof header.source_code, 'string');
      }
      assert.equal(typeof udf.metadata, 'object');
      assert.equal(typeof udf.parameters, 'object');
    }
  });
  test('traceback frames point at the real line of the UDF code that ran', () => {
    const failed = records.filter((r) => r.stderr?.includes('Traceback (most recent call last)') && r.udf_data);
    assert.ok(failed.length > 100);
    let checked = 0;
    for (const record of failed) {
      const code = codeOf(record).split('\n');
      const frame = /File "\/tmp\/udf_[0-9a-f]{8}\.py", line (\d+), in udf\n {4}(.*)\n/.exec(record.stderr as string);
      assert.ok(frame, record.stderr as string);
      assert.equal(code[Number(frame[1]) - 1].trim(), frame[2], `${record.udf_name} line ${frame[1]}`);
      checked++;
    }
    assert.equal(checked, failed.length);
  });
  test('the code evolves: a UDF has several versions of udf_data over time', () => {
    const versions = new Set(records.filter((r) => r.udf_name === 'sentinel_tile').map((r) => JSON.parse(r.udf_data as string).code as string));
    assert.ok(versions.size >= 2);
  });
  test('the huge stderr exists by default and the fixtures are all present', () => {
    const fixtures = demoFixtures(records);
    const huge = records.find((r) => r.id === fixtures.hugeId);
    assert.ok((huge?.stderr?.length ?? 0) >= HUGE_PAYLOAD_BYTES);
    assert.ok((huge?.stderr?.length ?? 0) < HUGE_PAYLOAD_BYTES + 4096);
    const hostile = records.find((r) => r.id === fixtures.hostileId);
    assert.ok(hostile?.stdout?.includes('[click](command:workbench.action.quit)'));
    assert.ok(hostile?.stdout?.includes('<img src=x onerror=alert(1)>'));
    assert.ok(hostile?.stderr?.includes('<script>'));
    assert.ok(hostile?.udf_data?.includes('onerror'));
    assert.ok([...(hostile?.stdout ?? '')].some((ch) => ch.charCodeAt(0) < 0x09), 'C0 control characters');
    assert.ok(records.find((r) => r.id === fixtures.unicodeId)?.stdout?.includes('こんにちは'));
    assert.ok(records.find((r) => r.id === fixtures.ansiId)?.stdout?.includes('\u001b['));
    const [a, b] = fixtures.tiedIds.map((id) => records.find((r) => r.id === id));
    assert.equal(a?.timestamp, b?.timestamp);
  });
});

describe('small data sets', () => {
  test('no huge payload below the default size unless asked for', () => {
    const small = generateRecords({ records: 100, now: NOW }).records;
    assert.ok(small.every((r) => (r.stderr?.length ?? 0) < 1024 * 1024));
    const asked = generateRecords({ records: 100, now: NOW, hugePayloadBytes: 2 * 1024 * 1024 }).records;
    assert.equal(asked.filter((r) => (r.stderr?.length ?? 0) >= 2 * 1024 * 1024).length, 1);
    assert.equal(asked.length, 100);
  });
  test('fixtures need at least SPECIAL_RECORD_COUNT records and say so', () => {
    assert.doesNotThrow(() => demoFixtures(generateRecords({ records: SPECIAL_RECORD_COUNT, now: NOW }).records));
    assert.throws(() => demoFixtures(generateRecords({ records: 5, now: NOW }).records), /generate at least 24 records/);
  });
  test('records: 0 gives an empty data set', () => {
    assert.deepEqual(generateRecords({ records: 0, now: NOW }).records, []);
  });
});

function codeOf(record: AuditLogRecord): string {
  const data = record.udf_data as string;
  return data.startsWith('{') ? (JSON.parse(data) as { code: string }).code : data;
}
