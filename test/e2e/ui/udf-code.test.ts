// Real UDF code in a real VS Code against the local Fused server: a saved UDF's `def udf` is
// asked under the name its meta.json gives (not `udf`), the code lens above it counts that
// UDF's runs in the tree's scope and range with one request for the whole file, and clicking
// the lens reveals the UDF in the Fused Runs view with its runs expanded.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runStatus } from '../../../src/api/status';
import type { AuditLogRecord } from '../../../src/api/types';
import { useWorkbench, waitUntil, type Workbench } from '../harness';

const session = useWorkbench({ name: 'udf-code', viewport: { width: 1500, height: 1000 } });
const DAY_MS = 24 * 3600 * 1000;
/** Runs this close to the range's start may fall on either side (the extension and the test read the clock apart). */
const SLACK_MS = 5 * 60 * 1000;
const LENS_PAGE = 300;

/** The demo user's runs (the tree's default scope is "mine"), newest first. */
function myRuns(wb: Workbench): AuditLogRecord[] {
  const me = wb.fused.users.find((user) => user.token === wb.fused.token);
  assert.ok(me, 'the server maps its demo token to a user');
  return wb.fused.records
    .filter((record) => record.user_email === me.email)
    .sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0));
}

/** The code lenses' texts once they are resolved (not blank, not "Loading..."). */
async function lensTexts(wb: Workbench, count: number, timeoutMs = 30_000): Promise<string[]> {
  const lenses = wb.page.locator('.editor-instance .monaco-editor .codelens-decoration');
  let texts: string[] = [];
  return waitUntil(
    async () => {
      // Each line's decoration holds its lenses, "12 runs · … | Insights": the first is the counts.
      texts = (await lenses.allInnerTexts()).map((text) => text.split(/\s\|\s/)[0].trim());
      return texts.length >= count && texts.every((text) => text && !/Loading/.test(text)) && texts;
    },
    { timeout: timeoutMs, message: () => `${count} code lenses are resolved (saw ${JSON.stringify(texts)})` },
  );
}

