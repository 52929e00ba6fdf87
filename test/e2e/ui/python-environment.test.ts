// The user's Python as the Python extension selected it (here its stand-in, test/e2e/python-
// extension-standin: the real one cannot be installed offline): with the Python back end and no
// interpreter setting, the worker runs in the selected environment, and selecting another one
// restarts the worker there (no worker is left in the old one).
process.env.TZ = 'America/New_York';

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, useWorkbench, waitUntil, type Workbench } from '../harness';

/** Two "environments": symlinks to the same Python, so sys.executable tells them apart. */
function environment(wb: Workbench, name: string): string {
  const python = path.join(wb.runDir, 'envs', name, 'bin', 'python');
  if (!fs.existsSync(python)) {
    fs.mkdirSync(path.dirname(python), { recursive: true });
    const real = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    fs.symlinkSync(real, python);
  }
  return python;
}

/** Command lines of running fused SDK workers started from `python`. */
function workersOf(python: string): string[] {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  return lines.filter((line) => line.includes(`${python} -u -c`));
}

const session = useWorkbench({
  name: 'python-environment',
  extraExtensions: [path.join(REPO_ROOT, 'test', 'e2e', 'python-extension-standin')],
  settings: { 'fusedRuns.api.backend': 'python-sdk' },
  env: (fused) => ({
    PYTHONPATH: path.join(REPO_ROOT, 'test', 'python-sdk-standin'),
    FUSED_STANDIN_URL: `${fused.baseUrl}${fused.auditLogPath}`,
    FUSED_STANDIN_TOKEN: fused.token,
    // Until the test selects one: a path that does not exist, so nothing can start by accident.
    PYTHON_STANDIN_INTERPRETER: '/nonexistent/python',
  }),
});

/** Waits until `condition` holds (harness waitUntil: a poll, not a fixed sleep). */
async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  await waitUntil(condition, { timeout: timeoutMs, message: what });
}

describe('the Python extension\'s selected interpreter', () => {
  it('the worker runs in the selected environment, and restarts in the next one when the selection changes', async () => {
    const wb = session.wb;
    const envA = environment(wb, 'a');
    const envB = environment(wb, 'b');
    // Select environment a the way a person does: the Python extension's "Select Interpreter".
    await wb.runCommand('Python: Select Interpreter (stand-in)');
    await wb.waitForQuickInput({ title: /Select Interpreter/ });
    await wb.fillQuickInput(envA);
    await wb.acceptQuickInput();

    await wb.openView();
    const name = wb.fused.records
      .filter((r) => r.user_email === wb.fused.users[0].email && Date.now() - Date.parse(r.timestamp) < 23 * 3600_000)
      .map((r) => r.udf_name)
      .find((n): n is string => !!n);
    assert.ok(name);
    await wb.waitForTreeRow(name, 90_000);
    await waitFor(() => workersOf(envA).length === 1, 15_000, 'one worker in environment a');

    const report = await wb.checkConnection();
    assert.match(report, new RegExp(`✓ Python\\s+${envA.replace(/[.]/g, '\\.')} \\(Python 3\\.\\d+\\.\\d+; from the Python extension's selected interpreter\\): fused 0\\.0\\.0-standin`));

    await wb.runCommand('Python: Select Interpreter (stand-in)');
    await wb.waitForQuickInput({ title: /Select Interpreter/ });
    await wb.fillQuickInput(envB);
    await wb.acceptQuickInput();
    await waitFor(() => workersOf(envB).length === 1, 60_000, 'a worker in environment b');
    await waitFor(() => workersOf(envA).length === 0, 15_000, 'no worker left in environment a');
    await wb.waitForTreeRow(name, 60_000);
  });
});
