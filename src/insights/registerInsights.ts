// "Show UDF Insights" and the insights panels' serializer (plugged into the one activation
// registered, src/activation/lazyHost.ts). The panel's code (insightsPanel.ts, inside the
// feature bundle) is initialised the first time a panel opens or is restored.

import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { COMMANDS } from '../shared/commands';
import type { FeatureHost } from '../activation/lazyHost';
import type { FusedServices } from '../services';
import { labelText } from '../text/safeText';
import type { ViewState } from '../views/treeModel';
import { INSIGHTS_VIEW_TYPE, parseSubject, subjectOfArgument, type InsightsSubject } from './protocol';
import type { InsightsPanels } from './insightsPanel';

/** What the tree shows now (its scope and range apply to every entry point) and the UDF names it has loaded. */
export interface InsightsTreeContext {
  readonly state: ViewState;
  loadedUdfNames(): string[];
}

export function registerUdfInsights(services: FusedServices, tree: InsightsTreeContext, host: FeatureHost, extensionUri: vscode.Uri): vscode.Disposable {
  let panels: Promise<InsightsPanels> | undefined;
  const loadPanels = () => {
    // A require, not a static import: esbuild defers the module's initialisation to this call
    // (an import() would go through Node's ESM loader, around the host's resolution of 'vscode').
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    panels ??= Promise.resolve().then(() => new (require('./insightsPanel.js') as typeof import('./insightsPanel.js')).InsightsPanels(services, extensionUri));
    return panels;
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(COMMANDS.showUdfInsights, async (arg?: unknown) => {
      const subject = arg === undefined ? await askForUdf(tree) : subjectOfArgument(arg, tree.state);
      if (subject) {
        (await loadPanels()).show(subject);
        return;
      }
      if (arg !== undefined) {
        services.log.warn('Show UDF Insights: the argument is not a UDF.');
        void vscode.window.showErrorMessage(l10n.t('Fused Runs: "Show UDF Insights" needs a UDF (a row of the Fused Runs view, or a UDF name).'));
      }
    }),
    // Activation registered the serializer for INSIGHTS_VIEW_TYPE (so panels come back after a reload); it forwards here.
    host.setWebviewSerializer(INSIGHTS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => (await loadPanels()).restore(panel, state),
    }),
    { dispose: () => void panels?.then((loaded) => loaded.dispose()) },
  );
}

/** The palette: the UDF names the tree has loaded, or any name typed. */
async function askForUdf(tree: InsightsTreeContext): Promise<InsightsSubject | undefined> {
  const names = tree.loadedUdfNames();
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
  pick.title = l10n.t('Show UDF Insights');
  pick.placeholder = names.length ? l10n.t('A UDF name (the ones the Fused Runs view has loaded, or type one)') : l10n.t('A UDF name (udf_name of its runs)');
  pick.ignoreFocusOut = true;
  const known: vscode.QuickPickItem[] = names.map((name) => ({ label: labelText(name, 200) }));
  const byLabel = new Map(known.map((item, index) => [item.label, names[index]]));
  pick.items = known;
  pick.onDidChangeValue((value) => {
    const typed = value.trim();
    pick.items = typed && !names.includes(typed) ? [{ label: labelText(typed, 200), description: l10n.t('UDF name as typed') }, ...known] : known;
    if (typed && !names.includes(typed)) byLabel.set(labelText(typed, 200), typed);
  });
  const chosen = await new Promise<string | undefined>((resolve) => {
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0];
      resolve(item ? byLabel.get(item.label) : pick.value.trim() || undefined);
      pick.hide();
    });
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  if (!chosen) return undefined;
  return parseSubject({ kind: 'udf_name', value: chosen, scope: tree.state.scope, range: tree.state.range });
}
