// The README's and the walkthrough's pictures, taken from the demo in a real VS Code:
// `npm run demo -- --screenshot media/` (a folder) takes the set below at 1280×800 and writes
// palette PNGs (sharp/libimagequant: about a third of Chromium's truecolour PNG); a `.png` path
// takes only the first one (the tree), as before. Re-run after a UI change and look at each file.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** Width × height of every picture: the README shows them at 100% on a wide screen. */
const VIEWPORT = { width: 1280, height: 800 };

/** The set, in the order taken; `file` names are what README.md and package.json refer to. */
const SHOTS = [
  { file: 'screenshot-tree.png', what: 'the Fused Runs tree: UDFs with the status of their latest run, one expanded into its runs' },
  { file: 'screenshot-hover.png', what: 'a hover over a UDF name in Python: its recent runs and links' },
  { file: 'screenshot-details.png', what: 'the details panel of a failed run' },
  { file: 'screenshot-traceback.png', what: "a failed run's stderr, its traceback frame a link into the run's code" },
  { file: 'screenshot-traceback-code.png', what: "the link followed: the run's code at the failing line" },
  { file: 'screenshot-diff.png', what: 'Compare with Previous Run: the code that changed between two runs' },
  { file: 'screenshot-check-connection.png', what: 'Fused: Check Connection: where requests go and which credentials answer' },
  { file: 'screenshot-failing.png', what: 'the tree showing failing UDFs only, one expanded' },
  { file: 'screenshot-insights.png', what: 'Fused: Show UDF Insights: runs over time by status, durations, failure and cache ratios, error groups' },
];

function firstLine(text) {
  return String(text ?? '').split(/\r\n|\r|\n/)[0];
}

async function waitUntil(page, label, condition, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await condition();
      if (last) return last;
    } catch {
      // Still rendering.
    }
    await page.waitForTimeout(150);
  }
  throw new Error(`screenshots: ${label} did not happen within ${timeoutMs} ms`);
}

/** Palette PNG (lossy in colours only, invisible on UI pictures) when sharp is installed. */
async function optimise(file) {
  const before = fs.statSync(file).size;
  let sharp;
  try {
    sharp = require('sharp');
  } catch {
    return { before, after: before };
  }
  const buffer = await sharp(file).png({ palette: true, quality: 90, effort: 10, compressionLevel: 9 }).toBuffer();
  if (buffer.length < before) fs.writeFileSync(file, buffer);
  return { before, after: Math.min(before, buffer.length) };
}

/** The active tab shows `name` (some builds render the extension in a separate element). */
async function activeTabIs(wb, name) {
  const title = await wb.activeTabTitle();
  return title === name || title === name.replace(/\.[^.]+$/, '');
}

async function closeEditors(wb) {
  await wb.runCommand('View: Close All Editors');
  await wb.page.locator('.editor-group-container .tabs-container .tab').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
}

/** Answers the "Which run?" input of a palette command with a record id. */
async function runWithRecord(wb, command, recordId) {
  await wb.runCommand(command);
  // The command's own input has a title; the palette that ran it has none.
  await wb.waitForQuickInput({ title: /\S/, timeoutMs: 20_000 });
  await wb.fillQuickInput(recordId);
  await wb.acceptQuickInput();
}

async function openQuick(wb, fileName) {
  const page = wb.page;
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(fileName);
  await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: fileName }).first().waitFor({ state: 'visible' });
  await input.press('Enter');
  await waitUntil(page, `${fileName} in the editor`, () => activeTabIs(wb, fileName));
}

/**
 * Takes the set into `dir` (or only the tree into a `.png` file). `names` are the demo workspace's
 * UDF names (names[0] is in udfs/pipeline.py's fused.run call).
 */
