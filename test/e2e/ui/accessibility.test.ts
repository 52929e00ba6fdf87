// Accessibility in a real VS Code, one test per surface: the Fused Runs tree, the record details
// panel and the UDF insights panel. What a screen reader gets is read from the page: the rows'
// aria-label (the accessible name Chromium exposes for a tree row) and, in the webviews, the ARIA
// snapshot of the panel (Playwright's reading of the accessibility tree: roles and names). Two
// rules from issue 15: every control has a meaningful accessible name, and a run's status is
// said in words, never by the icon's colour alone.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import type { AuditLogRecord } from '../../../src/api/types';
import { useWorkbench, waitUntil, type TreeRow, type Workbench } from '../harness';

const session = useWorkbench({ name: 'accessibility', viewport: { width: 1500, height: 1000 } });

const STATUS_WORDS = /(succeeded|failed|incomplete \(never finished\)|served from cache)/i;
/** Roles a user operates; each needs a name. */
const CONTROL_ROLES = ['button', 'link', 'textbox', 'checkbox', 'combobox', 'radio', 'switch', 'tab', 'menuitem', 'slider', 'spinbutton'];

function myRecords(wb: Workbench): AuditLogRecord[] {
  const me = wb.fused.users.find((user) => user.token === wb.fused.token);
  assert.ok(me, 'the server maps its demo token to a user');
  return wb.fused.records.filter((record) => record.user_email === me.email && record.udf_name);
}

/**
 * The controls of an ARIA snapshot that have no name: lines like `- button` or `- link:` where
 * a named one reads `- button "Copy ID"`.
 */
