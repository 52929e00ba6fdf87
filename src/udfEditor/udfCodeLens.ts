// Two code lenses above each `@fused.udf` function: `12 runs · 3 failed · last 5 min ago` for the
// tree's scope and range (`no runs in last 24 h` when none), and `Insights` (the UDF's insights
// panel for the same scope and range; it costs no request until clicked). Every lens of every file reads
// one shared page of the range's runs: opening a file with 20 UDFs costs one request, and
// none once the page is read; when that page was full and missed a UDF, one distinct query of
// the range (shared too) dates its last run. Refreshed when the tree refreshes. Clicking reveals the UDF in
// the tree with its runs expanded. Titles are our text only (counts and ages); a name from
// the file appears only in the tooltip, as plain text.
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { COMMANDS, commandCall, readUdfNameArg, udfNameArg } from '../shared/commands';
import { userMessage } from '../api/errors';
import type { FeatureHost } from '../activation/lazyHost';
import type { FusedServices } from '../services';
import { messageText } from '../text/safeText';
import { lensTitle, lensTooltip, pageAnswers, runsInPage } from '../udfCode/rangeRuns';
import type { UdfDefinition } from '../udfCode/udfSource';
import type { UdfTreeProvider } from '../views/udfTree';
import type { DocumentUdfs } from './documentUdfs';

const PAGE_SIZE = 300;

class UdfCodeLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly document: vscode.TextDocument,
    readonly definition: UdfDefinition,
    readonly kind: 'runs' | 'insights',
  ) {
    super(range);
  }
}

export function registerUdfCodeLenses(services: FusedServices, udfs: DocumentUdfs, tree: UdfTreeProvider, host: FeatureHost): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const enabled = () => vscode.workspace.getConfiguration('fusedRuns.codeLens').get<boolean>('enabled', true);

  const provider: vscode.CodeLensProvider<UdfCodeLens> = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses(document) {
      if (!enabled() || document.uri.scheme === 'fused-run') return [];
      return udfs.source(document).definitions.map((definition) => {
        const line = definition.decoratorLine;
        const range = new vscode.Range(line, 0, line, 0);
        return [new UdfCodeLens(range, document, definition, 'runs'), new UdfCodeLens(range, document, definition, 'insights')];
      }).flat();
    },
    async resolveCodeLens(lens, token) {
      const chosen = await udfs.nameOf(lens.document, lens.definition, true);
      if (token.isCancellationRequested) return lens;
      if (lens.kind === 'insights') {
        // The name as the audit log records it (decorator name=, meta.json…), like the runs lens.
        lens.command = {
          title: l10n.t('Insights'),
          tooltip: l10n.t('Runs, execution times and errors of {0} ({1}, {2})', chosen.name, udfs.scopeLabel, udfs.rangeLabel),
          ...commandCall(COMMANDS.showUdfInsights, udfNameArg(chosen.name)),
        };
        return lens;
      }
      try {
        const target = { kind: 'udf_name', value: chosen.name } as const;
        let page = await udfs.rangeRuns();
        // A full page without this UDF: when did it last run? The range's one distinct query (shared by every lens) says.
        if (!pageAnswers(page, target) && !page.latestByName) page = await udfs.rangeRunsWithNames();
        if (token.isCancellationRequested) return lens;
        const runs = runsInPage(page, target);
        lens.command = {
          title: lensTitle(runs, udfs.rangeLabel, new Date()),
          tooltip: lensTooltip(runs, chosen.name, udfs.scopeLabel, udfs.rangeLabel, PAGE_SIZE),
          ...commandCall(COMMANDS.revealUdfInTree, udfNameArg(chosen.name)),
        };
      } catch (error) {
        services.log.warn(`Code lens for ${chosen.name}: could not read runs: ${userMessage(error)}`);
        lens.command = { title: l10n.t('runs not loaded (see the Fused Runs log)'), ...commandCall(COMMANDS.showLog) };
      }
      return lens;
    },
  };

  return vscode.Disposable.from(
    changed,
    // Activation registered the code-lens provider for Python; it forwards here.
    host.setCodeLensProvider(provider),
    udfs.onDidChange(() => changed.fire()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('fusedRuns.codeLens.enabled')) changed.fire();
    }),
    vscode.commands.registerCommand(COMMANDS.revealUdfInTree, async (arg?: unknown) => {
      const name = readUdfNameArg(arg)?.udf_name;
      if (!name) return;
      const shown = await tree.revealUdf(name);
      if (!shown) void vscode.window.showInformationMessage(messageText(l10n.t('{0} has no runs in the Fused Runs view ({1}, {2}), or a filter hides it.', name, udfs.scopeLabel, udfs.rangeLabel)));
    }),
  );
}
