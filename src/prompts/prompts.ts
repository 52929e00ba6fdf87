// The palette fallbacks: InputBoxes and QuickPicks that ask for what a command needs when it
// was not given an argument. Each validates as the user types and returns undefined on Escape.
import { userMessage } from '../api/errors';
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { runStatus } from '../api/status';
import { LIMITS, type AuditLogRecord, type DistinctType } from '../api/types';
import type { FusedServices } from '../services';
import { abortSignalFor } from '../util/cancellation';
import { labelText, messageText } from '../text/safeText';
import { relativeTime, statusPresentation } from '../shared/presentation';
import { checkRangeStart, customRange, describeRange, presetRange, rangeInputHint, RANGE_PRESETS, sameRange, type RangePresetId, type TimeRange } from '../time/range';
import { formatLocalMinutes, formatLocalTime } from '../time/format';
import { parseTimestamp } from '../time/timestamps';
import { parseMaxRecordsToScan, validateUdfIdInput, validateUdfNameInput } from './queryInput';

export interface Scoped {
  /** Scope to the execution environment (team) instead of the user's own runs. */
  execEnv: boolean;
}

export function scopeLabel(execEnv: boolean): string {
  return execEnv ? l10n.t('execution environment') : l10n.t('mine');
}

/** An InputBox with as-you-type validation. Resolves to the trimmed text, or undefined on Escape. */
export async function askText(options: {
  title: string;
  prompt: string;
  placeHolder?: string;
  value?: string;
  validate: (text: string) => string | undefined;
  password?: boolean;
}): Promise<string | undefined> {
  const text = await vscode.window.showInputBox({
    title: options.title,
    prompt: options.prompt,
    placeHolder: options.placeHolder,
    value: options.value,
    password: options.password,
    ignoreFocusOut: true,
    // Problems may quote what was typed; VS Code renders links and icons in these messages.
    validateInput: (value) => {
      const problem = options.validate(value);
      return problem === undefined ? undefined : messageText(problem);
    },
  });
  return text === undefined ? undefined : text.trim();
}

interface ChoiceItem<T> extends vscode.QuickPickItem {
  value: T;
}

/** A QuickPick of fixed choices. */
export async function pickOne<T>(title: string, placeHolder: string, choices: { label: string; description?: string; detail?: string; value: T }[]): Promise<T | undefined> {
  const picked = await vscode.window.showQuickPick<ChoiceItem<T>>(
    choices.map((choice) => ({ ...choice })),
    { title, placeHolder, ignoreFocusOut: true, matchOnDescription: true },
  );
  return picked?.value;
}

export function pickScope(title: string): Promise<boolean | undefined> {
  return pickOne(title, l10n.t('Whose runs?'), [
    { label: l10n.t('$(person) Mine'), description: l10n.t('runs you started'), value: false },
    { label: l10n.t('$(organization) Execution environment'), description: l10n.t('runs of everyone in your team / org environment (exec_env)'), value: true },
  ]);
}

export function pickDistinctAndScope(title: string): Promise<{ distinctType: DistinctType; execEnv: boolean } | undefined> {
  return pickOne(title, l10n.t('One row per UDF name or per UDF id, in whose runs?'), [
    { label: l10n.t('$(symbol-text) UDF names · mine'), value: { distinctType: 'names' as DistinctType, execEnv: false } },
    { label: l10n.t('$(symbol-text) UDF names · execution environment'), value: { distinctType: 'names' as DistinctType, execEnv: true } },
    { label: l10n.t('$(symbol-key) UDF ids · mine'), description: l10n.t('a name reused by two UDFs shows twice'), value: { distinctType: 'ids' as DistinctType, execEnv: false } },
    { label: l10n.t('$(symbol-key) UDF ids · execution environment'), value: { distinctType: 'ids' as DistinctType, execEnv: true } },
  ]);
}

export async function askMaxRecordsToScan(title: string): Promise<number | undefined> {
  const text = await askText({
    title,
    prompt: l10n.t('How many raw records the server scans before de-duplicating (1–{0}). More finds older UDFs but takes longer.', LIMITS.maxRecordsToScan),
    value: String(LIMITS.defaultMaxRecordsToScan),
    validate: (value) => {
      const parsed = parseMaxRecordsToScan(value);
      return 'problem' in parsed ? parsed.problem : undefined;
    },
  });
  if (text === undefined) return undefined;
  const parsed = parseMaxRecordsToScan(text);
  return 'value' in parsed ? parsed.value : undefined;
}

