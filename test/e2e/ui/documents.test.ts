// Run documents in a real VS Code (code-server + Chromium) against the local Fused server:
// open code/stderr/stdout from tree rows and from the palette, read the editor text and the
// language in the status bar, try to type (refused), open the ~10 MB stderr (timed), follow
// a traceback link to the failing line, and both diffs. Every expectation is computed from
// the records the server serves (demoFixtures finds the special ones by content).
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { AuditLogRecord } from '../../../src/api/types';
import { stripAnsi } from '../../../src/text/ansi';
import { parseUdfData } from '../../../src/shared/udfData';
import { formatLocalTime } from '../../../src/shared/presentation';
import { compareRecords, demoFixtures, type DemoFixtures } from '../../server/generator';
import { runRow, useWorkbench, waitUntil, type Workbench } from '../harness';

const LOCAL_FILE = 'local_udf.py';
const LOCAL_CODE = '@fused.udf\ndef udf():\n    return 42\n';
const session = useWorkbench({
  name: 'documents',
  viewport: { width: 1500, height: 1000 },
  workspaceFiles: { [LOCAL_FILE]: LOCAL_CODE },
});

const DAY = 24 * 3600_000;
const SLACK_MS = 3 * 60_000;

function fixtures(wb: Workbench): DemoFixtures {
  return demoFixtures(wb.fused.records);
}

function record(wb: Workbench, id: string): AuditLogRecord {
  const found = wb.fused.records.find((r) => r.id === id);
  assert.ok(found, `the server serves record ${id}`);
  return found;
}

function firstLine(text: string): string {
  return text.split(/\r\n|\r|\n/)[0];
}

/** The first `count` lines: several demo UDFs share a first line ("@fused.udf"). */
function firstLines(text: string, count: number): string {
  return text.split(/\r\n|\r|\n/).slice(0, count).join('\n');
}

/** Waits until the active editor's tab is `title` and its first rendered lines are `line` (one or more lines). */
async function waitForEditor(wb: Workbench, title: string, line: string, timeoutMs = 30_000): Promise<string> {
  let seen = { title: '', text: '' };
  return waitUntil(
    async () => {
      // Throws while the editor is still being created: waitUntil polls again.
      seen = { title: await wb.activeTabTitle(), text: await wb.editorText() };
      // The tab shows the name; some builds render the extension in a separate element.
      const titleMatches = seen.title === title || seen.title === title.replace(/\.[^.]+$/, '');
      return titleMatches && firstLines(seen.text, line.split('\n').length) === line && seen.text;
    },
    { timeout: timeoutMs, message: () => `editor "${title}" shows ${JSON.stringify(line)} first (saw ${JSON.stringify({ title: seen.title, first: firstLine(seen.text) })})` },
  );
}

async function languageShown(wb: Workbench, language: string): Promise<void> {
  let items: string[] = [];
  await waitUntil(async () => (items = await wb.statusBarItems()).includes(language), {
    timeout: 10_000,
    message: () => `the status bar shows the language ${language} (it shows ${JSON.stringify(items)})`,
  });
}

/** Waits for the quick input whose title matches (the palette's own widget may still be closing). */
async function waitForInputTitled(wb: Workbench, title: RegExp, timeoutMs = 15_000): Promise<void> {
  await wb.waitForQuickInput({ title, timeoutMs });
}

async function openFromPalette(wb: Workbench, command: string, recordId: string): Promise<void> {
  await wb.runCommand(command);
  await waitForInputTitled(wb, /which run/i);
  await wb.fillQuickInput(recordId);
  await wb.acceptQuickInput();
}

async function closeEditors(wb: Workbench): Promise<void> {
  await wb.runCommand('View: Close All Editors');
  await waitUntil(async () => (await wb.tabTitles()).length === 0, { timeout: 10_000, message: async () => `every editor is closed (open: ${JSON.stringify(await wb.tabTitles())})` });
}

