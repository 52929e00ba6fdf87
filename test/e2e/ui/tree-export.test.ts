// "Export Runs" on a UDF row of the tree exports exactly that UDF's runs in the view's scope
// and time range (the row hands its query to the export), in a real VS Code against the
// local Fused server. Expectations come from the server's records.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RECORD_FIELDS } from '../../../src/api/types';
import { parse } from 'csv-parse/sync';
import { useWorkbench } from '../harness';

/** The export read back with an independent RFC 4180 parser (csv-parse). */
const parseCsv = (text: string): string[][] => parse(text, { record_delimiter: '\r\n' }) as string[][];

const session = useWorkbench({ name: 'tree-export', viewport: { width: 1400, height: 1000 } });
const DAY = 24 * 3600_000;
/** Runs this close to the range start may fall on either side (the UI and the test read the clock apart). */
const SLACK_MS = 3 * 60_000;

describe('Export Runs from a UDF row', () => {
  it('writes the UDF\u2019s runs of the last 24 h in my scope, newest first, and nothing else', async () => {
    const wb = session.wb;
    await wb.openView();
    await wb.waitForTreeRow(/./);
    const me = wb.fused.users.find((user) => user.token === wb.fused.token);
    assert.ok(me, 'the demo token maps to a user');
    const mineByName = (name: string) =>
      wb.fused.records.filter((r) => r.user_email === me.email && r.udf_name === name).sort((a, b) => (a.timestamp < b.timestamp ? 1 : -1));
    // The default view: my UDFs of the last 24 h. Take a UDF row with several runs in that range.
    const labels = (await wb.treeRows()).filter((row) => row.level === 1).map((row) => row.label);
    const name = labels.find((label) => mineByName(label).filter((r) => Date.now() - Date.parse(r.timestamp) < DAY - SLACK_MS).length >= 2);
    assert.ok(name, `a root row with at least two runs in the last day among ${labels.join(', ')}`);

    const row = await wb.waitForTreeRow(name);
    await row.click({ button: 'right' });
    const menuItem = wb.page.locator('.context-view .monaco-menu .action-label', { hasText: 'Export Runs' });
    await menuItem.waitFor({ state: 'visible', timeout: 10_000 });
    // The menu ignores a release right after it opens; hover, then pick with the keyboard.
    await menuItem.hover();
    await wb.page.keyboard.press('Enter');
    await wb.pickQuickPickItem('CSV');
    const file = path.join(wb.workspaceDir, `tree-export-${name}.csv`);
    await wb.saveDialog(file);
    await wb.waitForNotification(/Exported [\d,]+ runs? to/);

    const rows = parseCsv(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(rows[0], [...RECORD_FIELDS], 'a header with every field');
    const exported = rows.slice(1).map((cells) => cells[0]);
    const runs = mineByName(name);
    const must = runs.filter((r) => Date.now() - Date.parse(r.timestamp) <= DAY - SLACK_MS).map((r) => r.id);
    const may = new Set(runs.filter((r) => Date.now() - Date.parse(r.timestamp) <= DAY + SLACK_MS).map((r) => r.id));
    assert.deepEqual(exported.slice(0, must.length), must, 'every run well inside the range, newest first');
    for (const id of exported) assert.ok(may.has(id), `${id} is a run of ${name} by me in the last day`);
    const nameColumn = RECORD_FIELDS.indexOf('udf_name');
    assert.ok(rows.slice(1).every((cells) => cells[nameColumn] === name), 'only this UDF');
  });
});
