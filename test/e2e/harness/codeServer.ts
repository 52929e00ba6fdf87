// code-server (VS Code 1.139 in the browser) on a free loopback port, with every folder it
// writes to (user data, extensions, config, XDG dirs, HOME) under the run folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from './ports';
import { spawnTracked, type TrackedProcess } from './processes';
import { ensureToolchain, REPO_ROOT } from './paths';
import { waitUntil } from './wait';

/** Settings every run starts with: nothing may steal focus from what the test looks at. */
export const BASE_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
};

/** With `workspaceTrust`: trust on, no startup prompt, so an untrusted folder opens straight in Restricted Mode. */
export const TRUST_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
};

export interface CodeServerOptions {
  runDir: string;
  workspaceDir: string;
  /** User settings.json content (merged over BASE_SETTINGS by the caller). */
  settings: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host. */
  env: Record<string, string>;
  /** Environment variable names to remove from the inherited environment. */
  unsetEnv?: string[];
  /** Adds --vscode-option enable-smoke-test-driver (ext-host test runs only; it suppresses toasts). */
  smokeTestDriver?: boolean;
  /** A fixed port (the demo); default: a free one, retried if someone takes it first. */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Extra raw code-server arguments, e.g. ['--log', 'trace']. */
  extraArgs?: string[];
  /** Keep Workspace Trust on (default: --disable-workspace-trust): the workspace opens in Restricted Mode. */
  workspaceTrust?: boolean;
}

export interface CodeServer {
  url: string;
  port: number;
  process: TrackedProcess;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  stop(): Promise<void>;
}

export interface RunFolders {
  userDataDir: string;
  extensionsDir: string;
  homeDir: string;
  xdg: Record<string, string>;
}

export function runFolders(runDir: string): RunFolders {
  const folders: RunFolders = {
    userDataDir: path.join(runDir, 'user-data'),
    extensionsDir: path.join(runDir, 'extensions'),
    homeDir: path.join(runDir, 'home'),
    xdg: {
      XDG_CONFIG_HOME: path.join(runDir, 'xdg', 'config'),
      XDG_DATA_HOME: path.join(runDir, 'xdg', 'data'),
      XDG_CACHE_HOME: path.join(runDir, 'xdg', 'cache'),
      XDG_STATE_HOME: path.join(runDir, 'xdg', 'state'),
      XDG_RUNTIME_DIR: path.join(runDir, 'xdg', 'runtime'),
    },
  };
  for (const dir of [folders.userDataDir, folders.extensionsDir, folders.homeDir, ...Object.values(folders.xdg)]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  return folders;
}

function codeServerEnv(folders: RunFolders, options: Pick<CodeServerOptions, 'env' | 'unsetEnv'>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nothing from an outer npm run or VS Code session leaks into the workbench under test.
    if (/^(npm_|VSCODE_|ELECTRON_)/i.test(key)) continue;
    if (options.unsetEnv?.includes(key)) continue;
    env[key] = value;
  }
  const toolchain = ensureToolchain();
  return {
    ...env,
    ...folders.xdg,
    HOME: folders.homeDir,
    PATH: `${path.dirname(toolchain.nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`,
    TZ: 'America/New_York',
    // No extension gallery: offline, the open-vsx default only produces lookup errors.
    EXTENSIONS_GALLERY: '{}',
    ...options.env,
  };
}

