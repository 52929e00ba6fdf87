// Wires the Fused Runs tree: the provider, its TreeView, its commands, the failing-UDFs
// status-bar item and the opt-in auto-refresh. Nothing is requested until the view is shown.
import vscode = require('vscode');
import type { FeatureHost } from '../activation/lazyHost';
import { registerTreeCommands } from './treeCommands';
import type { FusedServices } from '../services';
import { FailingStatusBar } from './failingStatusBar';
import { AutoRefresher } from './autoRefresh';
import { UdfTreeProvider, type TreeNode } from './udfTree';

/** What features.ts disposes, with the provider the hovers, lenses, insights and watch read. */
export function registerUdfTree(services: FusedServices, host: FeatureHost, workspaceState: vscode.Memento): vscode.Disposable & { readonly tree: UdfTreeProvider } {
  const tree = new UdfTreeProvider(services, workspaceState);
  // The TreeView was created at activation (its provider forwards here once this bundle loads).
  const view = host.udfTreeView as vscode.TreeView<TreeNode>;
  tree.attach(view);
  const registrations = vscode.Disposable.from(
    tree,
    host.setUdfTreeProvider(tree as vscode.TreeDataProvider<unknown>),
    registerTreeCommands(tree),
    new FailingStatusBar(tree),
    new AutoRefresher(tree, view, services.log),
    // New token, sign-out, or another server: what is shown belongs to the old connection.
    services.onDidChangeConnection(() => tree.refresh()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('fusedRuns.runs.pageSize')) tree.refresh();
    }),
  );
  return { tree, dispose: () => registrations.dispose() };
}
