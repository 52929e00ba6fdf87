// Hovers over UDF names in Python code, in a real VS Code against the local Fused server:
// the summary matches the server's records for that UDF, a second hover costs no request
// (answered from the cache warmed when the file opened), and a link in the hover acts.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runStatus } from '../../../src/api/status';
import { parseUdfData } from '../../../src/documents/udfData';
import type { AuditLogRecord, RunStatus } from '../../../src/api/types';
import { useWorkbench, type Workbench } from '../harness';

const session = useWorkbench({ name: 'hover', viewport: { width: 1500, height: 1000 } });
const RUNS_PER_HOVER = 20;

/** The demo user's runs of each UDF name, newest first (hovers ask in the default scope: mine). */
function runsByName(wb: Workbench): Map<string, AuditLogRecord[]> {
  const me = wb.fused.users.find((user) => user.token === wb.fused.token);
  assert.ok(me, 'the server maps its demo token to a user');
  const byName = new Map<string, AuditLogRecord[]>();
  for (const record of wb.fused.records) {
    if (record.user_email !== me.email || !record.udf_name || !/^[A-Za-z0-9_]+$/.test(record.udf_name)) continue;
    byName.set(record.udf_name, [...(byName.get(record.udf_name) ?? []), record]);
  }
  for (const runs of byName.values()) runs.sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0));
  return byName;
}

function counts(runs: AuditLogRecord[]): Record<RunStatus, number> {
  const result: Record<RunStatus, number> = { ok: 0, failed: 0, incomplete: 0, cached: 0 };
  for (const run of runs) result[runStatus(run)]++;
  return result;
}

async function openWorkspaceFile(wb: Workbench, relative: string): Promise<void> {
  await wb.runCommand('Go to File...');
  await wb.fillQuickInput(relative);
  await wb.pickQuickPickItem(path.basename(relative));
  const deadline = Date.now() + 20_000;
  let seen = '';
  while (Date.now() < deadline) {
    seen = await wb.activeTabTitle().catch((error: Error) => `(${error.message})`);
    // The tab label may leave the extension out ("hover_demo").
    if (seen === path.basename(relative) || seen === path.basename(relative, path.extname(relative))) return;
    await wb.page.waitForTimeout(100);
  }
  throw new Error(`${relative} did not open; the active tab is ${JSON.stringify(seen)}`);
}

async function waitForRequests(wb: Workbench, shape: string, atLeast: number): Promise<number> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const seen = wb.fused.stats().byQuery[shape] ?? 0;
    if (seen >= atLeast) return seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${shape} request reached the server: ${JSON.stringify(wb.fused.stats().byQuery)}`);
}

describe('hovers over UDF names', () => {
  let decorated = '';
  let called = '';

  it('summarises the runs of an @fused.udf function, matching the server, from the cache', async () => {
    const wb = session.wb;
    const byName = runsByName(wb);
    // A UDF with failures makes the counts worth checking; another one for the fused.run(...) call.
    const names = [...byName.keys()].sort((a, b) => counts(byName.get(b)!.slice(0, RUNS_PER_HOVER)).failed - counts(byName.get(a)!.slice(0, RUNS_PER_HOVER)).failed);
    assert.ok(names.length >= 2, 'the demo user has runs of at least two UDFs');
    decorated = names[0];
    // The hover's "Code" link opens the latest run's code: pick a UDF whose latest run recorded some.
    called = names.slice(1).find((name) => parseUdfData(byName.get(name)![0].udf_data).code?.trim()) ?? '';
    assert.ok(called, 'some UDF\u2019s latest run recorded its code');
    fs.mkdirSync(path.join(wb.workspaceDir, 'flows'), { recursive: true });
    fs.writeFileSync(
      path.join(wb.workspaceDir, 'flows', 'hover_demo.py'),
      ['import fused', '', '', '@fused.udf', `def ${decorated}(bbox=None):`, `    return fused.run("${called}")`, ''].join('\n'),
    );
    wb.fused.resetStats();
    await openWorkspaceFile(wb, 'flows/hover_demo.py');
    // Opening the file warms the cache: one udf_name query per UDF the file names.
    await waitForRequests(wb, 'udf_name', 2);
    const before = wb.fused.stats().requests;

    const token = wb.page.locator('.editor-instance .monaco-editor .view-lines span', { hasText: new RegExp(`^${decorated}$`) }).first();
    const text = (await wb.hover(token)).replace(/\s+/g, ' ');
    const expected = counts(byName.get(decorated)!.slice(0, RUNS_PER_HOVER));
    const shown = Math.min(RUNS_PER_HOVER, byName.get(decorated)!.length);
    assert.match(text, new RegExp(`UDF ${decorated} — last ${shown} runs`), text);
    assert.match(text, new RegExp(`${expected.ok} ok · ${expected.failed} failed · ${expected.incomplete} incomplete · ${expected.cached} cached`), text);
    assert.match(text, /Latest: /, text);
    assert.match(text, /Details · Code/, text);
    assert.equal(wb.fused.stats().requests, before, 'the hover was answered from the cache, no request');
    await wb.screenshot('hover-decorated');
  });

  it('summarises the UDF named in fused.run(...) and opens the latest run from a link', async () => {
    const wb = session.wb;
    await wb.page.mouse.move(0, 0);
    await wb.page.keyboard.press('Escape');
    // A token span (class mtkN), not the line's outer span whose centre is elsewhere.
    const literal = wb.page.locator('.editor-instance .monaco-editor .view-line span[class*="mtk"]', { hasText: called }).first();
    const text = (await wb.hover(literal)).replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`UDF ${called} — last`), text);
    const latest = runsByName(wb).get(called)![0];
    const hoverWidget = wb.page.locator('.monaco-hover:not(.hidden)').filter({ visible: true }).last();
    await hoverWidget.getByRole('link', { name: 'Code', exact: true }).click();
    const deadline = Date.now() + 20_000;
    let tab = '';
    while (Date.now() < deadline && tab !== 'code.py' && tab !== 'code') {
      tab = await wb.activeTabTitle().catch(() => '');
      await wb.page.waitForTimeout(100);
    }
    assert.match(tab, /^code(\.py)?$/, 'the run\u2019s code opened');
    const code = parseUdfData(latest.udf_data).code!;
    const firstLine = code.split(/\r?\n/).find((line) => line.trim()) ?? '';
    let rendered = '';
    while (Date.now() < deadline && !rendered.includes(firstLine.trim())) {
      rendered = await wb.editorText().catch(() => '');
      await wb.page.waitForTimeout(100);
    }
    assert.ok(rendered.includes(firstLine.trim()), `code.py shows the latest run's code (${JSON.stringify(firstLine)}); saw ${JSON.stringify(rendered.slice(0, 200))}`);
  });
});
