// Hovers over UDF names in Python code, in a real VS Code against the local Fused server:
// the summary matches the server's records for that UDF in the tree's scope and range, the hover
// costs no request (answered from the one page of the range that opening the file read, shared
// with the code lens), and a link in the hover acts.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runStatus } from '../../../src/api/status';
import { parseUdfData } from '../../../src/shared/udfData';
import type { AuditLogRecord, RunStatus } from '../../../src/api/types';
import { useWorkbench, waitUntil, type Workbench } from '../harness';

const session = useWorkbench({ name: 'hover', viewport: { width: 1500, height: 1000 } });
const DAY_MS = 24 * 3600 * 1000;
/** The shared page of the range that the lenses and hovers read (the API's largest). */
const PAGE_SIZE = 300;

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

/** The shared page: the demo user's newest runs in the last 24 h (the tree's default scope and range). */
function rangePage(wb: Workbench): { records: AuditLogRecord[]; capped: boolean } {
  const now = Date.now();
  const inRange = [...runsByName(wb).values()].flat().filter((record) => now - Date.parse(record.timestamp) <= DAY_MS);
  inRange.sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0));
  return { records: inRange.slice(0, PAGE_SIZE), capped: inRange.length > PAGE_SIZE };
}

function counts(runs: AuditLogRecord[]): Record<RunStatus, number> {
  const result: Record<RunStatus, number> = { ok: 0, failed: 0, incomplete: 0, cached: 0 };
  for (const run of runs) result[runStatus(run)]++;
  return result;
}

async function waitForRequests(wb: Workbench, shape: string, atLeast: number): Promise<number> {
  // The first Python file activates the extension (onLanguage:python): under load that alone took 40 s.
  return waitUntil(() => (wb.fused.stats().byQuery[shape] ?? 0) >= atLeast && (wb.fused.stats().byQuery[shape] ?? 0), {
    timeout: 90_000,
    message: () => `${atLeast} ${shape} requests reach the server (${JSON.stringify(wb.fused.stats().byQuery)})`,
  });
}

const HOVER_FILE = 'flows/hover_demo.py';

/**
 * Writes flows/hover_demo.py (once): an @fused.udf function named after a UDF with failures (the
 * counts are worth checking), calling fused.run("<another UDF>") whose latest run recorded code
 * (the hover's "Code" link opens it). Names are computed from the server's records.
 */
function writeHoverFile(wb: Workbench): { decorated: string; called: string } {
  const byName = runsByName(wb);
  const page = rangePage(wb).records;
  const inPage = (name: string) => page.filter((record) => record.udf_name === name);
  // Not one whose runs sit at the range's edge (the extension and the test read the clock apart).
  const safe = (name: string) => byName.get(name)!.every((record) => Math.abs(Date.now() - DAY_MS - Date.parse(record.timestamp)) > 5 * 60_000);
  const names = [...byName.keys()].filter((name) => inPage(name).length > 0 && safe(name)).sort((a, b) => counts(inPage(b)).failed - counts(inPage(a)).failed);
  assert.ok(names.length >= 2, 'the demo user has runs of at least two UDFs in the last 24 h');
  const decorated = names[0];
  const called = names.slice(1).find((name) => parseUdfData(byName.get(name)![0].udf_data).code?.trim()) ?? '';
  assert.ok(called, 'some UDF\u2019s latest run recorded its code');
  const file = path.join(wb.workspaceDir, HOVER_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, ['import fused', '', '', '@fused.udf', `def ${decorated}(bbox=None):`, `    return fused.run("${called}")`, ''].join('\n'));
  }
  return { decorated, called };
}

describe('hovers over UDF names', () => {
  it('summarises the runs of an @fused.udf function, matching the server, from the cache', async () => {
    const wb = session.wb;
    const { decorated } = writeHoverFile(wb);
    wb.fused.resetStats();
    await wb.openWorkspaceFile(HOVER_FILE);
    // Opening the file reads the one page of the range that the code lens reads too (one request for the file).
    // The code lens above the function shows once the extension is active and has read the file
    // (activation took 20 s under a load average of 13), and it reads its one page of the range
    // too: let it land before counting requests.
    const lens = wb.page.locator('.editor-instance .monaco-editor .codelens-decoration').first();
    let lensText = '';
    await waitUntil(
      async () => {
        lensText = await lens.innerText({ timeout: 1_000 });
        return / · |no runs/.test(lensText);
      },
      { timeout: 60_000, message: () => `the code lens has counted the runs (it shows ${JSON.stringify(lensText)})` },
    );
    await waitForRequests(wb, 'all', 1);
    const before = wb.fused.stats().requests;
    assert.equal(wb.fused.stats().byQuery['udf_name'] ?? 0, 0, `no request per UDF: ${JSON.stringify(wb.fused.stats().byQuery)}`);

    const token = wb.page.locator('.editor-instance .monaco-editor .view-lines span', { hasText: new RegExp(`^${decorated}$`) }).first();
    const text = (await wb.hover(token)).replace(/\s+/g, ' ');
    // Its runs in the page: its newest in the last 24 h ("at least" when the page was full).
    const page = rangePage(wb);
    const runs = page.records.filter((record) => record.udf_name === decorated);
    const expected = counts(runs);
    const plus = page.capped ? '\\+' : '';
    assert.match(text, new RegExp(`UDF ${decorated} — ${runs.length}${plus} runs? in last 24 h \\(your runs`), text);
    assert.match(text, new RegExp(`${expected.ok} ok · ${expected.failed} failed · ${expected.incomplete} incomplete · ${expected.cached} cached`), text);
    assert.match(text, /Latest: /, text);
    assert.match(text, /Details · Code/, text);
    assert.equal(wb.fused.stats().requests, before, 'the hover was answered from the cache, no request');
    await wb.screenshot('hover-decorated');
  });

  it('summarises the UDF named in fused.run(...) and opens the latest run from a link', async () => {
    const wb = session.wb;
    const { called } = writeHoverFile(wb);
    // The file is open already when the test before ran; otherwise open it.
    const active = await wb.activeTabTitle().catch(() => '');
    if (active !== path.basename(HOVER_FILE) && active !== path.basename(HOVER_FILE, '.py')) await wb.openWorkspaceFile(HOVER_FILE);
    await wb.page.mouse.move(0, 0);
    await wb.page.keyboard.press('Escape');
    // A token span (class mtkN), not the line's outer span whose centre is elsewhere.
    const literal = wb.page.locator('.editor-instance .monaco-editor .view-line span[class*="mtk"]', { hasText: called }).first();
    const text = (await wb.hover(literal)).replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`UDF ${called} — \\d+\\+? runs? in last 24 h`), text);
    const latest = runsByName(wb).get(called)![0];
    const hoverWidget = wb.page.locator('.monaco-hover:not(.hidden)').filter({ visible: true }).last();
    await hoverWidget.getByRole('link', { name: 'Code', exact: true }).click();
    let tab = '';
    await waitUntil(async () => /^code(\.py)?$/.test((tab = await wb.activeTabTitle())), { timeout: 20_000, message: () => `the run\u2019s code opens (active tab: ${JSON.stringify(tab)})` });
    const code = parseUdfData(latest.udf_data).code!;
    const firstLine = code.split(/\r?\n/).find((line) => line.trim()) ?? '';
    let rendered = '';
    await waitUntil(async () => (rendered = await wb.editorText()).includes(firstLine.trim()), {
      timeout: 20_000,
      message: () => `code.py shows the latest run's code (${JSON.stringify(firstLine)}; saw ${JSON.stringify(rendered.slice(0, 200))})`,
    });
  });
});
