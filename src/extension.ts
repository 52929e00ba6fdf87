// Activation wires features to shared services. Everything here is cheap: no request is
// made until a view is shown or a command runs.
import vscode = require('vscode');
import { registerCheckConnection } from './diagnostics/checkConnection';
import { registerRunDocuments } from './documents';
import { registerUdfHovers } from './hover/udfHoverProvider';
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

/** Returns the test API only in VS Code's extension-test mode (see testApi.ts); otherwise nothing. */
export function activate(context: vscode.ExtensionContext): FusedRunsTestApi | undefined {
  const started = performance.now();
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
  // Sets the signed-in context key for the welcome view without blocking activation.
  void services.auth.getCredentials();

  // Feature registrations (one line each), timed so a slow one shows in the log.
  const timings: string[] = [];
  const timed = <T>(name: string, register: () => T): T => {
    const before = performance.now();
    const registered = register();
    timings.push(`${name} ${(performance.now() - before).toFixed(1)}`);
    return registered;
  };
  timed('documents', () => context.subscriptions.push(registerRunDocuments(services)));
  const details = timed('details', () => registerRecordDetails(services));
  context.subscriptions.push(details);
  const tree = timed('tree', () => registerUdfTree(services));
  timed('hovers and lenses', () => {
    // Hovers and code lenses share what is known of open files' UDFs and one page of runs.
    const udfs = new DocumentUdfs(services, tree);
    context.subscriptions.push(udfs);
    const hovers = registerUdfHovers(services, udfs);
    context.subscriptions.push(registerUdfCodeLenses(services, udfs, tree), registerFailingLineDiagnostics(services, udfs, hovers));
  });
  timed('insights', () =>
    context.subscriptions.push(
      registerUdfInsights(services, {
        get state() {
          return tree.state;
        },
        loadedUdfNames: () => loadedUdfNames(tree),
      }),
    ),
  );
  // Watched UDFs poll while the window is open: package.json's onStartupFinished activates the
  // extension for that. Under lazy activation (a stub entry that loads the features on first
  // use), the stub must load them at startup when workspaceState holds a non-empty
  // WATCH_STATE_KEY list, or a watch would wait for the first use of the extension to resume.
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
  log.info(`Activated in ${(performance.now() - started).toFixed(1)} ms (${timings.join(', ')} ms).`);
  return context.extensionMode === vscode.ExtensionMode.Test ? { udfTree: tree, recordDetails: details.panels } : undefined;
}

/** The UDF names the tree has loaded, for the palette's pickers. */
function loadedUdfNames(tree: ReturnType<typeof registerUdfTree>): string[] {
  return [...new Set(tree.loadedRuns().map((run) => run.udf_name).filter((name): name is string => typeof name === 'string' && name.trim() !== ''))];
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
