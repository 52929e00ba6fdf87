// Workspace Trust in a real VS Code with trust on: the folder opens in Restricted Mode, the
// extension still runs, and the workspace's own connection settings (another server, the Python
// back end, an interpreter that is a program of the repository) are ignored: the tree works with
// the user-level settings, the other server is never asked, and the program never runs.
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { LAUNCH_TIMEOUT_MS, launchWorkbench, startFusedServer, waitUntil, type FusedTestServer, type Workbench } from '../harness';

describe('Restricted Mode', () => {
  let other: FusedTestServer;
  let wb: Workbench;
  let marker: string;
  before(async () => {
    // The server a hostile repository would like the token to go to.
    other = await startFusedServer({ records: 50, seed: 3 });
    wb = await launchWorkbench({
      name: 'restricted',
      workspaceTrust: true,
      workspaceFiles: {
        '.vscode/settings.json': JSON.stringify({
          'fusedRuns.api.baseUrl': other.baseUrl,
          'fusedRuns.api.auditLogPath': '/audit-log',
          'fusedRuns.api.backend': 'python-sdk',
          'fusedRuns.python.interpreter': '${workspaceFolder}/tools/python',
        }),
        // The "interpreter" the repository names: it would leave a mark if it ever ran.
        'tools/python': '#!/bin/sh\ntouch "$(dirname "$0")/RAN"\nexit 1\n',
      },
    });
    const interpreter = path.join(wb.workspaceDir, 'tools', 'python');
    fs.chmodSync(interpreter, 0o755);
    marker = path.join(wb.workspaceDir, 'tools', 'RAN');
    // The absolute path too, in case ${workspaceFolder} is not expanded: the same program either way.
    fs.writeFileSync(path.join(wb.workspaceDir, '.vscode', 'settings.json'), JSON.stringify({
      'fusedRuns.api.baseUrl': other.baseUrl,
      'fusedRuns.api.auditLogPath': '/audit-log',
      'fusedRuns.api.backend': 'python-sdk',
      'fusedRuns.python.interpreter': interpreter,
    }));
  }, { timeout: LAUNCH_TIMEOUT_MS });
  afterEach(async (t) => wb?.captureIfFailed(t as unknown as { name: string; passed?: boolean }));
  after(async () => {
    await wb?.close();
    await other?.close();
  });

  it('the window is in Restricted Mode (trust is on for this test)', async () => {
    await wb.page.locator('.statusbar-item, .window-title, .titlebar', { hasText: /Restricted Mode/ }).first().waitFor({ timeout: 30_000 });
  });

  it('the tree works with the user-level settings; the workspace\'s server is never asked and its program never runs', async () => {
    await wb.openView();
    const name = wb.fused.records
      .filter((r) => r.user_email === wb.fused.users[0].email && Date.now() - Date.parse(r.timestamp) < 23 * 3600_000)
      .map((r) => r.udf_name)
      .find((n): n is string => !!n);
    assert.ok(name);
    await wb.waitForTreeRow(name, 60_000);
    assert.ok(wb.fused.stats().requests >= 1, 'the user-level server answered');
    assert.equal(other.stats().requests, 0, 'the workspace\'s server got nothing');
    assert.equal(fs.existsSync(marker), false, 'the workspace\'s interpreter never ran');
  });

  it('Check Connection says the connection settings come from the user settings only', async () => {
    const text = await wb.checkConnection();
    // VS Code does not even show an extension the workspace values of its restrictedConfigurations
    // in Restricted Mode, so the report says what applies rather than listing what was hidden.
    assert.match(text, /Workspace\s+Restricted Mode: connection settings come from your user settings only; Python is never started automatically\./);
    assert.match(text, /Back end\s+HTTP: "fusedRuns\.api\.backend" is "auto" \(default\); HTTP only: Restricted Mode never starts Python automatically/);
    assert.match(text, new RegExp(`Base URL\\s+${wb.fused.baseUrl.replace(/[.]/g, '\\.')} \\(user settings\\)`));
    assert.match(text, /✓ Request \(HTTP\)/);
    assert.equal(other.stats().requests, 0);
    assert.equal(fs.existsSync(marker), false);
  });

  it('control: once the folder is trusted, its settings apply (the program it names is started), so Restricted Mode was what kept them out', async () => {
    await wb.runCommand('Workspaces: Manage Workspace Trust');
    const trust = wb.page.locator('.workspace-trust-editor .monaco-button', { hasText: /^\s*Trust\s*$/ }).first();
    await trust.waitFor({ timeout: 30_000 });
    await trust.click();
    await wb.openView();
    const row = await wb.waitForTreeRow(/Could not load UDFs|Refresh failed/, 60_000);
    const description = (await row.locator('.label-description').textContent()) ?? '';
    assert.match(description, /tools\/python/, 'the workspace\'s interpreter is the one that failed');
    await waitUntil(() => fs.existsSync(marker), { timeout: 15_000, message: 'trusted, the workspace\'s interpreter runs (its marker file appears)' });
  });
});
