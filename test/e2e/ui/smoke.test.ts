// Smoke: the whole chain in a real VS Code. The extension activates in code-server, its
// activity-bar container shows, and the UDFs tree lists names the local Fused server serves.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { useWorkbench, waitUntil } from '../harness';

const session = useWorkbench({ name: 'smoke' });

test('the Fused Runs container appears in the activity bar and opens the side bar', async () => {
  const wb = session.wb;
  assert.equal(await wb.activityBarItem('Fused Runs').isVisible(), true);
  await wb.openView();
  assert.match(await wb.sideBarTitle(), /fused runs/i);
  assert.ok((await wb.viewHeaders()).length > 0, 'the container shows no view');
});

test('the UDFs tree shows UDF names the local server serves', async () => {
  const wb = session.wb;
  await wb.openView();
  const served = new Set(wb.fused.records.map((record) => record.udf_name).filter((name): name is string => typeof name === 'string' && name.length > 0));
  assert.ok(served.size > 1, 'the local server serves no named UDFs');

  // The tree loads asynchronously after activation: wait for the first root row naming a served UDF.
  let roots: string[] = [];
  await waitUntil(async () => (roots = (await wb.treeRows()).filter((row) => row.level === 1).map((row) => row.label)).some((label) => served.has(label)), {
    timeout: 30_000,
    message: () => `a root row names a served UDF (rows: ${JSON.stringify(roots)})`,
  });
  const shownUdfs = roots.filter((label) => served.has(label));
  assert.ok(shownUdfs.length > 0, `no root row names a served UDF; rows: ${JSON.stringify(roots)}`);
  // Distinct by name (the default grouping): no UDF is listed twice.
  assert.equal(new Set(shownUdfs).size, shownUdfs.length, `duplicate UDF rows: ${JSON.stringify(shownUdfs)}`);
  await wb.screenshot('smoke-tree');
});
