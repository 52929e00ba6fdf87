// runExtensionHostTests(): the @vscode/test-electron `runTests()` equivalent on code-server.
// code-server runs with --vscode-option enable-smoke-test-driver, so the workbench honours the
// `payload` URL parameter: extensionDevelopmentPath = the repository (the extension is loaded from
// source, not installed) and extensionTestsPath = a module exporting `run(): Promise<void>`
// (test/e2e/exthost/index.ts runs the mocha suites). The exit code comes back through
// window.codeAutomationExit; the counts through a JSON file named by FUSED_RUNS_EXTHOST_RESULT.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser } from './browser';
import { startCodeServer } from './codeServer';
import { startFusedServer, type StartFusedServerOptions } from './fusedServer';
import { createRunDir, removeBrowserProfile, REPO_ROOT } from './paths';
import { tokenEnv, workbenchSettings } from './workbench';

/** test/e2e/exthost/index.ts prefixes its report lines with this. */
const TEST_LINE_PREFIX = '[fused-exthost]';

export interface ExtensionHostTestOptions {
  settings?: Record<string, unknown>;
  token?: string | null;
  server?: StartFusedServerOptions;
  workspaceFiles?: Record<string, string>;
  env?: Record<string, string>;
  /** Only run tests whose full title matches (mocha grep); also FUSED_RUNS_EXTHOST_GREP. */
  grep?: string;
  timeoutMs?: number;
  /** The extension under test, loaded from source (default: the repository root). */
  extensionDevelopmentPath?: string;
  /** Where each log line of the run goes (default: stdout). */
  log?: (line: string) => void;
}

export interface ExtensionHostFailure {
  title: string;
  error: string;
}

export interface ExtensionHostTestResult {
  passed: number;
  failed: number;
  pending: number;
  /** What the workbench reported through codeAutomationExit (0 = all passed). */
  exitCode: number;
  failures: ExtensionHostFailure[];
  runDir: string;
}

/** Written by test/e2e/exthost/index.ts; read back here. */
export interface ExtensionHostResultFile {
  passed: number;
  failed: number;
  pending: number;
  failures: ExtensionHostFailure[];
}