/** Waits (up to 30 s) for the editor's code lenses to show; returns how many show (0 if none came). */
async function codeLensesShown(page) {
  const lenses = page.locator('.editor-instance .codelens-decoration');
  await lenses.first().waitFor({ state: 'visible', timeout: 30_000 }).catch(() => undefined);
  return lenses.count();
}

async function takeScreenshots(modules, fused, codeServer, runDir, workspaceDir, url, target, names) {
  const { launchBrowser, Workbench, demoFixtures, compareRecords } = modules;
  const single = target.toLowerCase().endsWith('.png');
  const dir = single ? path.dirname(target) : target;
  fs.mkdirSync(dir, { recursive: true });
  const context = await launchBrowser(runDir, VIEWPORT);
  const page = context.pages()[0] || (await context.newPage());
  const wb = new Workbench(page, context, fused, codeServer, workspaceDir, runDir, url, 'Fused Runs', path.basename(runDir));
  const taken = [];
  // The pointer rests on empty space, so no tooltip of the last click is in the picture: the
  // editor's lower right by default, the side bar below the tree's rows where the editor holds a
  // chart (a pointer on a chart selects a point).
  const EDITOR_REST = { x: VIEWPORT.width - 200, y: VIEWPORT.height - 120 };
  const SIDE_BAR_REST = { x: 200, y: VIEWPORT.height - 60 };
  const shoot = async (file, note, rest = EDITOR_REST) => {
    const out = single ? target : path.join(dir, file);
    await page.mouse.move(rest.x, rest.y).catch(() => undefined);
    await page.locator('.workbench-hover, .monaco-hover:not(.hidden)').filter({ visible: true }).first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    // Nor VS Code's own passing "Saving 'settings.json'…" in the status bar.
    await waitUntil(page, 'a quiet status bar', async () => !(await wb.statusBarItems()).some((item) => /^Saving /.test(item)), 10_000).catch(() => undefined);
    await page.screenshot({ path: out });
    const { before, after } = await optimise(out);
    taken.push(out);
    process.stdout.write(`demo: screenshot ${out} (${(after / 1024).toFixed(0)} KiB, was ${(before / 1024).toFixed(0)} KiB)${note ? `: ${note}` : ''}\n`);
  };
  try {
    await page.goto(url);
    await wb.waitForWorkbench();
    const fixtures = demoFixtures(fused.records);

    // 1. The tree, beside the demo file that calls the UDFs, with the newest UDF expanded.
    await openQuick(wb, 'pipeline.py');
    await wb.openView();
    const roots = page.locator('.part.sidebar .monaco-list-row[role="treeitem"][aria-level="1"]');
    await roots.first().waitFor({ state: 'visible', timeout: 60_000 });
    await waitUntil(page, 'the failing-UDFs status bar item', async () => (await wb.statusBarItems()).some((item) => /fail/i.test(item)), 20_000).catch(() => undefined);
    const rows = await wb.treeRows();
    // The newest UDF: in the demo data its runs show every status.
    const failing = rows[0];
    await wb.expandTreeRow(failing.label);
    await waitUntil(page, 'the runs of the expanded UDF', async () => (await wb.treeRows()).some((row) => row.level === 2));
    // The code lenses above the UDF calls belong in the picture: they resolve after the editor shows.
    const lenses = await codeLensesShown(page);
    await shoot(SHOTS[0].file, `expanded ${JSON.stringify(failing.label)}; ${lenses} code lens(es) shown`);
    if (single) return taken;

    // 2. A hover over the UDF name in fused.run("…").
    const nameInCode = page.locator('.editor-instance .view-lines .view-line span', { hasText: names[0] }).last();
    await nameInCode.waitFor({ state: 'visible', timeout: 15_000 });
    // A lens arriving after the pointer would move the line away from under it (and be missing from the picture).
    await codeLensesShown(page);
    const hoverText = await wb.hover(nameInCode, 30_000);
    await page.waitForTimeout(300); // the hover fades in
    const hoverBox = page.locator('.monaco-hover:not(.hidden)').filter({ visible: true }).last();
    await hoverBox.hover().catch(() => undefined); // keep it open while the picture is taken
    await page.screenshot({ path: path.join(dir, SHOTS[1].file) });
    {
      const { before, after } = await optimise(path.join(dir, SHOTS[1].file));
      taken.push(path.join(dir, SHOTS[1].file));
      process.stdout.write(`demo: screenshot ${path.join(dir, SHOTS[1].file)} (${(after / 1024).toFixed(0)} KiB, was ${(before / 1024).toFixed(0)} KiB): hover starts ${JSON.stringify(firstLine(hoverText))}\n`);
    }
    await page.keyboard.press('Escape');

    // 3. The details panel of a failed run.
    const failed = fused.records.find((record) => record.id === fixtures.failedJsonId);
    await closeEditors(wb);
    await runWithRecord(wb, 'Fused: Show Run Details', failed.id);
    const frame = wb.webviewFrame();
    await frame.locator('body').filter({ hasText: failed.udf_name || failed.id }).waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForTimeout(800); // web components upgrade and lay out
    await shoot(SHOTS[2].file, `run ${failed.id} of ${failed.udf_name}`);

    // 4. Its stderr with the traceback link hovered, then the link followed into code.py.
    await closeEditors(wb);
    await runWithRecord(wb, 'Fused: Open Run stderr', failed.id);
    await waitUntil(page, 'stderr.log', () => activeTabIs(wb, 'stderr.log'));
    const link = page.locator('.editor-group-container.active .view-line .detected-link', { hasText: /udf_[0-9a-f]+\.py/ }).first();
    await link.waitFor({ state: 'visible', timeout: 15_000 });
    await link.hover();
    await page.locator('.monaco-hover:not(.hidden)').filter({ visible: true }).filter({ hasText: /follow link/i }).first().waitFor({ state: 'visible', timeout: 10_000 }).catch(() => undefined);
    await page.screenshot({ path: path.join(dir, SHOTS[3].file) });
    await optimise(path.join(dir, SHOTS[3].file));
    taken.push(path.join(dir, SHOTS[3].file));
    process.stdout.write(`demo: screenshot ${path.join(dir, SHOTS[3].file)}\n`);
    // Follow it as a user does; the hover re-renders the line, so click again if the first one missed.
    await page.keyboard.press('Escape');
    for (let attempt = 0; attempt < 3 && !(await activeTabIs(wb, 'code.py').catch(() => false)); attempt++) {
      if (attempt < 2) {
        await link.click({ modifiers: ['Control'], timeout: 10_000 }).catch(() => undefined);
      } else {
        // The keyboard way: the cursor on the link, then VS Code's own Open Link command.
        await link.click({ timeout: 10_000 }).catch(() => undefined);
        await wb.runCommand('Open Link');
      }
      await waitUntil(page, 'code.py', () => activeTabIs(wb, 'code.py'), 5_000).catch(() => undefined);
    }
    const frameLine = Number(/File "\/tmp\/udf_[0-9a-f]+\.py", line (\d+), in udf/.exec(failed.stderr || '')?.[1]);
    await waitUntil(page, 'code.py at the failing line', async () => (await activeTabIs(wb, 'code.py')) && (await wb.statusBarItems()).some((item) => item.startsWith(`Ln ${frameLine},`)));
    await shoot(SHOTS[4].file, `code.py, line ${frameLine}`);

    // 5. Compare with Previous Run on a run whose code changed since the run before it.
    await closeEditors(wb);
    const mine = fused.records
      .filter((r) => r.user_email === fixtures.demoEmail && r.udf_id && r.udf_data && r.udf_data.length < 20_000 && !/[<>\u202e]/.test(r.udf_name || ''))
      .sort((a, b) => compareRecords(b, a));
    let pair;
    for (const current of mine.slice(0, 400)) {
      const previous = mine.find((r) => r.udf_id === current.udf_id && Date.parse(r.timestamp) < Date.parse(current.timestamp));
      if (previous && previous.udf_data !== current.udf_data) {
        pair = { current, previous };
        break;
      }
    }
    if (!pair) throw new Error('screenshots: the demo data has no run whose code changed');
    await runWithRecord(wb, 'Fused: Compare with Previous Run', pair.current.id);
    await page.locator('.editor-group-container.active .monaco-diff-editor').waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.editor-group-container.active .monaco-diff-editor .editor.original .view-line').first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.waitForTimeout(800); // the diff decorations
    await shoot(SHOTS[5].file, `${pair.current.udf_name}: ${pair.previous.id} ↔ ${pair.current.id}`);

    // 6. Check Connection.
    await closeEditors(wb);
    const report = await wb.checkConnection();
    await shoot(SHOTS[6].file, firstLine(report));

    // 7. Failing UDFs only (the walkthrough's "find a failing UDF"), the first one expanded.
    await closeEditors(wb);
    const before = (await wb.treeRows()).filter((row) => row.level === 1).map((row) => row.label).join('\n');
    await wb.runCommand('Fused: Show Failing Only');
    await waitUntil(page, 'the failing-only tree', async () => {
      const now = (await wb.treeRows()).filter((row) => row.level === 1).map((row) => row.label).join('\n');
      return now !== '' && now !== before;
    });
    const firstFailing = (await wb.treeRows()).find((row) => row.level === 1);
    await wb.expandTreeRow(firstFailing.label);
    await waitUntil(page, 'the runs of the failing UDF', async () => (await wb.treeRows()).some((row) => row.level === 2));
    await shoot(SHOTS[7].file, `expanded ${JSON.stringify(firstFailing.label)}`);

    // 8. The insights of the failing UDF with the most runs of the day, from its row's context menu.
    await closeEditors(wb);
    const shown = new Set((await wb.treeRows()).filter((row) => row.level === 1).map((row) => row.label));
    const dayAgo = Date.now() - 24 * 3600_000;
    const runsOf = (name) => fused.records.filter((r) => r.udf_name === name && r.user_email === fixtures.demoEmail && Date.parse(r.timestamp) >= dayAgo).length;
    const busiest = [...shown].filter((name) => /^[\w-]+$/.test(name)).sort((a, b) => runsOf(b) - runsOf(a))[0] || firstFailing.label;
    await wb.treeContextMenu(busiest, 'Show UDF Insights');
    const insights = wb.webviewFrame();
    await insights.locator('h1[data-testid="insights-title"]').filter({ hasText: busiest }).waitFor({ state: 'visible', timeout: 60_000 });
    await insights.locator('main#app[aria-busy="false"]').waitFor({ state: 'attached', timeout: 60_000 });
    await insights.locator('body[data-drawn-runs]').waitFor({ state: 'attached', timeout: 30_000 });
    await page.waitForTimeout(500); // the charts' last layout pass
    // Both charts whole: scroll the page so the durations chart's section ends at the bottom of the
    // panel (the runs chart above it stays in view; the ratio cards at the top may scroll away).
    await insights.locator('section[data-chart="durations"]').evaluate((section) => section.scrollIntoView({ block: 'end' }));
    await insights.locator('#chart-runs canvas').first().waitFor({ state: 'visible', timeout: 10_000 });
    await shoot(SHOTS[8].file, `${busiest}: ${runsOf(busiest)} runs in the last 24 h`, SIDE_BAR_REST);
    return taken;
  } catch (error) {
    const failed = path.join(dir, 'FAILED-screenshot.png');
    await page.screenshot({ path: failed }).catch(() => undefined);
    process.stderr.write(`demo: the page when it failed: ${failed}\n`);
    throw error;
  } finally {
    await context.close();
  }
}

module.exports = { takeScreenshots, SHOTS, VIEWPORT };