/** Runs a one-shot code-server CLI command (e.g. --install-extension) with the run's folders. */
export async function codeServerCli(runDir: string, args: string[]): Promise<void> {
  const toolchain = ensureToolchain();
  const folders = runFolders(runDir);
  const logFile = path.join(runDir, 'code-server-cli.log');
  const cli = spawnTracked('code-server-cli', toolchain.nodeBin, [
    toolchain.codeServerEntry,
    '--config', path.join(runDir, 'code-server.yaml'),
    '--user-data-dir', folders.userDataDir,
    '--extensions-dir', folders.extensionsDir,
    ...args,
  ], { cwd: runDir, env: codeServerEnv(folders, { env: {} }), logFile });
  const code = await cli.exited;
  if (code !== 0) {
    throw new Error(`code-server ${args.join(' ')} exited with ${code}:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
  }
}

/**
 * Installs the extension at `extensionPath` (default: the repository) unpacked, the way VS Code
 * lays out an installed VSIX: package.json, dist/, media/ and the docs, into
 * <extensions-dir>/<publisher>.<name>-<version>/. code-server registers it on start.
 * (A real VSIX install is verified by `npm run package -- --verify`.)
 */
export function installUnpackedExtension(extensionsDir: string, extensionPath = REPO_ROOT): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8')) as {
    name: string;
    publisher: string;
    version: string;
    main?: string;
  };
  if (manifest.main) {
    const mainFile = path.resolve(extensionPath, manifest.main);
    const candidates = [mainFile, `${mainFile}.js`];
    if (!candidates.some((file) => fs.existsSync(file))) {
      throw new Error(`the extension is not built: ${manifest.main} is missing in ${extensionPath} (run: node esbuild.js)`);
    }
  }
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  // The main file's top folder (dist/) or file (a small test extension's extension.js) comes along too.
  const mainEntry = manifest.main ? manifest.main.replace(/^\.\//, '').split('/')[0] : undefined;
  const entries = new Set(['package.json', 'package.nls.json', 'dist', 'media', 'README.md', 'CHANGELOG.md', 'LICENSE', 'LICENSE.md', ...(mainEntry ? [mainEntry] : [])]);
  for (const entry of entries) {
    const source = path.join(extensionPath, entry);
    if (fs.existsSync(source)) fs.cpSync(source, path.join(target, entry), { recursive: true });
  }
  return target;
}

async function waitForHealthy(url: string, server: TrackedProcess, logFile: string, timeoutMs: number): Promise<void> {
  let exitedWith: number | string | undefined;
  void server.exited.then((code) => (exitedWith = code));
  // Healthy, or exited: either way stop polling (a refused connection throws: not listening yet).
  const healthy = await waitUntil(async () => exitedWith !== undefined || (await fetch(`${url}/healthz`)).ok, { timeout: timeoutMs, message: 'code-server is healthy' })
    .then(() => exitedWith === undefined)
    .catch(() => false);
  if (healthy) return;
  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-3000) : '(no log)';
  throw new Error(
    exitedWith !== undefined
      ? `code-server exited with ${exitedWith} before it was healthy:\n${log}`
      : `code-server was not healthy at ${url}/healthz within ${timeoutMs} ms:\n${log}`,
  );
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const toolchain = ensureToolchain();
  const folders = runFolders(options.runDir);
  const settingsDir = path.join(folders.userDataDir, 'User');
  fs.mkdirSync(settingsDir, { recursive: true });
  fs.writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify(options.settings, null, 2));
  const env = codeServerEnv(folders, options);
  const logFile = path.join(options.runDir, options.smokeTestDriver ? 'code-server-exthost.log' : 'code-server.log');

  let lastError: unknown;
  // A free port can be taken between probing and binding by someone else's run: retry.
  const attempts = options.port ? 1 : 3;
  const host = options.host ?? '127.0.0.1';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = options.port ?? (await freePort());
    const configFile = path.join(options.runDir, 'code-server.yaml');
    fs.writeFileSync(configFile, `bind-addr: ${host}:${port}\nauth: none\ncert: false\n`);
    const args = [
      toolchain.codeServerEntry,
      '--config', configFile,
      '--bind-addr', `${host}:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--user-data-dir', folders.userDataDir,
      '--extensions-dir', folders.extensionsDir,
      '--ignore-last-opened',
      ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      ...(options.extraArgs ?? []),
      options.workspaceDir,
    ];
    const server = spawnTracked('code-server', toolchain.nodeBin, args, { cwd: options.runDir, env, logFile });
    const url = `http://${host}:${port}`;
    try {
      await waitForHealthy(url, server, logFile, 30_000);
      return {
        url,
        port,
        process: server,
        userDataDir: folders.userDataDir,
        extensionsDir: folders.extensionsDir,
        logFile,
        stop: () => server.stop(),
      };
    } catch (error) {
      lastError = error;
      await server.stop();
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
      if (!/EADDRINUSE/.test(log)) break;
    }
  }
  throw lastError;
}
