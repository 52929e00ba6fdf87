// Smoke: the extension is installed in the real extension host, activates without throwing,
// and every command its manifest contributes is registered with VS Code.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'fused-runs.fused-runs';

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

describe('smoke (extension host)', () => {
  it('the extension is present and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded in the extension host`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every command it contributes, all in category "Fused"', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    const contributed = ((extension.packageJSON as { contributes?: { commands?: ContributedCommand[] } }).contributes?.commands ?? []);
    assert.ok(contributed.length > 0, 'the manifest contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((entry) => !registered.has(entry.command)).map((entry) => entry.command);
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
    for (const entry of contributed) {
      assert.match(entry.command, /^fusedRuns\./, `command id ${entry.command} is outside the fusedRuns.* namespace`);
      assert.equal(entry.category, 'Fused', `command ${entry.command} has category ${String(entry.category)}`);
    }
  });

  it('reads the local server settings the harness seeded', () => {
    const config = vscode.workspace.getConfiguration('fusedRuns.api');
    assert.equal(config.get('baseUrl'), process.env.FUSED_E2E_BASE_URL);
    assert.equal(config.get('auditLogPath'), process.env.FUSED_E2E_AUDIT_LOG_PATH);
  });
});
