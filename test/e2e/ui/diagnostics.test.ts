// Issue 11's failing-line diagnostic in a real VS Code against the local Fused server: with
// fusedRuns.diagnostics.enabled on, a saved UDF whose latest run failed in the code the file
// holds gets an error (source "Fused") on the local line that raised, with the exception's
// message and a link to the run's stderr, read from the one page of the range the code lens and
// hovers share (no request of its own); editing the function clears it, undoing the edit brings it
// back, and a later successful run clears it on Fused: Refresh even with the Fused Runs view hidden.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { AuditLogRecord } from '../../../src/api/types';
import { useWorkbench, waitUntil, type Workbench } from '../harness';

const session = useWorkbench({ name: 'diagnostics', viewport: { width: 1500, height: 1000 }, settings: { 'fusedRuns.diagnostics.enabled': true } });

/** A UDF name no generated record uses, so its one run below is its latest. */
const UDF_NAME = 'diag_failing_udf';
const RUN_CODE = ['@fused.udf', 'def udf(bbox=None):', '    rows = {"lon": 1}', '    return rows["lat"]', ''].join('\n');
/** The local file: two lines before the code the run had, so the run's line 4 is the file's line 6. */
const LOCAL_FILE = ['import fused', '', RUN_CODE].join('\n');
const RAISING_LINE = 6;
const MESSAGE = "KeyError: 'lat'";
const FILE = 'saved/diag_folder/diag_file.py';
const FAILED_RUN_ID = 'diag-failed-run-1';

function seedFailedRun(wb: Workbench): AuditLogRecord {
  const me = wb.fused.users.find((user) => user.token === wb.fused.token);
  assert.ok(me, 'the server maps its demo token to a user');
  const template = wb.fused.records.find((record) => record.user_email === me.email);
  assert.ok(template, 'the demo user has runs to copy the shape of');
  const stderr = ['Traceback (most recent call last):', '  File "/tmp/udf_4f2a.py", line 4, in udf', '    return rows["lat"]', MESSAGE, ''].join('\n');
  const run: AuditLogRecord = {
    ...template,
    id: FAILED_RUN_ID,
    timestamp: new Date(Date.now() - 2 * 60_000).toISOString(),
    udf_name: UDF_NAME,
    udf_data: JSON.stringify({ name: UDF_NAME, entrypoint: 'udf', code: RUN_CODE, headers: [] }),
    stderr,
    execution_time: 0.8,
  };
  wb.fused.addRecords([run]);
  return run;
}

