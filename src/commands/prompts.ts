// The palette fallbacks: InputBoxes and QuickPicks that ask for what a command needs when it
// was not given an argument. Each validates as the user types and returns undefined on Escape.
import vscode = require('vscode');
import { runStatus } from '../api/status';
import { LIMITS, type AuditLogRecord, type DistinctType } from '../api/types';
import type { FusedServices } from '../services';
import { abortSignalFor } from '../util/cancellation';
import { labelText, messageText } from '../text/safeText';
import { relativeTime, statusPresentation } from '../views/presentation';
import {
  parseMaxRecordsToScan,
  parseTimestampInput,
  presetRange,
  TIME_RANGE_PRESETS,
  validateEndAfterStart,
  validateUdfIdInput,
  validateUdfNameInput,
  type TimeRange,
} from './queryInput';

export interface Scoped {
  /** Scope to the execution environment (team) instead of the user's own runs. */
  execEnv: boolean;
}

export function scopeLabel(execEnv: boolean): string {
  return execEnv ? 'execution environment' : 'mine';
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
  return pickOne(title, 'Whose runs?', [
    { label: '$(person) Mine', description: 'runs you started', value: false },
    { label: '$(organization) Execution environment', description: 'runs of everyone in your team / org environment (exec_env)', value: true },
  ]);
}

export function pickDistinctAndScope(title: string): Promise<{ distinctType: DistinctType; execEnv: boolean } | undefined> {
  return pickOne(title, 'One row per UDF name or per UDF id, in whose runs?', [
    { label: '$(symbol-text) UDF names · mine', value: { distinctType: 'names' as DistinctType, execEnv: false } },
    { label: '$(symbol-text) UDF names · execution environment', value: { distinctType: 'names' as DistinctType, execEnv: true } },
    { label: '$(symbol-key) UDF ids · mine', description: 'a name reused by two UDFs shows twice', value: { distinctType: 'ids' as DistinctType, execEnv: false } },
    { label: '$(symbol-key) UDF ids · execution environment', value: { distinctType: 'ids' as DistinctType, execEnv: true } },
  ]);
}

export async function askMaxRecordsToScan(title: string): Promise<number | undefined> {
  const text = await askText({
    title,
    prompt: `How many raw records the server scans before de-duplicating (1–${LIMITS.maxRecordsToScan}). More finds older UDFs but takes longer.`,
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

/** A preset or a custom start/end (ISO 8601 with an offset, or "now"). */
export async function askTimeRange(title: string, now: Date = new Date()): Promise<TimeRange | undefined> {
  const choice = await pickOne<string>(title, 'Which time range?', [
    ...TIME_RANGE_PRESETS.map((preset) => ({ label: preset.label, value: preset.id as string })),
    { label: 'Custom range…', description: 'start and end as ISO 8601 with an offset', value: 'custom' },
  ]);
  if (choice === undefined) return undefined;
  if (choice !== 'custom') return presetRange(choice as (typeof TIME_RANGE_PRESETS)[number]['id'], now);
  const startText = await askText({
    title: `${title}: start`,
    prompt: 'Start of the range (inclusive), ISO 8601 with an offset, e.g. 2025-04-01T00:00:00+00:00',
    value: new Date(now.getTime() - 24 * 3600_000).toISOString(),
    validate: (value) => {
      const parsed = parseTimestampInput(value, 'start', now);
      return 'problem' in parsed ? parsed.problem : undefined;
    },
  });
  if (startText === undefined) return undefined;
  const start = parseTimestampInput(startText, 'start', now);
  if ('problem' in start) return undefined;
  const endText = await askText({
    title: `${title}: end`,
    prompt: 'End of the range (inclusive), ISO 8601 with an offset, or "now"',
    value: now.toISOString(),
    validate: (value) => validateEndAfterStart(value, start, now),
  });
  if (endText === undefined) return undefined;
  const end = parseTimestampInput(endText, 'end', now);
  if ('problem' in end) return undefined;
  return { start_timestamp: start.iso, end_timestamp: end.iso };
}

interface UdfPickItem extends vscode.QuickPickItem {
  /** The udf_name or udf_id to query. */
  value?: string;
  /** The typed text, not from the list. */
  typed?: boolean;
}

const SCOPE_BUTTON_MINE: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('person'), tooltip: 'Scope: mine. Switch to execution environment' };
const SCOPE_BUTTON_ENV: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('organization'), tooltip: 'Scope: execution environment. Switch to mine' };

/**
 * A QuickPick of distinct UDF names (or ids), from one distinct query, newest first; the user
 * may also type a name/id that is not listed. A title button switches the scope (re-queries).
 */
export function pickUdf(services: FusedServices, by: DistinctType, initial: Scoped): Promise<{ value: string; execEnv: boolean } | undefined> {
  const what = by === 'names' ? 'name' : 'id';
  const validate = by === 'names' ? validateUdfNameInput : validateUdfIdInput;
  const quickPick = vscode.window.createQuickPick<UdfPickItem>();
  quickPick.title = `Show Runs of UDF by ${by === 'names' ? 'Name' : 'ID'}`;
  quickPick.placeholder = `Pick a UDF, or type its ${what}`;
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
        description: problem ? `$(error) ${labelText(problem)}` : `Show runs of this ${what} (not in the list)`,
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
    quickPick.buttons = [execEnv ? SCOPE_BUTTON_ENV : SCOPE_BUTTON_MINE];
    quickPick.title = `Show Runs of UDF by ${by === 'names' ? 'Name' : 'ID'} · ${scopeLabel(execEnv)}`;
    try {
      const page = await services.query(
        { distinct: true, distinct_type: by, max_records_to_scan: LIMITS.maxRecordsToScan, ...(execEnv ? { exec_env: true } : {}) },
        abort.signal,
      );
      if (source.token.isCancellationRequested) return;
      listed = udfItems(page.items, by);
      if (listed.length === 0) {
        listed = [{ label: `$(info) No UDF runs found (${scopeLabel(execEnv)}); type a ${what} to query it anyway`, alwaysShow: false }];
      }
    } catch (error) {
      if (source.token.isCancellationRequested) return;
      const message = error instanceof Error ? error.message : String(error);
      services.log.error(`Listing UDF ${by}: ${message}`);
      listed = [{ label: `$(error) Could not list UDF ${by}`, detail: labelText(message, 300), alwaysShow: true }];
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
      const problem = typed === '' ? `Pick a UDF or type its ${what}.` : validate(typed);
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
    const latest = `$(${status.icon}) latest run ${labelText(relativeTime(record.timestamp, now))}`;
    items.push(
      by === 'names'
        ? { label: labelText(value, 100), description: latest, value }
        : { label: labelText(record.udf_name ?? '(no name)', 100), description: `${labelText(value, 100)} · ${latest}`, value },
    );
  }
  return items;
}
