// The feature bundle (dist/features.js): required by the activation entry on first use (see
// src/activation/lazyHost.ts), it creates the shared services and registers every feature,
// plugging the tree, hover, code-lens, file-system and panel-serializer implementations into the
// entry points activation registered.
import vscode = require('vscode');
import { COMMANDS } from './shared/commands';
import type { FeatureHost, FeatureLoad } from './activation/lazyHost';
import { configureL10n } from './activation/l10nBundle';
import { registerCheckConnection } from './diagnostics/checkConnection';
import { registerRunDocuments } from './documents';
import { registerUdfHovers } from './udfEditor/udfHoverProvider';
import { registerQueryCommands } from './commands/queryCommands';
import { FusedServices } from './services';
import type { FusedRunsTestApi } from './testApi';
import { registerRecordDetails } from './webview/detailsPanel';
import { DocumentUdfs } from './udfEditor/documentUdfs';
import { registerUdfCodeLenses } from './udfEditor/udfCodeLens';
import { registerFailingLineDiagnostics } from './udfEditor/failingLineDiagnostics';
import { registerUdfTree } from './views/registerUdfTree';
import type { UdfTreeProvider } from './views/udfTree';
import { registerUdfInsights } from './insights/registerInsights';
import { registerWatch } from './watch/watchService';

/** Returns what the extension-host tests drive (activate() hands it out only in extension-test mode). */
export function activateFeatures(context: vscode.ExtensionContext, host: FeatureHost, load: FeatureLoad): FusedRunsTestApi {
  // Strings in code go through @vscode/l10n's t() (pure modules cannot import vscode); it looks
  // them up in the bundle VS Code loaded for the display language (undefined in English).
  configureL10n();
  const log = vscode.window.createOutputChannel('Fused Runs', { log: true });
  const services = new FusedServices(context.secrets, log);
  context.subscriptions.push(log, services);

  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.setApiToken, () => services.auth.setToken()),
    vscode.commands.registerCommand(COMMANDS.signOut, () => services.auth.signOut()),
    vscode.commands.registerCommand(COMMANDS.useSdkCredentials, () => services.auth.useSdkCredentials()),
    vscode.commands.registerCommand(COMMANDS.showLog, () => log.show()),
    vscode.commands.registerCommand(COMMANDS.selectInterpreter, () => services.python.selectInterpreter()),
  );
  // Sets the signed-in context key for the welcome view without blocking.
  void services.auth.getCredentials();

  // Feature registrations, one line each: every registerX returns a Disposable, pushed here;
  // each is timed so a slow one shows in the log.
  const timings: string[] = [];
  const feature = <T extends vscode.Disposable>(name: string, register: () => T): T => {
    const before = performance.now();
    const registered = register();
    timings.push(`${name} ${(performance.now() - before).toFixed(1)}`);
    context.subscriptions.push(registered);
    return registered;
  };
  feature('documents', () => registerRunDocuments(services, host));
  const details = feature('details', () => registerRecordDetails(services, host, context.extensionUri));
  const { tree } = feature('tree', () => registerUdfTree(services, host, context.workspaceState));
  feature('hovers and lenses', () => {
    // Hovers and code lenses share what is known of open files' UDFs and one page of runs.
    const udfs = new DocumentUdfs(services, tree);
    const hovers = registerUdfHovers(services, udfs, host);
    return vscode.Disposable.from(udfs, hovers, registerUdfCodeLenses(services, udfs, tree, host), registerFailingLineDiagnostics(services, udfs, hovers));
  });
  feature('insights', () =>
    registerUdfInsights(
      services,
      {
        get state() {
          return tree.state;
        },
        loadedUdfNames: () => loadedUdfNames(tree),
      },
      host,
      context.extensionUri,
    ),
  );
  // Watched UDFs poll while the window is open: package.json's onStartupFinished activates the
  // extension, and src/activation loads these features at startup when workspaceState holds a
  // non-empty WATCH_STATE_KEY list.
  feature('watch', () =>
    registerWatch(
      services,
      {
        get scope() {
          return tree.state.scope;
        },
        loadedUdfNames: () => loadedUdfNames(tree),
        setWatchedNames: (names) => tree.setWatchedNames(names),
      },
      context.workspaceState,
    ),
  );
  feature('commands', () => registerQueryCommands(services));
  feature('diagnostics', () => registerCheckConnection(services));
  log.info(`Features loaded for ${load.reason} in ${(performance.now() - load.startedAt).toFixed(1)} ms (require and registrations: ${timings.join(', ')} ms).`);
  return { udfTree: tree, recordDetails: details.panels };
}

/** The UDF names the tree has loaded, for the palette's pickers. */
function loadedUdfNames(tree: UdfTreeProvider): string[] {
  return [...new Set(tree.loadedRuns().map((run) => run.udf_name).filter((name): name is string => typeof name === 'string' && name.trim() !== ''))];
}
