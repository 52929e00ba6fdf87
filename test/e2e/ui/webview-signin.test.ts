// The details webview when the user is not signed in: the panel says so (no blank page, no
// crash), and loads the record by itself once a token is set.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demoFixtures } from '../../server/generator';
import { useWorkbench } from '../harness';

// No FUSED_AUTH_TOKEN, no ~/.fused credentials: nothing to sign in with.
const session = useWorkbench({ name: 'webview-signin', token: null });

describe('record details webview without a token (real VS Code)', () => {
  it('shows the sign-in error, then the record once "Fused: Set API Token" is done', async () => {
    const wb = session.wb;
    const id = demoFixtures(wb.fused.records).failedJsonId;
    const requestsBefore = wb.fused.stats().requests;

    await wb.runCommand('Fused: Show Run Details');
    await wb.page.locator('.quick-input-widget .quick-input-title').filter({ hasText: 'Show Run Details' }).waitFor({ state: 'visible', timeout: 15_000 });
    await wb.fillQuickInput(id);
    await wb.acceptQuickInput();

    const frame = wb.webviewFrame();
    const alert = frame.locator('.error-box[role="alert"]');
    await alert.waitFor({ state: 'visible', timeout: 30_000 });
    const message = ((await alert.locator('.error-message').textContent()) ?? '').trim();
    assert.match(message, /No Fused API token is set/);
    assert.match(message, /Set API Token/);
    assert.equal(wb.fused.stats().requests, requestsBefore, 'nothing was sent without a token');

    await wb.runCommand('Fused: Set API Token');
    await wb.page.locator('.quick-input-widget .quick-input-title').filter({ hasText: 'Set API Token' }).waitFor({ state: 'visible', timeout: 15_000 });
    await wb.fillQuickInput(wb.fused.token);
    await wb.acceptQuickInput();

    // The panel retries by itself when the credentials change.
    await frame.locator('tr[data-field="id"] .value').filter({ hasText: id }).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await frame.locator('.error-box').count(), 0, 'the error is gone');
    assert.equal(((await frame.locator('tr[data-field="udf_name"] .value').textContent()) ?? '').trim(), wb.fused.records.find((r) => r.id === id)?.udf_name);
  });
});
