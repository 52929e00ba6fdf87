// The command contract: every command id this extension contributes or runs, the type of its
// argument, the builders our callers use (tree items, hover links, code lenses, the webview
// hosts, the status bar, the results view) and the readers the commands use. Pure and free of
// `vscode`, so every folder may import it and the unit tests check it against package.json.
//
// Arguments come from four places:
//  - our own callers, through the builders below (RunArg, UdfNameArg, …);
//  - view/item/context menus, which pass the tree element (RunRowArg, UdfRowArg, TreeRowArg);
//  - editor/title menus, which pass the document's Uri (UriArg);
//  - the Command Palette, which passes nothing (every reader then returns undefined and the
//    command prompts).
// Nothing else is read: a reader recognises exactly these shapes.
import { isRecordId } from '../api/recordId';
import type { FailingUdfSummary, TimeWindow } from '../api/recipes';
import type { AuditLogQuery, AuditLogRecord, DistinctType } from '../api/types';
import { validateQuery } from '../api/validate';
import { markdownText, oneLine } from '../text/safeText';
import { RUN_SCHEME, tryParseRunPath } from './runUri';
import { isScope, scopeOfQuery, type Scope } from './scope';

/** Every command of package.json's `contributes.commands` (a unit test checks both ways). */
export const COMMANDS = {
  watchUdf: 'fusedRuns.watchUdf',
  stopWatchingUdf: 'fusedRuns.stopWatchingUdf',
  showUdfInsights: 'fusedRuns.showUdfInsights',
  setApiToken: 'fusedRuns.setApiToken',
  signOut: 'fusedRuns.signOut',
  useSdkCredentials: 'fusedRuns.useSdkCredentials',
  checkConnection: 'fusedRuns.checkConnection',
  selectInterpreter: 'fusedRuns.selectInterpreter',
  openCode: 'fusedRuns.openCode',
  openStderr: 'fusedRuns.openStderr',
  openStdout: 'fusedRuns.openStdout',
  openUdfData: 'fusedRuns.openUdfData',
  openHeaderModule: 'fusedRuns.openHeaderModule',
  compareWithLocalFile: 'fusedRuns.compareWithLocalFile',
  compareWithPreviousRun: 'fusedRuns.compareWithPreviousRun',
  compareWithRun: 'fusedRuns.compareWithRun',
  reloadRunDocuments: 'fusedRuns.reloadRunDocuments',
  showLog: 'fusedRuns.showLog',
  showDetails: 'fusedRuns.showDetails',
  refresh: 'fusedRuns.refresh',
  toggleScope: 'fusedRuns.toggleScope',
  scopeToExecEnv: 'fusedRuns.scopeToExecEnv',
  scopeToMine: 'fusedRuns.scopeToMine',
  groupByName: 'fusedRuns.groupByName',
  groupById: 'fusedRuns.groupById',
  setTimeRange: 'fusedRuns.setTimeRange',
  filterUdfs: 'fusedRuns.filterUdfs',
  clearUdfFilter: 'fusedRuns.clearUdfFilter',
  showFailingOnly: 'fusedRuns.showFailingOnly',
  showAllUdfs: 'fusedRuns.showAllUdfs',
  loadMore: 'fusedRuns.loadMore',
  retry: 'fusedRuns.retry',
  scanWindowFully: 'fusedRuns.scanWindowFully',
  openDemoSettings: 'fusedRuns.openDemoSettings',
  copyRecordId: 'fusedRuns.copyRecordId',
  showRunById: 'fusedRuns.showRunById',
  showRunsOfUdfByName: 'fusedRuns.showRunsOfUdfByName',
  revealUdfInTree: 'fusedRuns.revealUdfInTree',
  showRunsOfUdfById: 'fusedRuns.showRunsOfUdfById',
  showRunsForSharedToken: 'fusedRuns.showRunsForSharedToken',
  showRunsInTimeRange: 'fusedRuns.showRunsInTimeRange',
  showDistinctUdfs: 'fusedRuns.showDistinctUdfs',
  showFailingUdfs: 'fusedRuns.showFailingUdfs',
  showRecentlyUsedUdfs: 'fusedRuns.showRecentlyUsedUdfs',
  exportRuns: 'fusedRuns.exportRuns',
  resultsLoadMore: 'fusedRuns.results.loadMore',
  resultsRetry: 'fusedRuns.results.retry',
  resultsRefresh: 'fusedRuns.results.refresh',
  resultsClear: 'fusedRuns.results.clear',
} as const;

