// Tree rows for one run, shared by the UDF tree and the "Query Results" view so a run looks
// and behaves the same wherever it is listed.
import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { runStatus } from '../api/status';
import type { AuditLogRecord } from '../api/types';
import { countText } from '../text/counts';
import { COMMANDS, commandCall, runArg } from '../shared/commands';
import { labelText, markdownText } from '../text/safeText';
import { errorSummary, runRowText, runTooltipMarkdown, statusPresentation } from '../shared/presentation';

export interface RunItemOptions {
  /** Prefix of the TreeItem id; two views may list the same run, one view may not list it twice. Default `run:`. */
  idPrefix?: string;
  /** Put the UDF name in the label (lists that mix UDFs). Default false. */
  showUdfName?: boolean;
}

/** The commands a run's children run, with the run's RunArg. */
const RUN_PART_COMMANDS = {
  code: COMMANDS.openCode,
  stderr: COMMANDS.openStderr,
  stdout: COMMANDS.openStdout,
  details: COMMANDS.showDetails,
} as const;

/**
 * A run: label = relative time (the UDF's name first when the list mixes UDFs), description =
 * status · duration · user · error, status ThemeIcon in the theme colour, escaped Markdown
 * tooltip with the local time and its zone (runRowText says why). contextValue is
 * `fusedRun.<status>` so menus can match `viewItem =~ /^fusedRun\b/`.
 */
export function runTreeItem(record: AuditLogRecord, now: Date = new Date(), options: RunItemOptions = {}): vscode.TreeItem {
  const status = runStatus(record);
  const look = statusPresentation(status);
  const text = runRowText(record, status, now, { showUdfName: options.showUdfName });
  const item = new vscode.TreeItem(text.label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `${options.idPrefix ?? 'run:'}${record.id}`;
  item.description = text.description;
  item.iconPath = new vscode.ThemeIcon(look.icon, new vscode.ThemeColor(look.color));
  // Plain Markdown: no command links, no HTML, no theme icons; every record value escaped.
  const tooltip = new vscode.MarkdownString(`${runTooltipMarkdown(record, status, now)}\n- Record ID: ${markdownText(record.id, { max: 200 })}`);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  tooltip.supportThemeIcons = false;
  item.tooltip = tooltip;
  item.contextValue = `fusedRun.${status}`;
  item.accessibilityInformation = { label: text.accessibleLabel };
  return item;
}

/** A run's children: Code, stderr, stdout and Details, each opening its command with `{ id, udf_name }`. */
export function runDetailChildren(record: AuditLogRecord, options: Pick<RunItemOptions, 'idPrefix'> = {}): vscode.TreeItem[] {
  const prefix = `${options.idPrefix ?? 'run:'}${record.id}/`;
  const arg = runArg(record);
  const make = (part: keyof typeof RUN_PART_COMMANDS, label: string, icon: string, description: string, title: string) => {
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `${prefix}${part}`;
    item.iconPath = new vscode.ThemeIcon(icon);
    item.description = description;
    item.contextValue = `fusedRunPart.${part}`;
    item.command = { title, ...commandCall(RUN_PART_COMMANDS[part], arg) };
    item.tooltip = title;
    return item;
  };
  const stderrSummary = errorSummary(record.stderr);
  return [
    make('code', l10n.t('Code'), 'file-code', describeText(record.udf_data, 'udf_data'), l10n.t('Open the code that ran')),
    make('stderr', 'stderr', 'error', stderrSummary ? labelText(stderrSummary, 80) : describeText(record.stderr, 'stderr'), l10n.t('Open stderr')),
    make('stdout', 'stdout', 'output', describeText(record.stdout, 'stdout'), l10n.t('Open stdout')),
    make('details', l10n.t('Details'), 'info', l10n.t('every field'), l10n.t('Show all fields of this run')),
  ];
}

/** "empty", "12 lines", or "not in this record" for a text field. */
function describeText(text: string | null | undefined, field: string): string {
  if (text === undefined || text === null) return l10n.t('no {0}', field);
  if (!text.trim()) return l10n.t('empty');
  return countText(text.split(/\r?\n/).length, l10n.t('{0} line'), l10n.t('{0} lines'));
}
