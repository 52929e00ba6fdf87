// Commands of the UDF tree: view-title actions (scope, grouping, range, filters, refresh),
// node actions (Load more, Retry, Copy Record ID), and the palette fallbacks that ask with a
// QuickPick or InputBox when a command is not run on a tree node.
import { userMessage } from '../api/errors';
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import type { AuditLogRecord } from '../api/types';
import { labelText, messageText } from '../text/safeText';
import { formatLocalRange, formatLocalTime, relativeTime, statusPresentation } from '../shared/presentation';
import { runStatus } from '../api/status';
import { RANGE_PRESETS } from '../time/range';
import type { TreeNode, UdfTreeProvider } from './udfTree';
import { VIEW_ID } from './udfTree';
import { COMMANDS, readRunArg, type CommandId } from '../shared/commands';
import { askTimeRange } from '../prompts/prompts';

export function registerTreeCommands(tree: UdfTreeProvider): vscode.Disposable {
  const register = (id: CommandId, handler: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, handler);
  return vscode.Disposable.from(
    register(COMMANDS.refresh, () => tree.refresh()),
    register(COMMANDS.toggleScope, () => tree.updateState({ scope: tree.state.scope === 'mine' ? 'execEnv' : 'mine' })),
    // Two title buttons (one per scope, swapped by the fusedRuns.scope context key) so the icon shows the current scope.
    register(COMMANDS.scopeToExecEnv, () => tree.updateState({ scope: 'execEnv' })),
    register(COMMANDS.scopeToMine, () => tree.updateState({ scope: 'mine' })),
    register(COMMANDS.groupByName, () => tree.updateState({ groupBy: 'names' })),
    register(COMMANDS.groupById, () => tree.updateState({ groupBy: 'ids' })),
    register(COMMANDS.setTimeRange, () => setTimeRange(tree)),
    register(COMMANDS.filterUdfs, () => filterUdfs(tree)),
    register(COMMANDS.clearUdfFilter, () => tree.updateState({ textFilter: '' })),
    register(COMMANDS.showFailingOnly, () => tree.updateState({ failingOnly: true })),
    register(COMMANDS.showAllUdfs, () => tree.updateState({ failingOnly: false })),
    register(COMMANDS.loadMore, (node) => {
      if (isNode(node) && (node.kind === 'loadMore' || node.kind === 'udf')) return tree.loadMore(node.kind === 'loadMore' ? node.udf : node.entry);
      return undefined;
    }),
    register(COMMANDS.retry, (node) => tree.retry(isNode(node) ? node : undefined)),
    register(COMMANDS.scanWindowFully, (node) => scanWindowFully(tree, node)),
    register(COMMANDS.copyRecordId, (arg) => copyRecordId(tree, arg)),
    register(COMMANDS.openDemoSettings, () => openDemoSettings()),
  );
}