export async function runExtensionHostTests(testsModulePath: string, options: ExtensionHostTestOptions = {}): Promise<ExtensionHostTestResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const runDir = createRunDir('exthost');
  const resultFile = path.join(runDir, 'exthost-result.json');
  const workspaceDir = path.join(runDir, 'workspace');
  fs.mkdirSync(workspaceDir, { recursive: true });
  for (const [relative, content] of Object.entries(options.workspaceFiles ?? {})) {
    fs.mkdirSync(path.dirname(path.join(workspaceDir, relative)), { recursive: true });
    fs.writeFileSync(path.join(workspaceDir, relative), content);
  }

  const fused = await startFusedServer(options.server ?? {});
  let stopCodeServer: (() => Promise<void>) | undefined;
  let closeBrowser: (() => Promise<void>) | undefined;
  try {
    // Ext-host tests compute expectations from what the server serves, like the UI tests.
    const recordsFile = path.join(runDir, 'records.json');
    fs.writeFileSync(recordsFile, JSON.stringify(fused.records));
    const { env, unsetEnv } = tokenEnv(fused, options.token);
    const grep = options.grep ?? process.env.FUSED_RUNS_EXTHOST_GREP;
    const codeServer = await startCodeServer({
      runDir,
      workspaceDir,
      settings: workbenchSettings(fused, options.settings),
      env: {
        ...env,
        FUSED_RUNS_EXTHOST_RESULT: resultFile,
        FUSED_E2E_BASE_URL: fused.baseUrl,
        FUSED_E2E_AUDIT_LOG_PATH: fused.auditLogPath,
        FUSED_E2E_TOKEN: fused.token,
        FUSED_E2E_RECORDS_FILE: recordsFile,
        ...(grep ? { FUSED_RUNS_EXTHOST_GREP: grep } : {}),
        ...options.env,
      },
      unsetEnv,
      smokeTestDriver: true,
    });
    stopCodeServer = () => codeServer.stop();

    const context = await launchBrowser(runDir);
    closeBrowser = () => context.close();
    const page = context.pages()[0] ?? (await context.newPage());
    let reportExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (reportExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => {
      reportExit(Number(code));
    });
    // Everything the workbench logs goes to a file; the test module's own lines are echoed.
    const consoleLog = path.join(runDir, 'workbench-console.log');
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = (Array.isArray(args) ? args : [args]).map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ');
      fs.appendFileSync(consoleLog, `[${type}] ${text}\n`);
      const at = text.indexOf(TEST_LINE_PREFIX);
      if (at >= 0) log(`[exthost] ${text.slice(at + TEST_LINE_PREFIX.length).trimStart()}`);
    });
    page.on('pageerror', (error) => fs.appendFileSync(consoleLog, `[pageerror] ${error.message}\n`));

    const remote = (absolute: string) => `vscode-remote://127.0.0.1:${codeServer.port}${absolute}`;
    const payload = [
      ['extensionDevelopmentPath', remote(path.resolve(options.extensionDevelopmentPath ?? REPO_ROOT))],
      ['extensionTestsPath', remote(path.resolve(testsModulePath))],
    ];
    const url = `${codeServer.url}/?folder=${encodeURIComponent(workspaceDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    // The tests report through codeAutomationExit; the page's load event (30 s limit) is not needed.
    await page.goto(url, { waitUntil: 'commit' });

    const timeoutMs = options.timeoutMs ?? 5 * 60_000;
    const exitCode = await Promise.race([
      exited,
      new Promise<number>((_, reject) =>
        setTimeout(() => reject(new Error(`extension-host tests did not finish within ${timeoutMs} ms (logs in ${runDir})`)), timeoutMs).unref(),
      ),
    ]);

    if (!fs.existsSync(resultFile)) {
      // The tests module never wrote its counts: activation or loading failed before mocha ran.
      return {
        passed: 0,
        failed: 1,
        pending: 0,
        exitCode,
        failures: [{ title: 'extension-host test run', error: `no result file (exit code ${exitCode}); see ${codeServer.logFile}` }],
        runDir,
      };
    }
    const result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as ExtensionHostResultFile;
    const failed = result.failed + (exitCode !== 0 && result.failed === 0 ? 1 : 0);
    const failures = [...result.failures];
    if (failed > result.failed) failures.push({ title: 'extension-host test run', error: `exit code ${exitCode} although no test failed` });
    return { passed: result.passed, failed, pending: result.pending, exitCode, failures, runDir };
  } finally {
    await closeBrowser?.().catch(() => undefined);
    removeBrowserProfile(runDir);
    await stopCodeServer?.().catch(() => undefined);
    await fused.close().catch(() => undefined);
  }
}

/** The CLI's command line (node:util parseArgs): an optional tests module, `--grep PATTERN`. */
function readCliArgs(argv: string[]): { testsModule: string; grep?: string } {
  try {
    const { values, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { grep: { type: 'string' } } });
    if (positionals.length > 1) throw new Error(`one tests module at most, got ${positionals.length}: ${positionals.join(' ')}`);
    return { testsModule: positionals[0] ?? path.join(REPO_ROOT, 'out', 'test', 'e2e', 'exthost', 'index.js'), grep: values.grep };
  } catch (error) {
    process.stderr.write(`exthost: ${(error as Error).message}\nusage: node out/test/e2e/harness/exthost.js [tests-module.js] [--grep PATTERN]\n`);
    process.exit(2);
  }
}

// CLI: node out/test/e2e/harness/exthost.js [tests module] [--grep PATTERN]  (used by scripts/test-all.js)
if (require.main === module) {
  const { testsModule, grep } = readCliArgs(process.argv.slice(2));
  const started = Date.now();
  runExtensionHostTests(testsModule, grep ? { grep } : {})
    .then((result) => {
      for (const failure of result.failures) process.stdout.write(`not ok - ${failure.title}\n  ${failure.error.replace(/\n/g, '\n  ')}\n`);
      process.stdout.write(
        `# exthost pass ${result.passed}\n# exthost fail ${result.failed}\n# exthost skipped ${result.pending}\n` +
          `# exthost duration_ms ${Date.now() - started}\n# exthost run dir ${result.runDir}\n`,
      );
      process.exit(result.failed > 0 ? 1 : 0);
    })
    .catch((error: Error) => {
      process.stderr.write(`extension-host test run failed: ${error.stack ?? error.message}\n`);
      process.stdout.write('# exthost pass 0\n# exthost fail 1\n# exthost skipped 0\n');
      process.exit(1);
    });
}
