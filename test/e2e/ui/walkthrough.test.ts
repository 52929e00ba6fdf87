// The walkthrough in a real VS Code: "Welcome: Open Walkthrough..." lists ours, its five steps show
// in the manifest's order with the step's picture loaded from media/, and doing a step completes it
// (the "open the view" step: unchecked before, checked once the Fused Runs view shows).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../harness/paths';
import { useWorkbench, waitUntil } from '../harness';

const session = useWorkbench({ name: 'walkthrough' });

interface Step { id: string; title: string; media: { image: string } }

/** The manifest's walkthrough, with %key% strings resolved through package.nls.json when it exists. */
function walkthrough(): { title: string; steps: Step[] } {
  const nlsFile = path.join(REPO_ROOT, 'package.nls.json');
  const nls: Record<string, string> = fs.existsSync(nlsFile) ? JSON.parse(fs.readFileSync(nlsFile, 'utf8')) : {};
  const resolve = (text: string): string => text.replace(/^%([^%]+)%$/, (whole, key: string) => nls[key] ?? whole);
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const found = manifest.contributes.walkthroughs[0];
  return { title: resolve(found.title), steps: found.steps.map((step: Step) => ({ ...step, title: resolve(step.title) })) };
}

test('the walkthrough shows its five steps with pictures, and opening the view completes its step', async () => {
  const wb = session.wb;
  const page = wb.page;
  const expected = walkthrough();
  await wb.runCommand('Welcome: Open Walkthrough...');
  await wb.waitForQuickInput();
  await wb.pickQuickPickItem(new RegExp(expected.title));

  const steps = page.locator('button.getting-started-step').filter({ visible: true });
  let titles: string[] = [];
  await waitUntil(
    async () => {
      titles = (await steps.locator('h3.step-title').allInnerTexts()).map((title) => title.trim());
      return titles.length >= expected.steps.length;
    },
    { timeout: 30_000, message: () => `the walkthrough shows ${expected.steps.length} steps (saw ${JSON.stringify(titles)})` },
  );
  assert.deepEqual(titles, expected.steps.map((step) => step.title));

  // The expanded (first) step's picture is the manifest's file, and it loaded.
  const image = page.locator('.getting-started-media img').filter({ visible: true }).first();
  await image.waitFor({ state: 'visible', timeout: 15_000 });
  await page.waitForFunction((element) => (element as unknown as { complete: boolean; naturalWidth: number }).complete && (element as unknown as { naturalWidth: number }).naturalWidth > 0, await image.elementHandle(), { timeout: 15_000 });
  // VS Code sets the picture as srcset ("<uri> 1.5x"), not src: read the one the browser loaded.
  const source = await image.evaluate((element) => (element as unknown as { currentSrc: string }).currentSrc);
  assert.ok(source.includes(path.basename(expected.steps[0].media.image)), `the first step shows ${source}, not ${expected.steps[0].media.image}`);

  // "Open the Fused Runs view": not done yet, done once its button opened the view.
  const viewStep = expected.steps.find((step) => step.id === 'openView');
  assert.ok(viewStep, 'the walkthrough has the openView step');
  const stepButton = steps.filter({ has: page.locator('h3.step-title', { hasText: viewStep.title }) }).first();
  const checkbox = stepButton.locator('[role="checkbox"]').first();
  assert.equal(await checkbox.getAttribute('aria-checked'), 'false', 'the step is done before the view was opened');
  await stepButton.click();
  const open = page.locator('.getting-started-step.expanded a, .getting-started-step.expanded .button-link').filter({ hasText: 'Open the Fused Runs View' }).filter({ visible: true }).first();
  await open.waitFor({ state: 'visible', timeout: 15_000 });
  await open.click();
  await page.waitForFunction((element) => (element as unknown as { getAttribute(name: string): string | null }).getAttribute('aria-checked') === 'true', await checkbox.elementHandle(), { timeout: 30_000 });
  assert.match(await wb.sideBarTitle(), /fused runs/i);
  await wb.screenshot('walkthrough-view-step-done');
});