/** VS Code's own commands that we run (not ours, listed so every id we run is named here). */
export const VSCODE_COMMANDS = {
  openSettings: 'workbench.action.openSettings',
  diff: 'vscode.diff',
  setContext: 'setContext',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

// ---------------------------------------------------------------------------------------------
// What VS Code passes (we do not choose these shapes; they are read as they come)

/** editor/title menus: the document's `vscode.Uri` (or its serialized form). */
export interface UriArg {
  readonly scheme: string;
  readonly path: string;
}

/** view/item/context on a run row of the UDF tree or of Query Results: the tree element. */
export interface RunRowArg {
  readonly kind: 'run';
  readonly record: AuditLogRecord;
}

/** view/item/context on a UDF row of the UDF tree: the tree element (its query is the row's runs in the view's scope and range). */
export interface UdfRowArg {
  readonly kind: 'udf';
  readonly entry: { readonly name: string; readonly udfId?: string; readonly latest: AuditLogRecord };
  readonly query: AuditLogQuery;
  readonly title: string;
}

/** view/item/context and clicks on the tree's own rows (Load more, a failed load, an unproven window): read back by the tree. */
export interface TreeRowArg {
  readonly kind: string;
}

// ---------------------------------------------------------------------------------------------
// What our callers pass (built with the functions below)

/** A run: its record id, and its UDF's name when known (for the editor title while it loads). */
export interface RunArg {
  readonly id: string;
  readonly udf_name?: string | null;
}

export interface UdfNameArg {
  readonly udf_name: string;
  /** Default: "Mine" (or, for insights, the tree's scope). */
  readonly scope?: Scope;
}

export interface UdfIdArg {
  readonly udf_id: string;
  readonly scope?: Scope;
}

export interface SharedTokenArg {
  readonly shared_token: string;
}

/** A range typed like the palette's input (ISO 8601 with or without an offset, Python's `str(datetime)`). */
export interface TimeRangeArg {
  readonly start: string;
  readonly end: string;
  /** Omitted: the command asks. */
  readonly scope?: Scope;
}

export interface DistinctArg {
  readonly distinctType: DistinctType;
  readonly scope: Scope;
  /** Show Distinct UDFs: omitted, the command asks. */
  readonly maxRecordsToScan?: number;
}

/** A query to show or export (page_token is dropped: a results view or an export starts at the first page). */
export interface QueryArg {
  readonly query: AuditLogQuery;
  readonly title?: string;
}

export type ExportFormat = 'jsonl' | 'csv';

/** Export Runs: what (a query, else what Query Results shows, else it asks), and for tests and other commands the format and the file (a path or a Uri). */
export interface ExportArg extends Partial<QueryArg> {
  readonly format?: ExportFormat;
  readonly target?: string | UriArg;
}

export type FailingSortKey = 'count' | 'lastFailure' | 'name';

/** Show Failing UDFs: the scope, range and order to start with; the status bar also hands over the summary it already read. */
export interface FailingUdfsArg {
  scope?: Scope;
  /** Explicit range (ISO with offset); default: the last `days` days. */
  start?: string;
  end?: string;
  days?: number;
  sort?: FailingSortKey;
  /** Summaries already read (the status bar passes them): shown at once, no request. */
  summaries?: FailingUdfSummary[];
  /** With `summaries`: the windows that reading left incomplete, so the notice survives the hand-over. */
  truncatedWindows?: TimeWindow[];
}

/** The arguments each command accepts (`[]`: none; an optional one: the palette passes nothing and the command asks). */
export interface CommandArgs {
  [COMMANDS.watchUdf]: [arg?: UdfNameArg | UdfRowArg];
  [COMMANDS.stopWatchingUdf]: [arg?: UdfNameArg | UdfRowArg];
  [COMMANDS.showUdfInsights]: [arg?: UdfNameArg | UdfIdArg | UdfRowArg];
  [COMMANDS.setApiToken]: [];
  [COMMANDS.signOut]: [];
  [COMMANDS.useSdkCredentials]: [];
  [COMMANDS.checkConnection]: [];
  [COMMANDS.selectInterpreter]: [];
  [COMMANDS.openCode]: [arg?: RunInput];
  [COMMANDS.openStderr]: [arg?: RunInput];
  [COMMANDS.openStdout]: [arg?: RunInput];
  [COMMANDS.openUdfData]: [arg?: RunInput];
  [COMMANDS.openHeaderModule]: [arg?: RunInput];
  [COMMANDS.compareWithLocalFile]: [arg?: RunInput];
  [COMMANDS.compareWithPreviousRun]: [arg?: RunInput];
  [COMMANDS.compareWithRun]: [arg?: RunInput];
  [COMMANDS.reloadRunDocuments]: [arg?: RunInput];
  [COMMANDS.showLog]: [];
  [COMMANDS.showDetails]: [arg?: RunInput];
  [COMMANDS.refresh]: [];
  [COMMANDS.toggleScope]: [];
  [COMMANDS.scopeToExecEnv]: [];
  [COMMANDS.scopeToMine]: [];
  [COMMANDS.groupByName]: [];
  [COMMANDS.groupById]: [];
  [COMMANDS.setTimeRange]: [];
  [COMMANDS.filterUdfs]: [];
  [COMMANDS.clearUdfFilter]: [];
  [COMMANDS.showFailingOnly]: [];
  [COMMANDS.showAllUdfs]: [];
  [COMMANDS.loadMore]: [row?: TreeRowArg];
  [COMMANDS.retry]: [row?: TreeRowArg];
  [COMMANDS.scanWindowFully]: [row?: TreeRowArg];
  [COMMANDS.openDemoSettings]: [];
  [COMMANDS.copyRecordId]: [arg?: RunInput];
  [COMMANDS.showRunById]: [arg?: RunArg];
  [COMMANDS.showRunsOfUdfByName]: [arg?: UdfNameArg | RunRowArg | UdfRowArg];
  [COMMANDS.revealUdfInTree]: [arg?: UdfNameArg];
  [COMMANDS.showRunsOfUdfById]: [arg?: UdfIdArg | RunRowArg | UdfRowArg];
  [COMMANDS.showRunsForSharedToken]: [arg?: SharedTokenArg | RunRowArg];
  [COMMANDS.showRunsInTimeRange]: [arg?: TimeRangeArg];
  [COMMANDS.showDistinctUdfs]: [arg?: DistinctArg];
  [COMMANDS.showFailingUdfs]: [arg?: FailingUdfsArg];
  [COMMANDS.showRecentlyUsedUdfs]: [arg?: DistinctArg];
  [COMMANDS.exportRuns]: [arg?: ExportArg | UdfRowArg];
  [COMMANDS.resultsLoadMore]: [];
  [COMMANDS.resultsRetry]: [];
  [COMMANDS.resultsRefresh]: [];
  [COMMANDS.resultsClear]: [];
}

/** What a run command accepts: ours, a run row's element, or a run document's Uri. */
export type RunInput = RunArg | RunRowArg | UriArg;

/** A command with its typed arguments, shaped like `vscode.Command` minus the title. */
export interface CommandCall<K extends CommandId = CommandId> {
  readonly command: K;
  readonly arguments: CommandArgs[K];
}

/** `{ command, arguments }` for a tree item, a code lens or a status bar item (add the title). */
export function commandCall<K extends CommandId>(command: K, ...args: CommandArgs[K]): CommandCall<K> {
  return { command, arguments: args };
}

/** `[command, ...arguments]`, for `vscode.commands.executeCommand(...invocation(…))`. */
export function invocation<K extends CommandId>(command: K, ...args: CommandArgs[K]): [K, ...CommandArgs[K]] {
  return [command, ...args];
}

/**
 * A Markdown link that runs one of our commands with its typed arguments. The label is escaped
 * like any text; the arguments are JSON, percent-encoded including the characters
 * encodeURIComponent leaves (`(`, `)`, `'`, `!`, `*`), so no argument can end the link early.
 * The MarkdownString must trust exactly the commands it links to: `isTrusted = { enabledCommands: linkedCommands(calls) }`.
 */
export function commandLink(label: string, call: CommandCall, title = label): string {
  // The type allows only our ids; the check guards what a cast could smuggle in.
  if (!/^[A-Za-z0-9_.-]+$/.test(call.command)) throw new Error(`Not a command id: ${JSON.stringify(call.command)}`);
  const query = encodeURIComponent(JSON.stringify(call.arguments)).replace(/[()'!*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const safeTitle = oneLine(title, 120).replace(/["\\]/g, (c) => `\\${c}`);
  return `[${markdownText(label, { max: 120 })}](command:${call.command}?${query} "${safeTitle}")`;
}

/** The ids a Markdown string with these links must trust, each once. */
export function linkedCommands(calls: readonly CommandCall[]): CommandId[] {
  return [...new Set(calls.map((call) => call.command))];
}

// ---------------------------------------------------------------------------------------------
// Builders

export function runArg(run: { readonly id: string; readonly udf_name?: string | null }): RunArg {
  return run.udf_name === undefined ? { id: run.id } : { id: run.id, udf_name: run.udf_name };
}

export function udfNameArg(udf_name: string, scope?: Scope): UdfNameArg {
  return scope === undefined ? { udf_name } : { udf_name, scope };
}

export function udfIdArg(udf_id: string, scope?: Scope): UdfIdArg {
  return scope === undefined ? { udf_id } : { udf_id, scope };
}

export function sharedTokenArg(shared_token: string): SharedTokenArg {
  return { shared_token };
}

export function timeRangeArg(start: string, end: string, scope?: Scope): TimeRangeArg {
  return scope === undefined ? { start, end } : { start, end, scope };
}

export function distinctArg(distinctType: DistinctType, scope: Scope, maxRecordsToScan?: number): DistinctArg {
  return maxRecordsToScan === undefined ? { distinctType, scope } : { distinctType, scope, maxRecordsToScan };
}

export function queryArg(query: AuditLogQuery, title?: string): QueryArg {
  return title === undefined ? { query } : { query, title };
}

// ---------------------------------------------------------------------------------------------
// Readers (each takes what arrived at runtime; anything but the shapes above reads as undefined)

type Bag = Record<string, unknown>;

function bag(arg: unknown): Bag | undefined {
  return arg !== null && typeof arg === 'object' ? (arg as Bag) : undefined;
}

function nonBlank(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function isRecordLike(value: unknown): value is AuditLogRecord {
  const raw = bag(value);
  return !!raw && isRecordId(raw.id) && typeof raw.timestamp === 'string';
}

function runRow(arg: unknown): RunRowArg | undefined {
  const raw = bag(arg);
  return raw?.kind === 'run' && isRecordLike(raw.record) ? (raw as unknown as RunRowArg) : undefined;
}

function udfRow(arg: unknown): UdfRowArg | undefined {
  const raw = bag(arg);
  const entry = bag(raw?.entry);
  return raw?.kind === 'udf' && entry && isRecordLike(entry.latest) ? (raw as unknown as UdfRowArg) : undefined;
}

/** A run the command should act on; `record` when the caller already had it (no fetch). */
export interface RunRef {
  id: string;
  udf_name?: string | null;
  record?: AuditLogRecord;
}

/** A run document's path (`fused-run:/<udf_name>/<record_id>/<file>`, see runUri.ts) → its run. */
export function runRefFromPath(path: string): RunRef | undefined {
  const address = tryParseRunPath(path);
  if (!address || !isRecordId(address.recordId)) return undefined;
  return { id: address.recordId, udf_name: address.udfName };
}

/** RunInput → the run: a RunArg, a run row (with its record), or a fused-run document's Uri. */
export function readRunArg(arg: unknown): RunRef | undefined {
  const row = runRow(arg);
  if (row) return { id: row.record.id, udf_name: row.record.udf_name, record: row.record };
  const raw = bag(arg);
  if (!raw) return undefined;
  if (raw.scheme !== undefined) return raw.scheme === RUN_SCHEME && typeof raw.path === 'string' ? runRefFromPath(raw.path) : undefined;
  if (!isRecordId(raw.id)) return undefined;
  return typeof raw.udf_name === 'string' || raw.udf_name === null ? { id: raw.id, udf_name: raw.udf_name } : { id: raw.id };
}

/** The scope an argument names, if any: `scope`, or a UDF row's query. */
function scopeOfArg(raw: Bag | undefined): Scope | undefined {
  if (isScope(raw?.scope)) return raw.scope;
  const row = udfRow(raw);
  return row ? scopeOfQuery(row.query) : undefined;
}

/** UdfNameArg, a UDF row (its runs' udf_name) or a run row → the name and, when the argument says, the scope. */
export function readUdfNameArg(arg: unknown): { udf_name: string; scope?: Scope } | undefined {
  const raw = bag(arg);
  const name = nonBlank(raw?.udf_name) ?? nonBlank(udfRow(arg)?.entry.latest.udf_name) ?? nonBlank(runRow(arg)?.record.udf_name);
  if (!name) return undefined;
  const scope = scopeOfArg(raw);
  return scope === undefined ? { udf_name: name } : { udf_name: name, scope };
}

/** UdfIdArg, a UDF row (its id, else its runs' udf_id) or a run row → the id and, when the argument says, the scope. */
export function readUdfIdArg(arg: unknown): { udf_id: string; scope?: Scope } | undefined {
  const raw = bag(arg);
  const row = udfRow(arg);
  const id = nonBlank(raw?.udf_id) ?? nonBlank(row?.entry.udfId) ?? nonBlank(row?.entry.latest.udf_id) ?? nonBlank(runRow(arg)?.record.udf_id);
  if (!id) return undefined;
  const scope = scopeOfArg(raw);
  return scope === undefined ? { udf_id: id } : { udf_id: id, scope };
}

export function readSharedTokenArg(arg: unknown): string | undefined {
  return nonBlank(bag(arg)?.shared_token) ?? nonBlank(runRow(arg)?.record.shared_token);
}

/** The range as typed (the command parses it like the palette's input) and the scope if given. */
export function readTimeRangeArg(arg: unknown): TimeRangeArg | undefined {
  const raw = bag(arg);
  if (!raw || typeof raw.start !== 'string' || typeof raw.end !== 'string') return undefined;
  return timeRangeArg(raw.start, raw.end, isScope(raw.scope) ? raw.scope : undefined);
}

export function readDistinctArg(arg: unknown): DistinctArg | undefined {
  const raw = bag(arg);
  if (!raw || (raw.distinctType !== 'names' && raw.distinctType !== 'ids') || !isScope(raw.scope)) return undefined;
  const scan = typeof raw.maxRecordsToScan === 'number' && Number.isFinite(raw.maxRecordsToScan) ? raw.maxRecordsToScan : undefined;
  return distinctArg(raw.distinctType, raw.scope, scan);
}

/**
 * QueryArg or a UDF row (its runs in the view's scope and range) → the query, validated (throws
 * QueryValidationError naming the field), without its page_token.
 */
export function readQueryArg(arg: unknown): QueryArg | undefined {
  const raw = bag(arg);
  const query = bag(raw?.query);
  if (!raw || !query) return undefined;
  const { page_token: _dropped, ...rest } = query as AuditLogQuery;
  return queryArg(validateQuery(rest), typeof raw.title === 'string' ? raw.title : undefined);
}

/** Export Runs' format and file; the query is read by readQueryArg. */
export function readExportOptions(arg: unknown): Pick<ExportArg, 'format' | 'target'> {
  const raw = bag(arg);
  const options: { format?: ExportFormat; target?: string | UriArg } = {};
  if (raw?.format === 'csv' || raw?.format === 'jsonl') options.format = raw.format;
  const target = bag(raw?.target);
  if (typeof raw?.target === 'string') options.target = raw.target;
  else if (target && typeof target.scheme === 'string' && typeof target.path === 'string') options.target = target as unknown as UriArg;
  return options;
}

function isWindow(value: unknown): value is TimeWindow {
  const w = bag(value);
  return !!w && typeof w.start === 'string' && typeof w.end === 'string' && Number.isFinite(Date.parse(w.start)) && Number.isFinite(Date.parse(w.end));
}

function isSummary(value: unknown): value is FailingUdfSummary {
  const s = bag(value);
  return (
    !!s &&
    (typeof s.udf_name === 'string' || s.udf_name === null) &&
    typeof s.failure_count === 'number' &&
    typeof s.last_failure === 'string' &&
    (typeof s.sample_error === 'string' || s.sample_error === null)
  );
}

/** FailingUdfsArg, each field checked (a malformed one is dropped, the rest kept). */
export function readFailingUdfsArg(arg: unknown): FailingUdfsArg {
  const raw = bag(arg);
  if (!raw) return {};
  const args: FailingUdfsArg = {};
  if (isScope(raw.scope)) args.scope = raw.scope;
  if (typeof raw.start === 'string') args.start = raw.start;
  if (typeof raw.end === 'string') args.end = raw.end;
  if (typeof raw.days === 'number' && raw.days > 0) args.days = raw.days;
  if (raw.sort === 'count' || raw.sort === 'lastFailure' || raw.sort === 'name') args.sort = raw.sort;
  if (Array.isArray(raw.summaries) && raw.summaries.every(isSummary)) {
    args.summaries = raw.summaries.map((summary) => ({
      ...summary,
      error_count: typeof summary.error_count === 'number' ? summary.error_count : 0,
      incomplete_count: typeof summary.incomplete_count === 'number' ? summary.incomplete_count : 0,
    }));
  }
  if (Array.isArray(raw.truncatedWindows) && raw.truncatedWindows.every(isWindow)) {
    args.truncatedWindows = raw.truncatedWindows.map((w) => ({ start: w.start, end: w.end }));
  }
  return args;
}