/** The Problems view's rows (file rows and marker rows), as their text. */
async function problemRows(wb: Workbench): Promise<string[]> {
  return (await wb.page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
}

/**
 * Waits until the Problems view lists the failing line (`listed`) or no longer does, and returns
 * the rows it read last; `what` and `detail` say what was awaited when it times out.
 */
async function waitForFailingLine(wb: Workbench, listed: boolean, what: string, options: { timeout?: number; detail?: () => string } = {}): Promise<string[]> {
  let rows: string[] = [];
  await waitUntil(
    async () => {
      rows = await problemRows(wb);
      return rows.some((row) => row.includes(MESSAGE)) === listed;
    },
    { timeout: options.timeout ?? 30_000, message: () => `${what} (rows: ${JSON.stringify(rows)}${options.detail ? `; ${options.detail()}` : ''})` },
  );
  return rows;
}

describe('failing-line diagnostics', () => {
  it('marks the local line that raised in the latest failed run, with its message and a link to its stderr, and no request of its own', async () => {
    const wb = session.wb;
    const run = seedFailedRun(wb);
    const folder = path.join(wb.workspaceDir, path.dirname(FILE));
    fs.mkdirSync(folder, { recursive: true });
    // meta.json names the saved UDF (the function is `udf`).
    fs.writeFileSync(path.join(folder, 'meta.json'), JSON.stringify({ version: '0.0.3', job_config: { steps: [{ type: 'udf', udf: { name: UDF_NAME, entrypoint: 'udf' } }] } }));
    fs.writeFileSync(path.join(wb.workspaceDir, FILE), LOCAL_FILE);
    wb.fused.resetStats();
    await wb.openWorkspaceFile(FILE);
    await wb.runCommand('Problems: Focus on Problems View');

    const rows = await waitForFailingLine(wb, true, 'the Problems view lists the failing line', { timeout: 90_000 });
    const marker = rows.find((row) => row.includes(MESSAGE)) ?? '';
    assert.match(marker, new RegExp(`\\(latest run of ${UDF_NAME}\\)`), marker);
    assert.match(marker, /Fused/, `source "Fused": ${marker}`);
    assert.match(marker, /run stderr/, `the stderr link: ${marker}`);
    assert.match(marker, new RegExp(`\\[Ln ${RAISING_LINE}, Col 5\\]`), `on the local line ${RAISING_LINE} (the run's line 4), from its first character: ${marker}`);
    assert.equal(rows.filter((row) => /\(latest run of /.test(row)).length, 1, `one failing line: ${JSON.stringify(rows)}`);
    // The runs came from the one page of the range that the code lens and the hovers share; nothing else.
    const byQuery = wb.fused.stats().byQuery;
    assert.equal(byQuery['udf_name'] ?? 0, 0, `no udf_name read: ${JSON.stringify(byQuery)}`);
    const pages = wb.fused.stats().recent.filter((entry) => entry.shape === 'all' && /[?&]limit=300(&|$)/.test(entry.url));
    assert.equal(pages.length, 1, `one page of the range: ${JSON.stringify(wb.fused.stats().recent)}`);
    await wb.screenshot('diagnostics-problems');

    // The link opens the run's stderr document.
    await wb.page.locator('.markers-panel .monaco-list-row', { hasText: MESSAGE }).getByText('run stderr').click();
    let title = '';
    await waitUntil(async () => (title = await wb.activeTabTitle()).startsWith('stderr'), {
      timeout: 30_000,
      message: () => `the run's stderr opens (active tab ${JSON.stringify(title)})`,
    });
    const text = await wb.editorText();
    assert.ok(text.includes(MESSAGE) && text.includes('line 4, in udf'), `the stderr of ${run.id}: ${text}`);
  });

  it('clears when the function’s code changes', async () => {
    const wb = session.wb;
    await wb.openWorkspaceFile(FILE);
    await wb.runCommand('Problems: Focus on Problems View');
    await waitForFailingLine(wb, true, 'the failing line is listed before the edit');
    // Put the cursor at the end of `rows = {"lon": 1}` (line 5) and add a key: the code no longer is the code that ran.
    await wb.page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'rows = {' }).first().click();
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.press('ArrowLeft');
    await wb.page.keyboard.type(', "lat": 2');
    await waitUntil(async () => (await wb.editorText()).includes('"lat": 2'), { timeout: 15_000, message: 'the edit reaches the editor' });
    await wb.runCommand('Problems: Focus on Problems View');
    const rows = await waitForFailingLine(wb, false, 'the failing line is cleared');
    assert.ok(!rows.some((row) => /\(latest run of /.test(row)), JSON.stringify(rows));
    await wb.screenshot('diagnostics-cleared');
  });

  it('comes back when the edit is undone (the code is again the code that ran)', async () => {
    const wb = session.wb;
    await wb.page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'rows = {' }).first().click();
    // The typing is undone in steps (Monaco groups words): undo until the line is the run's again.
    let text = '';
    await waitUntil(
      async () => {
        text = await wb.editorText();
        if (text.split('\n').includes('    rows = {"lon": 1}')) return true;
        await wb.page.keyboard.press('Control+Z');
        return false;
      },
      { timeout: 20_000, message: () => `undo restores the code that ran (the editor shows ${JSON.stringify(text)})` },
    );
    await wb.runCommand('Problems: Focus on Problems View');
    await waitForFailingLine(wb, true, 'the failing line is listed again once the code is the code that ran');
  });

  it('clears when a later run of the same code succeeds, on Fused: Refresh with the Explorer showing (the tree hidden)', async () => {
    const wb = session.wb;
    await wb.runCommand('Problems: Focus on Problems View');
    await waitForFailingLine(wb, true, 'the failing line is listed before the later run');
    // The Fused Runs view is not showing: VS Code asks a hidden tree for nothing, so the refresh
    // must reach the lenses' page without the tree loading its root.
    await wb.runCommand('View: Show Explorer');
    const failed = wb.fused.records.find((record) => record.id === FAILED_RUN_ID);
    assert.ok(failed, 'the failed run is on the server');
    wb.fused.addRecords([{ ...failed, id: 'diag-succeeded-run-2', timestamp: new Date().toISOString(), stderr: '', stdout: 'ok', execution_time: 0.5 }]);
    wb.fused.resetStats();
    await wb.runCommand('Fused: Refresh');
    await wb.runCommand('Problems: Focus on Problems View');
    const rows = await waitForFailingLine(wb, false, 'the failing line is cleared after the later successful run', {
      timeout: 60_000,
      detail: () => `requests: ${JSON.stringify(wb.fused.stats().byQuery)}`,
    });
    // One read of the range page brought the later run; no per-UDF read.
    const byQuery = wb.fused.stats().byQuery;
    assert.equal(byQuery['udf_name'] ?? 0, 0, `no udf_name read: ${JSON.stringify(byQuery)}`);
    assert.ok(!rows.some((row) => /\(latest run of /.test(row)), JSON.stringify(rows));
  });
});
