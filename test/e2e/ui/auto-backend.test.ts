// The `auto` back end in a real VS Code, for a user whose deployment does not serve our guess of
// the REST path: the path answers 404, the user's Python has `fused` (the stand-in package, which
// forwards to the local server with the SDK's own sign-in), so the tree fills through the SDK and
// the switch is announced once with an action that keeps it. With the Python back end the tree
// does not ask for the extension's own token.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, useWorkbench, waitUntil, type Workbench } from '../harness';

const WRONG_PATH = '/not-the-audit-log';

const session = useWorkbench({
  name: 'auto-backend',
  // No FUSED_AUTH_TOKEN: the user's token is the one the SDK wrote to ~/.fused/credentials.
  token: null,
  settings: { 'fusedRuns.api.auditLogPath': WRONG_PATH },
  env: (fused) => ({
    PYTHONPATH: path.join(REPO_ROOT, 'test', 'python-sdk-standin'),
    FUSED_STANDIN_URL: `${fused.baseUrl}${fused.auditLogPath}`,
    FUSED_STANDIN_TOKEN: fused.token,
  }),
});

function credentialsFile(wb: Workbench): string {
  return path.join(wb.runDir, 'home', '.fused', 'credentials');
}

function recentUdf(wb: Workbench): string {
  const name = wb.fused.records
    .filter((r) => r.user_email === wb.fused.users[0].email && Date.now() - Date.parse(r.timestamp) < 23 * 3600_000)
    .map((r) => r.udf_name)
    .find((n): n is string => !!n);
  assert.ok(name);
  return name;
}


describe('auto: a 404 path and fused in the user\'s Python', () => {
  it('the tree fills through the fused SDK, and the switch is said once with "Always Use the Python SDK"', async () => {
    const wb = session.wb;
    fs.mkdirSync(path.dirname(credentialsFile(wb)), { recursive: true });
    fs.writeFileSync(credentialsFile(wb), JSON.stringify({ access_token: wb.fused.token, auth_scheme: 'Bearer' }));
    wb.fused.resetStats();
    await wb.openView();
    await wb.waitForTreeRow(recentUdf(wb), 90_000);
    const notice = /audit-log path is not served here \(404\).*fused Python SDK/;
    // Under load the tree can take long enough for the toast to hide into the notification center.
    let message = await wb.waitForNotification(notice, 5_000).catch(() => undefined);
    let centerOpen = false;
    if (!message) {
      await wb.runCommand('Notifications: Show Notifications');
      centerOpen = true;
      message = await wb.waitForNotification(notice);
    }
    assert.match(message, /python/i);
    const stats = wb.fused.stats();
    assert.ok((stats.byStatus['404'] ?? 0) >= 1, `the HTTP path was tried first: ${JSON.stringify(stats.byStatus)}`);
    assert.ok(stats.recent.some((entry) => entry.url.includes('/v1/audit-log') && entry.status === 200), 'the stand-in SDK reached the real path');
    const notices = (await wb.notifications()).filter((text) => /not served here/.test(text));
    assert.equal(notices.length, 1, 'said once');
    if (centerOpen) await wb.page.keyboard.press('Escape');
  });

  it('Check Connection shows the Python SDK in use and why, the interpreter, fused\'s version and import time', async () => {
    const wb = session.wb;
    const text = await wb.checkConnection();
    assert.match(text, /Back end\s+Python SDK: "fusedRuns\.api\.backend" is "auto" \(default\); the audit-log path answered 404\/405 here/);
    assert.match(text, /✓ Python\s+\S+ \(Python 3\.\d+\.\d+; from PATH, as no interpreter is selected\): fused 0\.0\.0-standin, import took \d+ ms/);
    assert.match(text, /✓ Request \(SDK\)\s+fused\.api\.log\(limit=1\) → OK in \d+ ms \(1 record\)/);
    assert.match(text, /Credentials\s+from the Fused SDK's ~\/\.fused\/credentials.*not used: the fused SDK signs in by itself/);
  });

  it('"Always Use the Python SDK" keeps the choice in the user settings', async () => {
    const wb = session.wb;
    const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: /not served here/ }).first();
    const center = wb.page.locator('.notifications-center .notification-list-item', { hasText: /not served here/ }).first();
    if (!(await toast.isVisible())) await wb.runCommand('Notifications: Show Notifications');
    const item = (await toast.isVisible()) ? toast : center;
    await item.locator('.monaco-button', { hasText: 'Always Use the Python SDK' }).click();
    const settingsFile = path.join(wb.codeServer.userDataDir, 'User', 'settings.json');
    await waitUntil(() => /"fusedRuns\.api\.backend":\s*"python-sdk"/.test(fs.readFileSync(settingsFile, 'utf8')), {
      timeout: 15_000,
      message: () => `the user settings say "fusedRuns.api.backend": "python-sdk" (they hold ${fs.readFileSync(settingsFile, 'utf8')})`,
    });
  });

  it('with the Python back end, no token of ours is needed: without ~/.fused/credentials the tree still fills', async () => {
    const wb = session.wb;
    fs.rmSync(credentialsFile(wb));
    wb.fused.resetStats();
    await wb.runCommand('Fused: Refresh');
    await wb.waitForTreeRow(recentUdf(wb), 90_000);
    assert.equal(await wb.page.locator('.part.sidebar .welcome-view-content').isVisible(), false, 'no welcome view asking for a token');
    assert.equal(wb.fused.stats().byStatus['404'] ?? 0, 0, 'HTTP is not tried any more');
    const text = await wb.checkConnection();
    assert.match(text, /Back end\s+Python SDK: "fusedRuns\.api\.backend" is "python-sdk" \(user settings\)/);
    assert.match(text, /Credentials\s+the fused SDK signs in by itself/);
    assert.match(text, /All checks passed/);
  });
});
