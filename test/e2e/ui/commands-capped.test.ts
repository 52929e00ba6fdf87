// "Show Recently Used UDFs" over a day with more runs than one distinct query may scan (5000):
// the local server serves 6000 runs of the last 10 hours. With a request budget too small to
// read them all (8), the recipe lists what it read and proved, and the window it could not read
// is named in local time in a warning and in the results view. Data written here, so the
// expectation is exact.
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

const BUDGET = 8;
const session = useWorkbench({ name: 'commands-capped', server: { dataFile }, settings: { 'fusedRuns.udfs.requestBudget': BUDGET } });

/** "14 Nov 09:05" (local, this year) as an instant. */
function localInstant(day: string, time: string): number {
  return Date.parse(`${day} ${new Date().getFullYear()} ${time}`);
}

describe('Recently used UDFs over a day the budget cannot read', () => {
  it('names the window that may be incomplete by its local time range, in a warning and in the results view; what was read is listed', async () => {
    const wb = session.wb;
    assert.equal(wb.fused.records.length, RUNS);
    await wb.openView();
    wb.fused.resetStats();
    await wb.runCommand('Fused: Show Recently Used UDFs');
    await wb.pickQuickPickItem(/UDF names · mine/);
    const warning = await wb.waitForNotification(/may be incomplete/, 60_000);
    const range = /^Recently used UDFs: One window may be incomplete \((\d{1,2} \w{3}) (\d\d:\d\d)(?:–| – (\d{1,2} \w{3}) )(\d\d:\d\d)\): they held more runs than the request budget could read/.exec(warning);
    assert.ok(range, warning);
    const start = localInstant(range[1], range[2]);
    const end = localInstant(range[3] ?? range[1], range[4]);
    assert.ok(start >= Date.now() - 10 * 3600_000 - 5 * 60_000 && start < end && end <= Date.now() + 60_000, `the window lies in the last 10 hours: ${warning}`);

    const pane = wb.page.locator('.part.sidebar .pane').filter({ has: wb.page.locator('.pane-header', { hasText: /recently used UDF names/i }) }).first();
    await pane.waitFor({ state: 'visible', timeout: 15_000 });
    let text = '';
    await waitUntil(async () => /busy_udf/.test((text = await pane.innerText())) && /may be incomplete/.test(text), {
      timeout: 15_000,
      message: () => `the results view lists busy_udf and says a window may be incomplete (it shows ${JSON.stringify(text.slice(0, 300))})`,
    });
    assert.match(text, /One window may be incomplete \(/);
    assert.match(text, /busy_udf/);
    // The oldest runs were read oldest first (the survey), so the UDF used only early is listed
    // although a distinct query's 5000 newest runs are all busy_udf.
    assert.match(text, /rare_early_udf/);
    assert.equal(wb.fused.stats().byStatus['422'] ?? 0, 0, 'no request over the caps');
  });
});