export interface TimeRangePrompt {
  /** Title of the pick list; the two custom steps add "Custom Time Range (1/2): start" and "(2/2): end". */
  title: string;
  /** The range in use: marked "current", and a custom one is offered for editing. */
  current?: TimeRange;
  /** Presets offered, from the one preset table (default: every bounded one). */
  presets?: readonly RangePresetId[];
}

/**
 * The one time-range prompt (the tree's "Set Time Range", the palette's queries and exports):
 * a preset, or a custom start and end typed in any form src/time/timestamps.ts reads. A time
 * without an offset is local time and is shown back with its offset as it is typed.
 */
export async function askTimeRange(options: TimeRangePrompt, now: Date = new Date()): Promise<TimeRange | undefined> {
  const { title, current } = options;
  const offered = options.presets ?? (['hour', 'day', 'week', 'month'] as const);
  const choice = await pickOne<TimeRange | 'custom'>(title, current ? l10n.t('Runs to show (now: {0})', labelText(describeRange(current))) : l10n.t('Which time range?'), [
    ...RANGE_PRESETS.filter((preset) => offered.includes(preset.preset)).map((preset) => ({
      label: preset.label,
      description: current && sameRange(current, presetRange(preset.preset)) ? l10n.t('current') : undefined,
      value: presetRange(preset.preset),
    })),
    {
      label: l10n.t('Custom range…'),
      description: current?.kind === 'custom' ? labelText(l10n.t('current: {0}', describeRange(current))) : l10n.t('start and end; without an offset, local time'),
      value: 'custom' as const,
    },
  ]);
  if (choice === undefined || choice !== 'custom') return choice;
  const editing = current?.kind === 'custom' ? current : undefined;
  const startText = await vscode.window.showInputBox({
    title: l10n.t('{0} · Custom Time Range (1/2): start', title),
    prompt: l10n.t('Start of the range (inclusive): {0}', rangeInputHint()),
    placeHolder: formatLocalMinutes(new Date(now.getTime() - 24 * 3600_000).toISOString()),
    value: editing ? localInput(editing.start) : '',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const problem = checkRangeStart(value, new Date());
      // The message quotes what was typed: VS Code renders links and icons in it, so messageText.
      return problem ? messageText(problem) : readBack(value);
    },
  });
  if (startText === undefined) return undefined;
  const endText = await vscode.window.showInputBox({
    title: l10n.t('{0} · Custom Time Range (2/2): end', title),
    prompt: l10n.t('End of the range (inclusive): {0}, or "now"', rangeInputHint()),
    value: editing ? localInput(editing.end) : 'now',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const result = customRange(startText, value, new Date());
      return result.ok ? readBack(value) : messageText(result.problem);
    },
  });
  if (endText === undefined) return undefined;
  const result = customRange(startText, endText, new Date());
  if (!result.ok) {
    void vscode.window.showErrorMessage(messageText(result.problem));
    return undefined;
  }
  return result.range;
}

/** A time typed without an offset, shown back as the instant it will mean (accepted, not an error). */
function readBack(text: string): vscode.InputBoxValidationMessage | undefined {
  const parsed = parseTimestamp(text);
  if (!parsed.ok || parsed.hadOffset) return undefined;
  return { message: messageText(l10n.t('Local time: {0}', parsed.iso)), severity: vscode.InputBoxValidationSeverity.Info };
}

/** A stored bound as the user edits it: local time, "2026-11-20 14:30:00". */
function localInput(iso: string): string {
  return formatLocalTime(iso).slice(0, 19);
}

interface UdfPickItem extends vscode.QuickPickItem {
  /** The udf_name or udf_id to query. */
  value?: string;
  /** The typed text, not from the list. */
  typed?: boolean;
}

/** The title button that switches the scope (made when used, so its tooltip is in the display language). */
function scopeButton(execEnv: boolean): vscode.QuickInputButton {
  return execEnv
    ? { iconPath: new vscode.ThemeIcon('organization'), tooltip: l10n.t('Scope: execution environment. Switch to mine') }
    : { iconPath: new vscode.ThemeIcon('person'), tooltip: l10n.t('Scope: mine. Switch to execution environment') };
}

/**
 * A QuickPick of distinct UDF names (or ids), from one distinct query, newest first; the user
 * may also type a name/id that is not listed. A title button switches the scope (re-queries).
 */