function isNode(value: unknown): value is TreeNode {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

/** From a marked row: scans that window. From the palette: pick one of the marked windows. */
async function scanWindowFully(tree: UdfTreeProvider, node: unknown): Promise<void> {
  if (isNode(node) && node.kind === 'incomplete') return tree.scanWindowFully(node.window);
  const windows = tree.unprovenWindows;
  if (windows.length === 0) {
    void vscode.window.showInformationMessage(
      tree.hasLoadedRoot
        ? l10n.t('The UDF list is proven complete: no window is marked "may be incomplete".')
        : l10n.t('Open the Fused Runs view first; windows it cannot prove complete are marked there.'),
    );
    return;
  }
  const pick = await vscode.window.showQuickPick(
    windows.map((window) => ({ label: `$(warning) ${formatLocalRange(window.start, window.end)}`, description: `${window.start} – ${window.end}`, window })),
    { title: l10n.t('Fused: Scan Window Fully'), placeHolder: l10n.t('Which window of the UDF list should be read completely?') },
  );
  if (pick) await tree.scanWindowFully(pick.window);
}

/** The one time-range prompt (every preset, "All time" included), marking the tree's range as current. */
async function setTimeRange(tree: UdfTreeProvider): Promise<void> {
  const range = await askTimeRange({ title: l10n.t('Fused: Set Time Range'), current: tree.state.range, presets: RANGE_PRESETS.map((p) => p.preset) });
  if (range) await tree.updateState({ range });
}

/** A filter box that narrows the loaded UDFs as you type (no request); Escape restores the previous filter. */
async function filterUdfs(tree: UdfTreeProvider): Promise<void> {
  const previous = tree.state.textFilter;
  const box = vscode.window.createInputBox();
  box.title = l10n.t('Fused: Filter UDFs');
  box.prompt = l10n.t('Show UDFs whose name contains this text (case-insensitive). Empty clears the filter.');
  box.placeholder = l10n.t('e.g. tiles');
  box.value = previous;
  let accepted = false;
  await new Promise<void>((resolve) => {
    box.onDidChangeValue((value) => {
      if (value.length > 200) box.validationMessage = l10n.t('Use at most {0} characters.', 200);
      else {
        box.validationMessage = undefined;
        void tree.updateState({ textFilter: value });
      }
    });
    box.onDidAccept(() => {
      if (box.value.length > 200) return;
      accepted = true;
      box.hide();
    });
    box.onDidHide(() => resolve());
    box.show();
  });
  box.dispose();
  if (!accepted) await tree.updateState({ textFilter: previous });
  else await tree.updateState({ textFilter: box.value.trim() });
}

interface RunPick extends vscode.QuickPickItem {
  record: AuditLogRecord;
}

/** From a node: copies its record id. From the palette: pick one of the runs the tree has loaded. */
async function copyRecordId(tree: UdfTreeProvider, arg: unknown): Promise<void> {
  let id: string | undefined;
  if (isNode(arg) && arg.kind === 'udf') id = arg.entry.latest.id;
  else id = readRunArg(arg)?.id;
  if (!id) {
    const runs = tree.loadedRuns();
    if (runs.length === 0) {
      const open = l10n.t('Open Fused Runs');
      const answer = await vscode.window.showInformationMessage(l10n.t('No runs are loaded yet. Open the Fused Runs view (and expand a UDF) to pick a run to copy.'), open);
      if (answer === open) await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
      return;
    }
    const now = new Date();
    const picks: RunPick[] = runs.map((record) => {
      const status = runStatus(record);
      // Our icon, then record text whose own $(…) stays text (labelText).
      return {
        label: `$(${statusPresentation(status).icon}) ${labelText(record.udf_name ?? record.udf_id ?? l10n.t('Unnamed UDF'), 60)}`,
        description: labelText(`${formatLocalTime(record.timestamp)} · ${relativeTime(record.timestamp, now)}`),
        detail: labelText(record.id, 200),
        record,
      };
    });
    const pick = await vscode.window.showQuickPick(picks, {
      title: l10n.t('Fused: Copy Record ID'),
      placeHolder: l10n.t('Pick a run (runs loaded in the Fused Runs view)'),
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!pick) return;
    id = pick.record.id;
  }
  try {
    await vscode.env.clipboard.writeText(id);
  } catch (error) {
    void vscode.window.showErrorMessage(messageText(l10n.t('Could not copy record ID {0}: {1}', id, userMessage(error))));
    return;
  }
  // The full id is on the clipboard; the message shows it as text (never a link), cut if long.
  void vscode.window.showInformationMessage(messageText(l10n.t('Copied record ID {0}', id)));
}

async function openDemoSettings(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openSettings', 'fusedRuns.api');
  void vscode.window.showInformationMessage(
    l10n.t(
      'Demo without a Fused account: in the fused-runs repository, "npm run demo" opens a ready-made VS Code on the local Fused server with demo data. To use this window instead, run "npm run server", set "fusedRuns.api.baseUrl" to the URL it prints (http://127.0.0.1:PORT/v1), and run "Fused: Set API Token" with fused-demo-token.',
    ),
  );
}