function namelessControls(snapshot: string): string[] {
  const nameless: string[] = [];
  for (const line of snapshot.split('\n')) {
    const match = /^\s*- (\w+)(.*)$/.exec(line);
    if (!match || !CONTROL_ROLES.includes(match[1])) continue;
    const rest = match[2].trim();
    if (!/^"[^"]*\S[^"]*"/.test(rest) && !/^\/.+\//.test(rest)) nameless.push(line.trim());
  }
  return nameless;
}

function controlCount(snapshot: string): number {
  return snapshot.split('\n').filter((line) => CONTROL_ROLES.includes(/^\s*- (\w+)/.exec(line)?.[1] ?? '')).length;
}

async function panelSnapshot(frame: FrameLocator): Promise<string> {
  return frame.locator('body').ariaSnapshot({ timeout: 30_000 });
}

describe('accessibility', () => {
  it('tree: every UDF and run row says its status in words, and every row has a name', async () => {
    const wb = session.wb;
    await wb.openView();
    const udfRows = await waitUntil(
      async () => {
        const rows = (await wb.treeRows()).filter((row) => row.level === 1 && row.expanded !== undefined);
        return rows.length > 3 && rows;
      },
      { timeout: 60_000, message: 'the tree lists UDFs' },
    );
    for (const row of udfRows) {
      assert.ok(row.ariaLabel.startsWith(`${row.label}, latest run `), `UDF row ${row.label}: its accessible name starts with its name: ${row.ariaLabel}`);
      assert.match(row.ariaLabel, STATUS_WORDS, `UDF row ${row.label}: the status in words`);
    }
    // A failing UDF's row and its runs.
    const failed = udfRows.find((row) => /latest run failed/.test(row.ariaLabel));
    assert.ok(failed, `a UDF whose latest run failed: ${JSON.stringify(udfRows.map((row) => row.ariaLabel))}`);
    await wb.expandTreeRow(failed.label);
    const runRows = await waitUntil(
      async () => {
        const rows = await wb.treeRows();
        const start = rows.findIndex((row) => row.level === 1 && row.label === failed.label);
        const runs: TreeRow[] = [];
        for (const row of rows.slice(start + 1)) {
          if (row.level !== 2) break;
          runs.push(row);
        }
        return runs.some((row) => row.expanded !== undefined) && runs;
      },
      { timeout: 30_000, message: `the runs of ${failed.label} are listed` },
    );
    const runs = runRows.filter((row) => row.expanded !== undefined);
    // A run's name leads like its row does (when, then the status in words), then the UDF and the
    // local time with its zone that the row's label leaves to the tooltip, then duration and user.
    const runName = new RegExp(`^(just now|\\d+ (min|h|d|w|mo|y) ago), ${STATUS_WORDS.source}, ${failed.label} run at \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\S+, (took [^,]+|did not complete)(, by [^,]+)?(, error: .+)?$`, 'i');
    for (const row of runs) assert.match(row.ariaLabel, runName, `run row ${row.label}`);
    assert.ok(runs.some((row) => /^[^,]+, failed, .*, error: \S/i.test(row.ariaLabel)), `a failed run says so, with its error: ${JSON.stringify(runs.map((row) => row.ariaLabel))}`);
    // Every row of the view has a name (Load more, notices and error rows included).
    const all = await wb.treeRows();
    assert.deepEqual(all.filter((row) => !row.ariaLabel.trim()).map((row) => row.label), [], 'rows without an accessible name');
    // The failing-UDFs status bar item says what it counts in words.
    const statusItem = wb.page.locator('.part.statusbar .statusbar-item').filter({ hasText: /\d+ failing/ }).first();
    await statusItem.waitFor({ state: 'visible', timeout: 30_000 });
    const statusName = (await statusItem.getAttribute('aria-label')) ?? (await statusItem.locator('[aria-label]').first().getAttribute('aria-label'));
    assert.match(statusName ?? '', /^Fused: \d+ failing UDFs? in /, `the status bar item's accessible name: ${statusName}`);
  });

  it('details panel: every control has a name, and the run\u2019s status is text', async () => {
    const wb = session.wb;
    const failed = myRecords(wb).find((record) => record.stderr && /Error/.test(record.stderr));
    assert.ok(failed, 'the demo has a failed run of mine');
    await wb.runCommand('Fused: Show Run Details');
    await wb.page.locator('.quick-input-widget .quick-input-title').filter({ hasText: 'Show Run Details' }).waitFor({ state: 'visible', timeout: 15_000 });
    await wb.fillQuickInput(failed.id);
    await wb.acceptQuickInput();
    const frame = wb.webviewFrame();
    await frame.locator('tr[data-field="id"] .value').filter({ hasText: failed.id }).waitFor({ state: 'visible', timeout: 30_000 });
    const snapshot = await panelSnapshot(frame);
    process.stdout.write(`# details panel: ${controlCount(snapshot)} controls in its ARIA snapshot: ${snapshot.split('\n').filter((line) => CONTROL_ROLES.includes(/^\s*- (\w+)/.exec(line)?.[1] ?? '')).map((line) => line.trim()).join(' | ')}\n`);
    assert.ok(controlCount(snapshot) >= 3, `the panel has controls (buttons, links):\n${snapshot}`);
    assert.deepEqual(namelessControls(snapshot), [], `controls without a name:\n${snapshot}`);
    assert.match(snapshot, /heading/, 'the panel has headings to navigate by');
    assert.match(snapshot, /\bfailed\b/i, 'the status is in the text, not only a colour');
  });

  it('insights panel: every control has a name, and each chart has a text alternative', async () => {
    const wb = session.wb;
    const name = myRecords(wb)[0].udf_name as string;
    await wb.runCommand('Fused: Show UDF Insights');
    await wb.page.locator('.quick-input-widget .quick-input-title').filter({ hasText: 'Show UDF Insights' }).waitFor({ state: 'visible', timeout: 15_000 });
    await wb.fillQuickInput(name);
    await wb.pickQuickPickItem(name);
    const frame = wb.webviewFrame();
    await frame.locator('h1[data-testid="insights-title"]').filter({ hasText: name }).waitFor({ state: 'visible', timeout: 60_000 });
    await frame.locator('main#app[aria-busy="false"]').waitFor({ state: 'attached', timeout: 60_000 });
    const charts = await panelSnapshot(frame);
    assert.deepEqual(namelessControls(charts), [], `controls without a name (charts shown):\n${charts}`);
    // The charts are canvases: each must be named, and the table toggle gives their numbers as text.
    const canvases = await frame.locator('canvas').evaluateAll((nodes) =>
      nodes.map((node) => {
        const figure = node.closest('[role="img"], figure, [aria-label]');
        return figure?.getAttribute('aria-label') ?? node.getAttribute('aria-label') ?? '';
      }),
    );
    assert.ok(canvases.length > 0, 'the panel draws charts');
    assert.deepEqual(canvases.filter((label) => !label.trim()), [], `charts without a name: ${JSON.stringify(canvases)}`);
    const toggle = frame.locator('button[data-action="toggleTables"]');
    await toggle.click();
    await frame.locator('main#app[data-view="tables"]').waitFor({ state: 'attached', timeout: 10_000 });
    const tables = await panelSnapshot(frame);
    process.stdout.write(`# insights panel: ${controlCount(charts)} controls with charts, ${controlCount(tables)} with tables; chart names: ${canvases.join(' | ')}\n`);
    assert.match(tables, /- table/, `the text alternative is a table:\n${tables}`);
    assert.match(tables, /succeeded|failed/i, 'statuses are named in the table');
    assert.deepEqual(namelessControls(tables), [], `controls without a name (tables shown):\n${tables}`);
  });
});