export function pickUdf(services: FusedServices, by: DistinctType, initial: Scoped): Promise<{ value: string; execEnv: boolean } | undefined> {
  const validate = by === 'names' ? validateUdfNameInput : validateUdfIdInput;
  const quickPick = vscode.window.createQuickPick<UdfPickItem>();
  const baseTitle = by === 'names' ? l10n.t('Show Runs of UDF by Name') : l10n.t('Show Runs of UDF by ID');
  quickPick.title = baseTitle;
  quickPick.placeholder = by === 'names' ? l10n.t('Pick a UDF, or type its name') : l10n.t('Pick a UDF, or type its id');
  quickPick.matchOnDescription = true;
  quickPick.ignoreFocusOut = true;
  let execEnv = initial.execEnv;
  let listed: UdfPickItem[] = [];
  let loader: vscode.CancellationTokenSource | undefined;

  const refreshItems = () => {
    const typed = quickPick.value.trim();
    const items = [...listed];
    if (typed !== '' && !listed.some((item) => item.value === typed)) {
      const problem = validate(typed);
      items.push({
        label: labelText(typed),
        description: problem ? `$(error) ${labelText(problem)}` : by === 'names' ? l10n.t('Show runs of this name (not in the list)') : l10n.t('Show runs of this id (not in the list)'),
        alwaysShow: true,
        typed: true,
        value: problem ? undefined : typed,
      });
    }
    quickPick.items = items;
  };

  const load = async () => {
    loader?.cancel();
    const source = new vscode.CancellationTokenSource();
    loader = source;
    const abort = abortSignalFor(source.token);
    quickPick.busy = true;
    quickPick.buttons = [scopeButton(execEnv)];
    quickPick.title = l10n.t('{0} · {1}', baseTitle, scopeLabel(execEnv));
    try {
      const page = await services.query(
        { distinct: true, distinct_type: by, max_records_to_scan: LIMITS.maxRecordsToScan, ...(execEnv ? { exec_env: true } : {}) },
        abort.signal,
      );
      if (source.token.isCancellationRequested) return;
      listed = udfItems(page.items, by);
      if (listed.length === 0) {
        listed = [
          {
            label:
              by === 'names'
                ? l10n.t('$(info) No UDF runs found ({0}); type a name to query it anyway', scopeLabel(execEnv))
                : l10n.t('$(info) No UDF runs found ({0}); type a id to query it anyway', scopeLabel(execEnv)),
            alwaysShow: false,
          },
        ];
      }
    } catch (error) {
      if (source.token.isCancellationRequested) return;
      const message = userMessage(error);
      services.log.error(`Listing UDF ${by}: ${message}`);
      listed = [{ label: by === 'names' ? l10n.t('$(error) Could not list UDF names') : l10n.t('$(error) Could not list UDF ids'), detail: labelText(message, 300), alwaysShow: true }];
    } finally {
      abort.dispose();
      if (loader === source) quickPick.busy = false;
    }
    refreshItems();
  };

  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: { value: string; execEnv: boolean } | undefined, hide: boolean) => {
      if (settled) return;
      settled = true;
      resolve(value);
      if (hide) quickPick.hide();
    };
    quickPick.onDidChangeValue(() => refreshItems());
    quickPick.onDidTriggerButton(() => {
      execEnv = !execEnv;
      void load();
    });
    quickPick.onDidAccept(() => {
      const item = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
      if (item?.value) {
        finish({ value: item.value, execEnv }, true);
        return;
      }
      // Accepting a problem row or an error row: keep the picker open; say why nothing happened.
      const typed = quickPick.value.trim();
      const problem = typed === '' ? (by === 'names' ? l10n.t('Pick a UDF or type its name.') : l10n.t('Pick a UDF or type its id.')) : validate(typed);
      if (problem) void vscode.window.showWarningMessage(messageText(problem));
    });
    quickPick.onDidHide(() => {
      loader?.cancel();
      finish(undefined, false);
      quickPick.dispose();
    });
    quickPick.show();
    void load();
  });
}

function udfItems(records: readonly AuditLogRecord[], by: DistinctType): UdfPickItem[] {
  const now = new Date();
  const seen = new Set<string>();
  const sorted = [...records].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
  const items: UdfPickItem[] = [];
  for (const record of sorted) {
    const value = by === 'names' ? record.udf_name : record.udf_id;
    if (!value || seen.has(value)) continue;
    seen.add(value);
    const status = statusPresentation(runStatus(record));
    // Our status icon; the names and ids are record text, so their own $(…) stays text.
    const latest = `$(${status.icon}) ${l10n.t('latest run {0}', labelText(relativeTime(record.timestamp, now)))}`;
    items.push(
      by === 'names'
        ? { label: labelText(value, 100), description: latest, value }
        : { label: labelText(record.udf_name ?? l10n.t('(no name)'), 100), description: `${labelText(value, 100)} · ${latest}`, value },
    );
  }
  return items;
}