/** Diff editor side text once both sides have rendered. */
async function diffSides(wb: Workbench): Promise<{ original: string; modified: string }> {
  const diff = wb.page.locator('.editor-group-container.active .monaco-diff-editor');
  await diff.waitFor({ state: 'visible', timeout: 30_000 });
  const sideText = (side: 'original' | 'modified') =>
    diff.locator(`.editor.${side} .view-lines`).first().evaluate((element) => (element as unknown as { innerText: string }).innerText.replace(/\u00a0/g, ' '));
  let sides = { original: '', modified: '' };
  return waitUntil(
    async () => {
      sides = { original: await sideText('original'), modified: await sideText('modified') };
      return sides.original.trim() !== '' && sides.modified.trim() !== '' && sides;
    },
    { timeout: 30_000, message: () => `both sides of the diff render text (${JSON.stringify({ original: sides.original.slice(0, 80), modified: sides.modified.slice(0, 80) })})` },
  );
}

describe('run documents in a real VS Code', () => {
  it('opens a run\'s stderr and code from the tree rows, as Log and Python', async () => {
    const wb = session.wb;
    await closeEditors(wb);
    await wb.openView();
    const demoEmail = fixtures(wb).demoEmail;
    // My UDFs of the last 24 h (the tree's default); prefer one whose newest run failed.
    const recent = wb.fused.records
      .filter((r) => r.user_email === demoEmail && r.udf_name && Date.now() - Date.parse(r.timestamp) <= DAY - SLACK_MS)
      .sort((a, b) => compareRecords(b, a));
    const newestByName = new Map<string, AuditLogRecord>();
    for (const r of recent) if (!newestByName.has(r.udf_name as string)) newestByName.set(r.udf_name as string, r);
    const candidates = [...newestByName.values()];
    const run = candidates.find((r) => r.stderr?.startsWith('Traceback') && (r.udf_data?.length ?? 0) < 100_000) ?? candidates[0];
    assert.ok(run, 'the demo user has runs in the last 24 h');

    await wb.expandTreeRow(run.udf_name as string);
    await wb.expandTreeRow(runRow(run));
    await (await wb.waitForTreeRow('stderr')).click();
    const stderr = stripAnsi(run.stderr ?? '').text;
    const expectedStderr = stderr ? firstLine(stderr) : `# This run recorded no stderr: ${run.stderr === '' ? 'stderr is empty' : 'stderr is null'}.`;
    await waitForEditor(wb, 'stderr.log', expectedStderr);
    await languageShown(wb, 'Log');

    await (await wb.waitForTreeRow('Code')).click();
    const parsed = parseUdfData(run.udf_data);
    const codeTitle = parsed.kind === 'text' ? 'udf_data.txt' : 'code.py';
    await waitForEditor(wb, codeTitle, firstLine(parsed.code ?? parsed.raw));
    if (codeTitle === 'code.py') await languageShown(wb, 'Python');
    // Both in one group (the second reused the group of the first), neither a preview (italic) tab.
    const groupTabs = await wb.page.locator('.editor-group-container.active .tabs-container .tab').count();
    assert.equal(groupTabs, 2, 'stderr and code are not in the same group');
    assert.equal(await wb.page.locator('.tabs-container .tab.preview').count(), 0, 'a run document opened as a preview');
    await wb.screenshot('documents-from-tree');
    await (await wb.waitForTreeRow(run.udf_name as string)).locator('.monaco-tl-twistie').click();
    await closeEditors(wb);
  });

  it('opens a JSON udf_data run and a plain-code run from the palette, as Python', async () => {
    const wb = session.wb;
    const json = record(wb, fixtures(wb).jsonUdfDataId);
    const parsedJson = parseUdfData(json.udf_data);
    assert.equal(parsedJson.kind, 'serialized');
    await openFromPalette(wb, 'Fused: Open Run Code', json.id);
    const jsonText = await waitForEditor(wb, 'code.py', firstLines(parsedJson.code ?? '', 2));
    assert.ok(!jsonText.includes('"entrypoint"'), 'the JSON envelope is shown instead of the code');
    await languageShown(wb, 'Python');

    const plain = record(wb, fixtures(wb).plainCodeId);
    await openFromPalette(wb, 'Fused: Open Run Code', plain.id);
    await waitForEditor(wb, 'code.py', firstLines(plain.udf_data ?? '', 2));
    await languageShown(wb, 'Python');
  });

  it('refuses typing: the text is unchanged and VS Code says why', async () => {
    const wb = session.wb;
    const plain = record(wb, fixtures(wb).plainCodeId);
    await openFromPalette(wb, 'Fused: Open Run Code', plain.id);
    // Wait until it is the editor shown (the JSON run's code starts alike).
    const before = await waitForEditor(wb, 'code.py', firstLines(plain.udf_data ?? '', 2));
    await wb.page.locator('.editor-group-container.active .monaco-editor .view-line').first().click();
    // The message shows for a few seconds after a refused keystroke: watch for it while typing.
    const message = wb.page.locator('.monaco-editor-overlaymessage, .monaco-hover', { hasText: 'These are recorded Fused runs; they cannot be edited.' });
    const messageShown = message.first().waitFor({ state: 'visible', timeout: 15_000 });
    await wb.page.keyboard.type('zzz tampered ');
    await wb.page.keyboard.press('Enter');
    await messageShown;
    // Every keystroke has been handled (Playwright waits for each); let the editor paint what they did.
    await wb.nextPaint();
    assert.equal(await wb.editorText(), before, 'typing changed a run document');
    assert.equal(await wb.page.locator('.tabs-container .tab.dirty').count(), 0, 'a run document became dirty');
    await closeEditors(wb);
  });

  it('opens the ~10 MB stderr without freezing (timed from Enter to the first line on screen)', async (t) => {
    const wb = session.wb;
    const hugeId = fixtures(wb).hugeId;
    assert.ok(hugeId, 'the default data set carries the ~10 MB stderr');
    const huge = record(wb, hugeId);
    await wb.runCommand('Fused: Open Run stderr');
    await waitForInputTitled(wb, /which run/i);
    await wb.fillQuickInput(huge.id);
    // The longest gap between animation frames while it loads: how long the UI stood still.
    await wb.page.evaluate(`(() => {
      const probe = (window.__fusedFrameProbe = { maxGap: 0, last: performance.now(), running: true });
      const tick = () => {
        const now = performance.now();
        probe.maxGap = Math.max(probe.maxGap, now - probe.last);
        probe.last = now;
        if (probe.running) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    const started = Date.now();
    await wb.acceptQuickInput();
    await waitForEditor(wb, 'stderr.log', firstLine(stripAnsi(huge.stderr ?? '').text), 60_000);
    const elapsed = Date.now() - started;
    const maxGap = Math.round((await wb.page.evaluate(`(() => { window.__fusedFrameProbe.running = false; return window.__fusedFrameProbe.maxGap; })()`)) as number);
    t.diagnostic(`10 MB stderr (${huge.stderr?.length} chars) on screen ${elapsed} ms after Enter; longest frame gap meanwhile ${maxGap} ms`);
    // Scrolling to the end works and shows the traceback that closes the log.
    await wb.page.locator('.editor-group-container.active .monaco-editor .view-line').first().click();
    await wb.page.keyboard.press('Control+End');
    const tail = stripAnsi(huge.stderr ?? '').text.trimEnd().split(/\r\n|\r|\n/).pop() ?? '';
    await waitUntil(async () => (await wb.editorText()).includes(tail.trim()), { timeout: 15_000, message: `the end of the log renders: ${tail}` });
    await closeEditors(wb);

    // Baseline: the same text as a plain file of the workspace, opened the same way VS Code
    // opens any file, so the numbers above can be told apart from VS Code's own cost.
    fs.writeFileSync(path.join(wb.workspaceDir, 'baseline-10mb.log'), stripAnsi(huge.stderr ?? '').text);
    await wb.runCommand('Go to File...');
    await wb.waitForQuickInput({ placeholder: /files by name/i });
    await wb.fillQuickInput('baseline-10mb.log');
    await wb.pickQuickPickItem(/baseline-10mb\.log/);
    // code-server asks before opening a file this large; the clock starts at "Open Anyway".
    const openAnyway = wb.page.getByRole('button', { name: 'Open Anyway' });
    await openAnyway.waitFor({ state: 'visible', timeout: 15_000 }).catch(() => undefined);
    const baseStarted = Date.now();
    await wb.page.evaluate(`(() => { const p = window.__fusedFrameProbe; p.maxGap = 0; p.last = performance.now(); p.running = true; const tick = () => { const now = performance.now(); p.maxGap = Math.max(p.maxGap, now - p.last); p.last = now; if (p.running) requestAnimationFrame(tick); }; requestAnimationFrame(tick); })()`);
    if (await openAnyway.isVisible()) await openAnyway.click();
    await waitForEditor(wb, 'baseline-10mb.log', firstLine(stripAnsi(huge.stderr ?? '').text), 60_000);
    const baseElapsed = Date.now() - baseStarted;
    const baseGap = Math.round((await wb.page.evaluate(`(() => { window.__fusedFrameProbe.running = false; return window.__fusedFrameProbe.maxGap; })()`)) as number);
    t.diagnostic(`baseline: the same 10 MB as a workspace file on screen ${baseElapsed} ms after picking it; longest frame gap ${baseGap} ms`);
    // Still responsive: the palette opens and closes right away.
    const probe = Date.now();
    await wb.runCommand('View: Close All Editors');
    t.diagnostic(`palette round trip after opening it: ${Date.now() - probe} ms`);
    assert.ok(elapsed < 60_000);
  });

  it('keeps ANSI colours as decorations on the stripped text', async () => {
    const wb = session.wb;
    const ansi = record(wb, fixtures(wb).ansiId);
    const stripped = stripAnsi(ansi.stdout ?? '');
    const green = stripped.ranges.find((range) => range.style.fg?.kind === 'named' && range.style.fg.index === 2);
    const bold = stripped.ranges.find((range) => range.style.bold);
    assert.ok(green && bold, 'the fixture has a green and a bold span');
    const greenText = stripped.text.slice(green.start, green.end);
    const boldText = stripped.text.slice(bold.start, bold.end).trim();
    await openFromPalette(wb, 'Fused: Open Run stdout', ansi.id);
    await waitForEditor(wb, 'stdout.log', firstLine(stripped.text));
    // Monaco splits a line into token spans; decorations add their own class (ced-…) with the style.
    interface Span { text: string; className: string; color: string; fontWeight: string }
    const spans = async (): Promise<Span[]> =>
      wb.page.locator('.editor-group-container.active .view-line span span').evaluateAll((elements) =>
        elements.map((element) => {
          const e = element as unknown as { textContent: string | null; className: string };
          const style = (globalThis as unknown as { getComputedStyle(e: unknown): { color: string; fontWeight: string } }).getComputedStyle(element);
          return { text: (e.textContent ?? '').replace(/\u00a0/g, ' '), className: e.className, color: style.color, fontWeight: style.fontWeight };
        }),
      );
    let shown: Span[] = [];
    const decorated = (span: Span) => /\bced-/.test(span.className);
    await waitUntil(async () => (shown = await spans()).some(decorated), { timeout: 15_000, message: () => `the editor shows colour decorations (${JSON.stringify(shown.slice(0, 8))})` });
    const greenSpans = shown.filter((span) => decorated(span) && span.text.trim() && greenText.includes(span.text.trim()));
    assert.ok(greenSpans.length > 0, `no decorated span of "${greenText}": ${JSON.stringify(shown.slice(0, 16))}`);
    for (const span of greenSpans) {
      const [r, g, b] = (span.color.match(/\d+/g) ?? []).map(Number);
      assert.ok(g > r && g > b, `"${span.text}" is decorated but not green: ${span.color}`);
    }
    const boldSpans = shown.filter((span) => decorated(span) && span.text.trim() && boldText.includes(span.text.trim()));
    assert.ok(boldSpans.length > 0 && boldSpans.every((span) => Number(span.fontWeight) >= 600), `"${boldText}" is not bold: ${JSON.stringify(boldSpans)}`);
    const firstLineSpans = shown.filter((span) => firstLine(stripped.text).includes(span.text) && span.text.trim());
    assert.ok(firstLineSpans.length > 0 && !firstLineSpans.some(decorated), 'the uncoloured first line got a colour decoration');
    await wb.screenshot('documents-ansi');
    await closeEditors(wb);
  });

  it('a reloaded window restores run documents from their URI alone', async () => {
    const wb = session.wb;
    const unicode = record(wb, fixtures(wb).unicodeId);
    const text = stripAnsi(unicode.stdout ?? '').text;
    await openFromPalette(wb, 'Fused: Open Run stdout', unicode.id);
    await waitForEditor(wb, 'stdout.log', firstLine(text));
    // VS Code's own reload shuts the window down properly, which persists the open editors
    // (a bare page reload may not flush the workbench state in time).
    const reloaded = wb.page.waitForEvent('framenavigated', { predicate: (frame) => frame === wb.page.mainFrame(), timeout: 60_000 });
    await wb.runCommand('Developer: Reload Window');
    await reloaded;
    await wb.waitForWorkbench();
    // Restored editors come back after the workbench and the extension host (slow under load).
    await waitForEditor(wb, 'stdout.log', firstLine(text), 180_000);
    await languageShown(wb, 'Log');
    await closeEditors(wb);
  });

  it('a traceback frame in stderr links to the failing line of the run\'s code.py', async () => {
    const wb = session.wb;
    const failed = record(wb, fixtures(wb).failedJsonId);
    const frame = /File "(\/tmp\/udf_[0-9a-f]+\.py)", line (\d+), in udf/.exec(failed.stderr ?? '');
    assert.ok(frame, 'the fixture traceback has a frame in the UDF');
    const line = Number(frame[2]);
    await openFromPalette(wb, 'Fused: Open Run stderr', failed.id);
    await waitForEditor(wb, 'stderr.log', firstLine(failed.stderr ?? ''));
    await wb.followEditorLink(/udf_[0-9a-f]+\.py/);
    const code = parseUdfData(failed.udf_data).code ?? '';
    await waitForEditor(wb, 'code.py', firstLine(code));
    let items: string[] = [];
    await waitUntil(async () => (items = await wb.statusBarItems()).some((item) => item.startsWith(`Ln ${line},`)), {
      timeout: 10_000,
      message: () => `the cursor is on line ${line} (status bar: ${JSON.stringify(items)})`,
    });
    await wb.screenshot('documents-traceback-link');
    await closeEditors(wb);
  });

  it('"Compare with Previous Run" shows the previous different code beside this run\'s', async () => {
    const wb = session.wb;
    const demoEmail = fixtures(wb).demoEmail;
    const mine = wb.fused.records.filter((r) => r.user_email === demoEmail && r.udf_id && r.udf_data && r.udf_data.length < 100_000).sort((a, b) => compareRecords(b, a));
    const codeOf = (r: AuditLogRecord) => {
      const parsed = parseUdfData(r.udf_data);
      return (parsed.code ?? parsed.raw).replace(/\r\n?/g, '\n');
    };
    let pair: { current: AuditLogRecord; previous: AuditLogRecord } | undefined;
    for (const current of mine) {
      const earlier = wb.fused.records
        .filter((r) => r.user_email === demoEmail && r.udf_id === current.udf_id && Date.parse(r.timestamp) < Date.parse(current.timestamp) && r.udf_data)
        .sort((a, b) => compareRecords(b, a));
      const previous = earlier.find((r) => codeOf(r) !== codeOf(current));
      if (previous && firstLine(codeOf(previous)) !== '' && earlier.indexOf(previous) < 200) {
        pair = { current, previous };
        break;
      }
    }
    assert.ok(pair, 'the demo data has a UDF whose code changed');
    await openFromPalette(wb, 'Fused: Compare with Previous Run', pair.current.id);
    const { original, modified } = await diffSides(wb);
    assert.ok(original.includes(firstLine(codeOf(pair.previous)).trim()), `the left side is not the previous run: ${original.slice(0, 200)}`);
    assert.ok(modified.includes(firstLine(codeOf(pair.current)).trim()), `the right side is not this run: ${modified.slice(0, 200)}`);
    assert.match(await wb.activeTabTitle(), /↔/);
    await wb.screenshot('documents-diff-previous');
    await closeEditors(wb);
  });

  it('"Compare with Run…" lists the UDF\'s runs and diffs the picked one, older on the left', async () => {
    const wb = session.wb;
    const demoEmail = fixtures(wb).demoEmail;
    const plain = record(wb, fixtures(wb).plainCodeId);
    const sameUdf = wb.fused.records
      .filter((r) => r.user_email === demoEmail && r.udf_id === plain.udf_id && r.id !== plain.id)
      .sort((a, b) => compareRecords(b, a));
    assert.ok(sameUdf.length > 0, 'the UDF has other runs');
    await openFromPalette(wb, 'Fused: Compare with Run…', plain.id);
    await waitForInputTitled(wb, /^Runs of /);
    const items = await wb.quickPickItems();
    // Newest first, the run itself left out (labels are the local times).
    assert.equal(items[0], formatLocalTime(sameUdf[0].timestamp));
    assert.ok(!items.includes(formatLocalTime(plain.timestamp)) || sameUdf.some((r) => r.timestamp === plain.timestamp));
    await wb.pickQuickPickItem(items[0]);
    const diff = wb.page.locator('.editor-group-container.active .monaco-diff-editor');
    await diff.waitFor({ state: 'visible', timeout: 30_000 });
    const [older, newer] = Date.parse(sameUdf[0].timestamp) <= Date.parse(plain.timestamp) ? [sameUdf[0], plain] : [plain, sameUdf[0]];
    const title = await wb.activeTabTitle();
    assert.ok(title.includes(`run ${formatLocalTime(older.timestamp)} ↔ run ${formatLocalTime(newer.timestamp)}`), `diff title: ${title}`);
    await closeEditors(wb);
  });

  it('"Compare Run Code with Local File" from a run document picks a workspace file and diffs it', async () => {
    const wb = session.wb;
    const plain = record(wb, fixtures(wb).plainCodeId);
    await openFromPalette(wb, 'Fused: Open Run Code', plain.id);
    await waitForEditor(wb, 'code.py', firstLines(plain.udf_data ?? '', 2));
    // The run document is active, so the command offers its run, then asks for the local file.
    await wb.runCommand('Fused: Compare Run Code with Local File');
    await waitForInputTitled(wb, /which run/i);
    await wb.acceptQuickInput(); // the InputBox is prefilled with the active document's run
    await waitForInputTitled(wb, /with…$/);
    await wb.pickQuickPickItem(LOCAL_FILE);
    const { original, modified } = await diffSides(wb);
    assert.ok(modified.includes('return 42'), `the right side is not the local file: ${modified.slice(0, 200)}`);
    assert.ok(original.includes(firstLine(plain.udf_data ?? '')), 'the left side is not the run code');
    assert.match(await wb.activeTabTitle(), new RegExp(`↔ ${LOCAL_FILE}`));
    await wb.screenshot('documents-diff-local');
  });
});
