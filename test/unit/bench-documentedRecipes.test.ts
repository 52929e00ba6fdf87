// The documented loops the benchmark times ours against must compute the same answers as ours,
// or the comparison would be between different work.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failingUdfsReport, recentlyUsedUdfs } from '../../src/api/recipes';
import { documentedFailing, documentedRecentlyUsed, pythonIsoformat } from '../../bench/documentedRecipes';
import { FakeSource, record } from './api-fake-source';

const NOW = new Date('2025-04-08T12:00:00.000Z');
const HOUR = 3600_000;

function runs(): ReturnType<typeof record>[] {
  const names = ['etl', 'tiles', 'census', 'ndvi'];
  const all = [];
  for (let index = 0; index < 900; index++) {
    const at = NOW.getTime() - (index * 7 * 24 * HOUR) / 900 - 60_000;
    const failed = index % 7 === 0;
    const incomplete = index % 11 === 0;
    all.push(
      record(`r${String(index).padStart(4, '0')}`, new Date(at).toISOString(), {
        udf_name: names[index % names.length],
        stderr: failed ? `Traceback ${index}` : '',
        execution_time: incomplete ? null : 1.5,
      }),
    );
  }
  return all;
}

describe('documented recipes (the benchmark\u2019s baseline)', () => {
  it('writes timestamps the way Python\u2019s isoformat() does', () => {
    assert.equal(pythonIsoformat(Date.parse('2025-04-01T00:00:00.123Z')), '2025-04-01T00:00:00.123000+00:00');
  });

  it('reads one window after another, newest first, and finds the same recently used UDFs as ours', async () => {
    const source = new FakeSource({ records: runs() });
    const documented = await documentedRecentlyUsed(source, NOW, false);
    assert.equal(source.calls.length, 7);
    assert.ok(source.calls.every((call) => call.distinct === true && call.max_records_to_scan === 5000));
    assert.ok(Date.parse(source.calls[0].start_timestamp!) > Date.parse(source.calls[1].start_timestamp!));
    const ours = await recentlyUsedUdfs(new FakeSource({ records: runs() }), { distinctType: 'names', now: NOW, days: 7 });
    assert.deepEqual([...documented.keys()].sort(), ours.records.map((r) => r.udf_name).sort());
    for (const r of ours.records) assert.equal(documented.get(r.udf_name!)!.id, r.id);
  });

  it('pages each window to the end before the next and counts the same failures as ours', async () => {
    const source = new FakeSource({ records: runs() });
    const documented = await documentedFailing(source, NOW, true);
    assert.equal(documented.windows.length, 7);
    assert.ok(documented.windows.every((window) => window.pages === 1 && window.records > 100));
    assert.ok(source.calls.every((call) => call.limit === 300 && call.scan_forward === false && call.exec_env === true));
    const ours = await failingUdfsReport(new FakeSource({ records: runs() }), { execEnv: true, now: NOW, days: 7 });
    assert.deepEqual(
      documented.summaries.map((s) => [s.udf_name, s.failure_count]),
      ours.summaries.map((s) => [s.udf_name, s.failure_count]),
    );
  });

  it('stops a window at 5000 records, as the recipe says', async () => {
    const dense = Array.from({ length: 5400 }, (_, index) => record(`d${String(index).padStart(5, '0')}`, new Date(NOW.getTime() - 1000 - index * 10).toISOString(), { udf_name: 'busy', stderr: 'boom' }));
    const documented = await documentedFailing(new FakeSource({ records: dense }), NOW, false);
    assert.equal(documented.windows[0].records, 5000);
    assert.equal(documented.windows[0].pages, 17);
    assert.equal(documented.summaries[0].failure_count, 5000);
  });
});
