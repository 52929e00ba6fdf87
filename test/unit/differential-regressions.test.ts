// Shrunk counterexamples of the differential check (test/contract/differential.test.ts), kept as
// plain tests: each once disagreed with the brute-force answer. The real client against the
// real local server, in this process.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryValidationError } from '../../src/api/errors';
import { recentlyUsedUdfs } from '../../src/api/recipes';
import type { AuditLogRecord, DistinctType } from '../../src/api/types';
import { clientFor } from '../contract/helpers';
import { startFusedServer } from '../server/server';
import type { DemoUser } from '../server/users';

const NOW = new Date('2026-11-14T15:00:00.000Z');
const USERS: DemoUser[] = [
  { key: 'ada', user_id: 'u-ada', email: 'ada@example.com', exec_env_id: 'env-a', token: 'tok-ada' },
  { key: 'grace', user_id: 'u-grace', email: 'grace@example.com', exec_env_id: 'env-a', token: 'tok-grace' },
  { key: 'hedy', user_id: 'u-hedy', email: 'hedy@example.org', exec_env_id: 'env-b', token: 'tok-hedy' },
];

type Row = [id: string, timestamp: string, user: 'ada' | 'grace' | 'hedy', name: string | null | undefined, udfId: string | null];

function records(rows: Row[]): AuditLogRecord[] {
  return rows.map(([id, timestamp, key, name, udfId]) => {
    const user = USERS.find((u) => u.key === key) as DemoUser;
    const record: AuditLogRecord = { id, timestamp, user_email: user.email, user_id: user.user_id, exec_env_id: user.exec_env_id, udf_id: udfId, execution_time: 1.5, stderr: '' };
    if (name !== undefined) record.udf_name = name;
    return record;
  });
}

async function recentlyUsed(rows: Row[], options: { distinctType: DistinctType; days: number; budget: number; pageLimit: number; maxRecordsToScan: number }) {
  const server = await startFusedServer({ data: records(rows), users: USERS });
  const client = clientFor(server, { retry: { maxAttempts: 1 } }, 'tok-ada');
  try {
    return await recentlyUsedUdfs(client, { ...options, now: NOW });
  } finally {
    await client.close();
    await server.close();
  }
}

describe('differential check regressions', () => {
  it('3 runs within 4 ms of the end, one run a page: proven (was marked: a one-run page 1 µs below the end made the density 1 run/µs and the proof gave up)', async () => {
    const result = await recentlyUsed(
      [
        ['000000-000', '2026-11-14T15:00:00.000000+00:00', 'ada', 'alpha', 'id-1'],
        ['000000-001', '2026-11-14T14:59:59.999999+00:00', 'ada', 'alpha', 'id-1'],
        ['000007-002', '2026-11-14T14:59:59.996020+00:00', 'ada', 'alpha', 'id-1'],
      ],
      { distinctType: 'names', days: 1, budget: 2000, pageLimit: 1, maxRecordsToScan: 3 },
    );
    assert.deepEqual(result.cappedWindows, []);
    assert.deepEqual(result.records.map((r) => r.id), ['000000-000']);
  });

  it('runs sharing instants 2 µs apart, two runs a page, by id: proven (was marked: the gap between tied runs looked like a burst on both ends)', async () => {
    const result = await recentlyUsed(
      [
        ['000000-000', '2026-11-14T14:59:59.989999+00:00', 'ada', 'alpha', 'id-1'],
        ['000000-001', '2026-11-14T14:59:59.989999+00:00', 'ada', 'alpha', 'id-1'],
        ['000000-002', '2026-11-14T14:59:59.989999+00:00', 'ada', 'alpha', 'id-1'],
        ['000000-003', '2026-11-14T14:59:59.989999+00:00', 'grace', 'alpha', 'id-1'],
        ['8d6548-004', '2026-11-14T14:59:59.989997+00:00', 'ada', 'gamma', 'id-3'],
        ['00000e-005', '2026-11-14T14:59:59.989989+00:00', 'ada', 'alpha', 'id-3'],
        ['7cd756-006', '2026-11-14T14:59:59.857773+00:00', 'ada', undefined, 'id-3'],
        ['f55ddf-007', '2026-11-14T14:59:59.657950Z', 'ada', null, 'id-1'],
        ['000011-008', '2026-11-14T09:29:59.450117-05:30', 'ada', null, 'id-3'],
        ['9a47ff-009', '2026-11-14T09:29:58.990001-05:30', 'ada', 'alpha', 'id-2'],
        ['00000b-010', '2026-11-14T14:59:59.412796+00:00', 'hedy', 'beta', 'id-2'],
        ['00000f-011', '2026-11-14T14:59:59.989997+00:00', 'ada', 'delta', null],
        ['2ff6cf-012', '2026-11-14T09:29:59.192347-05:30', 'ada', undefined, 'id-1'],
        ['f7c0ce-013', '2026-11-14T09:29:59.989982-05:30', 'ada', null, 'id-1'],
        ['17ebeb-014', '2026-11-14T14:59:59.323111Z', 'ada', 'gamma', 'id-3'],
        ['9420d5-015', '2026-11-14T14:59:59.989980Z', 'grace', 'gamma', null],
      ],
      { distinctType: 'ids', days: 1, budget: 2000, pageLimit: 2, maxRecordsToScan: 1 },
    );
    assert.deepEqual(result.cappedWindows, []);
    // Newest per udf_id among ada's runs; -05:30 offsets compared as instants.
    assert.deepEqual(result.records.map((r) => r.id), ['000000-002', '8d6548-004', '9a47ff-009']);
  });

  it('many runs on a window boundary, in two instants 1 µs apart: proven (was marked: the same early give-up)', async () => {
    const rows: Row[] = [];
    for (let i = 0; i < 9; i++) rows.push([`000000-00${i}`, '2026-11-13T15:00:00.000001+00:00', 'ada', 'alpha', 'id-1']);
    for (let i = 9; i < 15; i++) rows.push([`000000-0${i}`, '2026-11-13T15:00:00.000000+00:00', 'ada', 'alpha', 'id-1']);
    rows.push(['000000-015', '2026-11-13T15:00:00.000001+00:00', 'hedy', 'alpha', 'id-1']);
    for (const i of [16, 17, 20, 21, 22]) rows.push([`000000-0${i}`, '2026-11-13T14:59:59.996021+00:00', 'ada', 'alpha', 'id-1']);
    for (const i of [18, 23, 24]) rows.push([`000000-0${i}`, '2026-11-13T15:00:00.000000+00:00', 'ada', 'alpha', 'id-1']);
    const result = await recentlyUsed(rows, { distinctType: 'names', days: 2, budget: 2000, pageLimit: 5, maxRecordsToScan: 1 });
    assert.deepEqual(result.cappedWindows, []);
    assert.deepEqual(result.records.map((r) => r.id), ['000000-008']);
  });

  it('a reversed range: the contract answers nothing, the client refuses to send it (on purpose: a clear message, not an empty list)', async () => {
    const server = await startFusedServer({ data: [], users: USERS });
    const client = clientFor(server, { retry: { maxAttempts: 1 } }, 'tok-ada');
    try {
      await assert.rejects(
        client.query({ distinct: true, distinct_type: 'names', max_records_to_scan: 1, start_timestamp: '2026-11-14T15:00:00.000000+00:00', end_timestamp: '2026-11-14T03:00:00.000000+00:00' }),
        (error: Error) => error instanceof QueryValidationError && error.field === 'start_timestamp',
      );
      assert.equal(server.stats().requests, 0);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
