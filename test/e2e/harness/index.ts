// The real-VS-Code e2e harness. Usage and API: test/e2e/README.md.
import { after, afterEach, before } from 'node:test';
import { launchWorkbench, type LaunchOptions, type Workbench } from './workbench';

export { launchWorkbench, Workbench, workbenchSettings, tokenEnv, type LaunchOptions, type TreeRow, type TreeRowMatch } from './workbench';
export { rowKey, runRow, runRowKey } from './runRows';
export { runExtensionHostTests, type ExtensionHostTestOptions, type ExtensionHostTestResult } from './exthost';
export type { FusedTestServer, StartFusedServerOptions, FaultConfig, DemoUser, ServerStats } from './fusedServer';
export { ensureToolchain, REPO_ROOT, TEST_RESULTS_DIR } from './paths';
export { startForwardProxy, type ForwardProxy, type ProxyLogEntry } from './proxy';
export { startFusedServer } from './fusedServer';
export { waitUntil, WaitTimeoutError, type WaitOptions } from './wait';

/** How long `before` may take to bring up server + code-server + Chromium (a cold ext host included). */
export const LAUNCH_TIMEOUT_MS = 240_000;

/**
 * For a node:test file: launches one workbench in `before`, screenshots failed tests in
 * `afterEach` (test-results/), and closes everything in `after`. Read `.wb` inside tests.
 *
 *   const session = useWorkbench({ name: 'tree' });
 *   test('shows UDFs', async () => { await session.wb.openView(); ... });
 */
export function useWorkbench(options: LaunchOptions = {}): { readonly wb: Workbench } {
  let workbench: Workbench | undefined;
  before(async () => {
    workbench = await launchWorkbench(options);
  }, { timeout: LAUNCH_TIMEOUT_MS });
  afterEach(async (t) => {
    await workbench?.captureIfFailed(t as unknown as { name: string; passed?: boolean });
  });
  after(async () => {
    await workbench?.close();
  });
  return {
    get wb(): Workbench {
      if (!workbench) throw new Error('the workbench is not running (launch failed in before(): see the error above)');
      return workbench;
    },
  };
}
