// "Show Recently Used UDFs" over a day with more runs than one distinct query may scan (5000):
// the local server serves 6000 runs of the last 10 hours, so the day window's distinct answer
// is capped, and the user must be told. Data written here, so the expectation is exact.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { AuditLogRecord } from '../../../src/api/types';
import { useWorkbench, waitUntil } from '../harness';

const RUNS = 6000;
const RARE_RUNS = 200;
const EMAIL = 'dense@example.com';

/** 6000 runs over the last 10 hours: the oldest 200 of "rare_early_udf", the rest of "busy_udf". */
function denseRecords(now: number): AuditLogRecord[] {
  const span = 10 * 3600_000;
  return Array.from({ length: RUNS }, (_, index) => {
    const rare = index < RARE_RUNS;
    const hex = index.toString(16).padStart(12, '0');
    return {
      id: `5e5e5e5e-0000-4000-8000-${hex}`,
      timestamp: new Date(now - span + Math.floor((index * span) / RUNS)).toISOString(),
      exec_env_id: 'env-dense',
      user_id: 'u-dense',
      user_email: EMAIL,
      udf_id: rare ? '0a0a0a0a-0000-4000-8000-000000000001' : '0b0b0b0b-0000-4000-8000-000000000002',
      udf_name: rare ? 'rare_early_udf' : 'busy_udf',
      execution_engine: 'realtime',
      execution_time: 0.5,
      cache: false,
      stdout: '',
      stderr: '',
      udf_data: 'def udf():\n    return 1\n',
      shared_token: null,
      client_ip: '192.0.2.1',
    };
  });
}

const dataFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fused-dense-')), 'dense.jsonl');
fs.writeFileSync(dataFile, denseRecords(Date.now()).map((record) => JSON.stringify(record)).join('\n') + '\n');

const session = useWorkbench({ name: 'commands-capped', server: { dataFile } });

describe('Recently used UDFs over a capped day', () => {
  it('says which day window hit the 5000-record scan cap, in a warning and in the results view', async () => {
    const wb = session.wb;
    assert.equal(wb.fused.records.length, RUNS);
    await wb.openView();
    await wb.runCommand('Fused: Show Recently Used UDFs');
    await wb.pickQuickPickItem(/UDF names · mine/);
    const warning = await wb.waitForNotification(/hit the 5000-record scan cap/, 60_000);
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 24 * 3600_000).toISOString().slice(0, 10);
    assert.match(warning, new RegExp(`^Recently used UDFs: 1 day window hit the 5000-record scan cap \\((${yesterday}|${today})\\)`));

    const pane = wb.page.locator('.part.sidebar .pane').filter({ has: wb.page.locator('.pane-header', { hasText: /recently used UDF names/i }) }).first();
    await pane.waitFor({ state: 'visible', timeout: 15_000 });
    let text = '';
    await waitUntil(async () => /busy_udf/.test((text = await pane.innerText())) && /scan cap/.test(text), {
      timeout: 15_000,
      message: () => `the results view lists busy_udf and the scan-cap warning (it shows ${JSON.stringify(text.slice(0, 300))})`,
    });
    assert.match(text, /1 day window hit the 5000-record scan cap/);
    assert.match(text, /busy_udf/);
    // The 5000 newest runs are all busy_udf, so the distinct answer alone misses rare_early_udf; the
    // recipe's probe of the window's oldest runs proves the cap (and may bring that UDF back).
    assert.equal(wb.fused.stats().byStatus['422'] ?? 0, 0, 'no request over the caps');
  });
});