describe('real UDF code: saved names and code lenses', () => {
  let savedName = '';

  it('hovering `def udf` in a folder with meta.json shows the runs of the name meta.json gives', async () => {
    const wb = session.wb;
    const now = Date.now();
    const byName = new Map<string, AuditLogRecord[]>();
    for (const record of myRuns(wb)) {
      if (!record.udf_name || !/^[A-Za-z0-9_]+$/.test(record.udf_name)) continue;
      byName.set(record.udf_name, [...(byName.get(record.udf_name) ?? []), record]);
    }
    // A UDF that ran recently (well inside the last 24 h) and not near its start: the lens's counts are exact.
    savedName =
      [...byName.keys()].find((name) => {
        const runs = byName.get(name)!;
        return now - Date.parse(runs[0].timestamp) < DAY_MS / 2 && runs.every((r) => Math.abs(now - DAY_MS - Date.parse(r.timestamp)) > SLACK_MS);
      }) ?? '';
    assert.ok(savedName, 'the demo user has a UDF that ran in the last 12 h');
    // Neither the file nor the folder is named like the UDF: only meta.json can name it.
    const folder = path.join(wb.workspaceDir, 'saved', 'my_folder');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(
      path.join(folder, 'meta.json'),
      JSON.stringify({ version: '0.0.3', job_config: { steps: [{ type: 'udf', udf: { name: savedName, entrypoint: 'udf', metadata: { 'fused:slug': savedName } } }] } }),
    );
    fs.writeFileSync(path.join(folder, 'my_file.py'), ['import fused', '', '', '@fused.udf', 'def udf(bbox=None):', '    return bbox', ''].join('\n'));
    wb.fused.resetStats();
    await wb.openWorkspaceFile('saved/my_folder/my_file.py');
    // The extension has read the file once its code lens shows (under load this takes seconds).
    await lensTexts(wb, 1, 60_000);

    // The `udf` after `def` (the decorator's `udf` is another token).
    const token = wb.page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'def udf(' }).locator('span[class*="mtk"]', { hasText: /^udf$/ }).first();
    const text = (await wb.hover(token, 30_000)).replace(/\s+/g, ' ');
    // Answered from the page of the range the lens read (a UDF with runs in it), else by a query of its own.
    const inRange = myRuns(wb).filter((record) => now - Date.parse(record.timestamp) <= DAY_MS);
    const inPage = inRange.slice(0, LENS_PAGE).filter((record) => record.udf_name === savedName);
    const plus = inRange.length > LENS_PAGE ? '\\+' : '';
    if (inPage.length) assert.match(text, new RegExp(`UDF ${savedName} — ${inPage.length}${plus} runs? in last 24 h \\(your runs`), text);
    else assert.match(text, new RegExp(`UDF ${savedName} — last ${Math.min(20, byName.get(savedName)!.length)} runs?`), text);
    assert.match(text, /Name: named in meta\.json/, text);
    assert.equal(wb.fused.stats().byQuery['udf_name'] ?? 0, inPage.length ? 0 : 1, `${inPage.length ? 'no' : 'one'} udf_name query, for ${savedName}: ${JSON.stringify(wb.fused.stats().byQuery)}`);
    const asked = wb.fused.stats().recent.map((entry) => JSON.stringify(entry));
    assert.ok(!asked.some((entry) => /udf_name=udf(&|"|$)/.test(entry)), `nothing asked udf_name=udf: ${asked.join('\n')}`);
    await wb.screenshot('udf-code-hover-meta-json');
  });

  it('the code lens counts that UDF’s runs in the tree’s scope and range, with one request for the file', async () => {
    const wb = session.wb;
    const [lens] = await lensTexts(wb, 1);
    const now = Date.now();
    const inRange = myRuns(wb).filter((record) => now - Date.parse(record.timestamp) <= DAY_MS);
    const page = inRange.slice(0, LENS_PAGE);
    const capped = inRange.length > LENS_PAGE;
    const mine = page.filter((record) => record.udf_name === savedName);
    const failed = mine.filter((record) => runStatus(record) === 'failed').length;
    const plus = capped ? '\\+' : '';
    assert.match(lens, new RegExp(`^${mine.length}${plus} runs? · ${failed}${plus} failed · `), `lens ${JSON.stringify(lens)}; expected ${mine.length} runs, ${failed} failed (page ${capped ? 'full' : 'complete'})`);
    assert.match(lens, / · last (\d+ (min|h) ago|run just now)$/, lens);
    const pages = wb.fused.stats().recent.filter((entry) => entry.shape === 'all' && /[?&]limit=300(&|$)/.test(entry.url));
    assert.equal(pages.length, 1, `one page of the range for the whole file: ${JSON.stringify(wb.fused.stats().recent)}`);
    await wb.screenshot('udf-code-lens');
  });

  it('clicking the lens reveals the UDF in the Fused Runs view with its runs expanded', async () => {
    const wb = session.wb;
    await wb.page.locator('.editor-instance .monaco-editor .codelens-decoration a').first().click();
    const row = await wb.waitForTreeRow(savedName);
    let expanded: string | null = null;
    let selected: string | null = null;
    await waitUntil(
      async () => {
        expanded = await row.getAttribute('aria-expanded', { timeout: 1_000 });
        selected = await row.getAttribute('aria-selected', { timeout: 1_000 });
        return expanded === 'true' && selected === 'true';
      },
      { timeout: 30_000, message: () => `the UDF row is expanded and selected (aria-expanded=${expanded}, aria-selected=${selected})` },
    );
    assert.equal(expanded, 'true', 'the UDF row is expanded');
    assert.equal(selected, 'true', 'the UDF row is selected');
    // Its runs are listed under it: the row after it is one level deeper.
    const runsShown = async () => {
      const rows = await wb.treeRows();
      const at = rows.findIndex((r) => r.label === savedName);
      return at >= 0 && (rows[at + 1]?.level ?? 0) === rows[at].level + 1;
    };
    await waitUntil(runsShown, { timeout: 30_000, message: async () => `the UDF's runs are shown under it: ${JSON.stringify(await wb.treeRows())}` });
    assert.ok(await runsShown(), `the UDF's runs are still shown under it: ${JSON.stringify(await wb.treeRows())}`);
    await wb.screenshot('udf-code-lens-revealed');
  });

  it('the Insights lens opens the insights panel of the saved name', async () => {
    const wb = session.wb;
    await wb.openWorkspaceFile('saved/my_folder/my_file.py');
    const insights = wb.page.locator('.editor-instance .monaco-editor .codelens-decoration a').filter({ hasText: /^Insights$/ }).first();
    await insights.waitFor({ state: 'visible', timeout: 30_000 });
    await insights.click();
    const frame = wb.webviewFrame();
    await frame.locator('h1[data-testid="insights-title"]').filter({ hasText: savedName }).waitFor({ state: 'visible', timeout: 60_000 });
    await frame.locator('main#app[aria-busy="false"]').waitFor({ state: 'attached', timeout: 60_000 });
    const basis = Number(await frame.locator('[data-insights="basis"]').getAttribute('data-runs'));
    // The tree's scope and range (mine, last 24 h); a run may cross the range's start meanwhile.
    const within = (ms: number) => myRuns(wb).filter((record) => record.udf_name === savedName && Date.now() - Date.parse(record.timestamp) <= ms).length;
    assert.ok(basis >= within(DAY_MS - 120_000) && basis <= within(DAY_MS + 120_000) && basis > 0, `the panel is based on ${savedName}'s ${within(DAY_MS)} runs in the last 24 h (it says ${basis})`);
    await wb.runCommand('View: Close All Editors');
  });

  it('a hover in a notebook cell answers for a call through an alias imported in another cell', async () => {
    const wb = session.wb;
    const cell = (source: string[]) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source });
    const notebook = {
      cells: [cell(['import fused as f\n']), cell(['result = f.run(\n', `    "${savedName}",\n`, '    bbox=None,\n', ')\n'])],
      metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    fs.mkdirSync(path.join(wb.workspaceDir, 'notebooks'), { recursive: true });
    fs.writeFileSync(path.join(wb.workspaceDir, 'notebooks', 'explore.ipynb'), JSON.stringify(notebook, null, 1));
    await wb.openWorkspaceFile('notebooks/explore.ipynb');
    // No kernel: the cell's text is tokenized by VS Code and hovered like any Python editor.
    const literal = wb.page.locator('.notebookOverlay .view-line span[class*="mtk"]', { hasText: savedName }).first();
    await literal.waitFor({ state: 'visible', timeout: 30_000 });
    const text = (await wb.hover(literal, 30_000)).replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`UDF ${savedName} — (last \\d+ runs?|\\d+\\+? runs? in last 24 h)`), text);
    await wb.screenshot('udf-code-notebook-hover');
  });
});
