// The feature bundle (dist/features.js): required by the activation entry on first use (see
// src/activation/lazyHost.ts), it creates the shared services and registers every feature,
// plugging the tree, hover, code-lens, file-system and panel-serializer implementations into the
// entry points activation registered.
import vscode = require('vscode');
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
import { registerUdfInsights } from './insights/registerInsights';
import { registerWatch } from './watch/watchService';

/** Returns what the extension-host tests drive (activate() hands it out only in extension-test mode). */
export function activateFeatures(context: vscode.ExtensionContext, host: FeatureHost, load: FeatureLoad): FusedRunsTestApi {
  // Strings in code go through @vscode/l10n's t() (pure modules cannot import vscode); it looks
  // them up in the bundle VS Code loaded for the display language (undefined in English).
  configureL10n();
  const log = vscode.window.createOutputChannel('Fused Runs', { log: true });
  const services = new FusedServices(context, log);
  context.subscriptions.push(log, services);

  context.subscriptions.push(
    vscode.commands.registerCommand('fusedRuns.setApiToken', () => services.auth.setToken()),
    vscode.commands.registerCommand('fusedRuns.signOut', () => services.auth.signOut()),
    vscode.commands.registerCommand('fusedRuns.useSdkCredentials', () => services.auth.useSdkCredentials()),
    vscode.commands.registerCommand('fusedRuns.showLog', () => log.show()),
    vscode.commands.registerCommand('fusedRuns.selectInterpreter', () => services.python.selectInterpreter()),
  );
  // Sets the signed-in context key for the welcome view without blocking.
  void services.auth.getCredentials();

  // Feature registrations (one line each), timed so a slow one shows in the log.
  const timings: string[] = [];
  const timed = <T>(name: string, register: () => T): T => {
    const before = performance.now();
    const registered = register();
    timings.push(`${name} ${(performance.now() - before).toFixed(1)}`);
    return registered;
  };
  timed('documents', () => context.subscriptions.push(registerRunDocuments(services, host)));
  const details = timed('details', () => registerRecordDetails(services, host));
  context.subscriptions.push(details);
  const tree = timed('tree', () => registerUdfTree(services, host));
  timed('hovers and lenses', () => {
    // Hovers and code lenses share what is known of open files' UDFs and one page of runs.
    const udfs = new DocumentUdfs(services, tree);
    context.subscriptions.push(udfs);
    const hovers = registerUdfHovers(services, udfs, host);
    context.subscriptions.push(registerUdfCodeLenses(services, udfs, tree, host), registerFailingLineDiagnostics(services, udfs, hovers));
  });
  timed('insights', () =>
    context.subscriptions.push(
      registerUdfInsights(
        services,
        {
          get state() {
            return tree.state;
          },
          loadedUdfNames: () => loadedUdfNames(tree),
        },
        host,
      ),
    ),
  );
  // Watched UDFs poll while the window is open: package.json's onStartupFinished activates the
  // extension, and src/activation loads these features at startup when workspaceState holds a
  // non-empty WATCH_STATE_KEY list.
  timed('watch', () =>
    context.subscriptions.push(
      registerWatch(services, {
        get scope() {
          return tree.state.scope;
        },
        loadedUdfNames: () => loadedUdfNames(tree),
        setWatchedNames: (names) => tree.setWatchedNames(names),
      }),
    ),
  );
  timed('commands', () => registerQueryCommands(context, services));
  timed('diagnostics', () => context.subscriptions.push(registerCheckConnection(services)));
  log.info(`Features loaded for ${load.reason} in ${(performance.now() - load.startedAt).toFixed(1)} ms (require and registrations: ${timings.join(', ')} ms).`);
  return { udfTree: tree, recordDetails: details.panels };
}

/** The UDF names the tree has loaded, for the palette's pickers. */
function loadedUdfNames(tree: ReturnType<typeof registerUdfTree>): string[] {
  return [...new Set(tree.loadedRuns().map((run) => run.udf_name).filter((name): name is string => typeof name === 'string' && name.trim() !== ''))];
}
