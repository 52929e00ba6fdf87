// Every query mode of fused.api.log one palette command away. Each command takes its input from
// its argument (tree node, hover link, record) or, from the palette, from a validated prompt,
// and shows the answer in the "Query Results" view.
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { recentlyUsedUdfs } from '../api/recipes';
import { QueryValidationError } from '../api/errors';
import { LIMITS, type AuditLogQuery, type DistinctType } from '../api/types';
import type { FusedServices } from '../services';
import { messageText } from '../text/safeText';
import { abortSignalFor } from '../util/cancellation';
import { describeQuery } from '../views/results/resultsModel';
import { ResultsView } from '../views/results/resultsView';
import { reportError, reportResultsError } from '../report/reportError';
import { exportRuns } from './exportCommand';
import { showFailingUdfs } from './failingPicker';
import { cappedWindowsNotice } from '../shared/failingSummary';
import {
  askMaxRecordsToScan,
  askText,
  askTimeRange,
  pickDistinctAndScope,
  pickOne,
  pickScope,
  pickUdf,
  scopeLabel,
} from '../prompts/prompts';
import { sharedTokenFromInput, validateRecordIdInput, validateSharedTokenInput } from '../prompts/queryInput';
import { customRange, rangeBounds, rangeTitle, type TimeRange } from '../time/range';
import {
  COMMANDS,
  distinctArg,
  invocation,
  readDistinctArg,
  readRunArg,
  readSharedTokenArg,
  readTimeRangeArg,
  readUdfIdArg,
  readUdfNameArg,
  runArg,
  type DistinctArg,
} from '../shared/commands';
import { scopeQuery, type Scope } from '../shared/scope';
import { resultsPageSize } from './settings';
import { udfListRequestBudget } from '../config/settings';

/** Scope as the prompts still speak it (`execEnv` true/false). */
function scopeOf(execEnv: boolean): Scope {
  return execEnv ? 'execEnv' : 'mine';
}

function scoped(execEnv: boolean): Pick<AuditLogQuery, 'exec_env'> {
  return scopeQuery(scopeOf(execEnv));
}

function withScope(title: string, execEnv: boolean): string {
  return execEnv ? l10n.t('{0} · exec env', title) : title;
}

/** Registers the query commands and the results view; features.ts disposes what it returns. */
export function registerQueryCommands(services: FusedServices): vscode.Disposable {
  const results = new ResultsView(services);
  const commands = new QueryCommands(services, results);
  return vscode.Disposable.from(
    results,
    vscode.commands.registerCommand(COMMANDS.showRunById, (arg?: unknown) => commands.showRunById(arg)),
    vscode.commands.registerCommand(COMMANDS.showRunsOfUdfByName, (arg?: unknown) => commands.showRunsOfUdf('names', arg)),
    vscode.commands.registerCommand(COMMANDS.showRunsOfUdfById, (arg?: unknown) => commands.showRunsOfUdf('ids', arg)),
    vscode.commands.registerCommand(COMMANDS.showRunsForSharedToken, (arg?: unknown) => commands.showRunsForSharedToken(arg)),
    vscode.commands.registerCommand(COMMANDS.showRunsInTimeRange, (arg?: unknown) => commands.showRunsInTimeRange(arg)),
    vscode.commands.registerCommand(COMMANDS.showDistinctUdfs, (arg?: unknown) => commands.showDistinctUdfs(arg)),
    vscode.commands.registerCommand(COMMANDS.showFailingUdfs, (arg?: unknown) => showFailingUdfs(services, results, arg)),
    vscode.commands.registerCommand(COMMANDS.showRecentlyUsedUdfs, (arg?: unknown) => commands.showRecentlyUsedUdfs(arg)),
    vscode.commands.registerCommand(COMMANDS.exportRuns, (arg?: unknown) => exportRuns(services, results, arg, () => commands.askQueryToExport())),
  );
}

class QueryCommands {
  constructor(
    private readonly services: FusedServices,
    private readonly results: ResultsView,
  ) {}

  /** Runs a query in the results view and reports a failure with Retry. */
  private async show(title: string, query: AuditLogQuery): Promise<void> {
    const snapshot = await this.results.showQuery({ title, query });
    reportResultsError(this.services.log, title, snapshot, () => this.results.retry());
  }

  async showRunById(arg?: unknown): Promise<void> {
    let id = readRunArg(arg)?.id;
    if (!id) {
      id = await askText({
        title: l10n.t('Show Run by Record ID'),
        prompt: l10n.t('The audit record id (a UUID), e.g. from a log line or a teammate'),
        placeHolder: '3f2b9c1e-8d4a-4c55-9a63-0b1f7e2d4c10',
        validate: validateRecordIdInput,
      });
      if (!id) return;
    }
    const recordId = id;
    try {
      const record = await vscode.window.withProgress(
        // A notification's title is parsed for links like any message: the id is text only.
        { location: vscode.ProgressLocation.Notification, title: messageText(l10n.t('Fused: fetching run {0}', recordId)), cancellable: true },
        async (_progress, token) => {
          const abort = abortSignalFor(token);
          try {
            return await this.services.getRecord(recordId, abort.signal);
          } finally {
            abort.dispose();
          }
        },
      );
      await this.results.showRecords({ title: `id = ${record.id}`, records: [record], query: { id: record.id } });
      // The details panel is registered by the same feature bundle (src/features.ts), always.
      await vscode.commands.executeCommand(...invocation(COMMANDS.showDetails, runArg(record)));
    } catch (error) {
      reportError(this.services.log, error, { what: l10n.t('Show run {0}', recordId), retry: () => this.showRunById(runArg({ id: recordId })) });
    }
  }

  async showRunsOfUdf(by: DistinctType, arg?: unknown): Promise<void> {
    const fromArg = by === 'names' ? readUdfNameArg(arg) : readUdfIdArg(arg);
    let execEnv = fromArg?.scope === 'execEnv';
    let value = fromArg && ('udf_name' in fromArg ? fromArg.udf_name : fromArg.udf_id);
    if (!value) {
      const picked = await pickUdf(this.services, by, { execEnv });
      if (!picked) return;
      value = picked.value;
      execEnv = picked.execEnv;
    }
    const key = by === 'names' ? 'udf_name' : 'udf_id';
    const query: AuditLogQuery = { [key]: value, scan_forward: false, limit: resultsPageSize(), ...scoped(execEnv) };
    await this.show(withScope(`${key} = ${value}`, execEnv), query);
  }

  async showRunsForSharedToken(arg?: unknown): Promise<void> {
    let token = readSharedTokenArg(arg);
    if (token) token = sharedTokenFromInput(token);
    if (!token) {
      const typed = await askText({
        title: l10n.t('Show Runs for Shared Token'),
        prompt: l10n.t('The shared token of a UDF share link (or paste the whole link)'),
        placeHolder: 'fsh_…',
        validate: (text) => validateSharedTokenInput(sharedTokenFromInput(text) || text),
      });
      if (!typed) return;
      token = sharedTokenFromInput(typed);
    }
    await this.show(`shared_token = ${token}`, { shared_token: token, scan_forward: false, limit: resultsPageSize() });
  }

  async showRunsInTimeRange(arg?: unknown): Promise<void> {
    let range: TimeRange | undefined;
    try {
      range = timeRangeFromArg(arg);
    } catch (error) {
      reportError(this.services.log, error, { what: l10n.t('Show Runs in Time Range') });
      return;
    }
    const scope = readTimeRangeArg(arg)?.scope;
    let execEnv = scope === undefined ? undefined : scope === 'execEnv';
    if (!range) {
      range = await askTimeRange({ title: l10n.t('Show Runs in Time Range') });
      if (!range) return;
    }
    if (execEnv === undefined) {
      execEnv = await pickScope(l10n.t('Show Runs in Time Range: scope'));
      if (execEnv === undefined) return;
    }
    const query: AuditLogQuery = { ...rangeBounds(range, new Date()), scan_forward: false, limit: resultsPageSize(), ...scoped(execEnv) };
    await this.show(withScope(rangeTitle(range), execEnv), query);
  }

  async showDistinctUdfs(arg?: unknown): Promise<void> {
    const given = readDistinctArg(arg);
    const choice = given ? choiceOf(given) : await pickDistinctAndScope(l10n.t('Show Distinct UDFs'));
    if (!choice) return;
    let scan = given?.maxRecordsToScan;
    if (scan === undefined) {
      scan = await askMaxRecordsToScan(l10n.t('Show Distinct UDFs: records to scan'));
      if (scan === undefined) return;
    }
    const query: AuditLogQuery = {
      distinct: true,
      distinct_type: choice.distinctType,
      max_records_to_scan: Math.min(LIMITS.maxRecordsToScan, Math.max(1, Math.floor(scan))),
      ...scoped(choice.execEnv),
    };
    await this.show(describeQuery(query), query);
  }

  async showRecentlyUsedUdfs(arg?: unknown): Promise<void> {
    const given = readDistinctArg(arg);
    const choice = given ? choiceOf(given) : await pickDistinctAndScope(l10n.t('Show Recently Used UDFs (last 7 days)'));
    if (!choice) return;
    const { distinctType, execEnv } = choice;
    const title = distinctType === 'names' ? l10n.t('recently used UDF names · last 7 days · {0}', scopeLabel(execEnv)) : l10n.t('recently used UDF ids · last 7 days · {0}', scopeLabel(execEnv));
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: l10n.t('Fused: finding recently used UDFs ({0})', scopeLabel(execEnv)), cancellable: true },
        async (progress, token) => {
          const abort = abortSignalFor(token);
          try {
            return await recentlyUsedUdfs(this.services.client(), {
              distinctType,
              execEnv,
              days: 7,
              budget: udfListRequestBudget(),
              signal: abort.signal,
              onProgress: (p) =>
                progress.report({
                  message: p.requests === 1 ? l10n.t('{0} runs read · {1} request', p.runsRead.toLocaleString('en-US'), p.requests) : l10n.t('{0} runs read · {1} requests', p.runsRead.toLocaleString('en-US'), p.requests),
                }),
            });
          } finally {
            abort.dispose();
          }
        },
      );
      for (const record of result.records) this.services.records.put(record);
      const capped = result.cappedWindows.length;
      const notice = cappedWindowsNotice(result.cappedWindows);
      await this.results.showRecords({ title, records: result.records, notice });
      this.services.log.info(
        `Recently used UDFs (${distinctType}, ${scopeLabel(execEnv)}): ${result.records.length} from ${result.runsRead} runs read in ${result.requests} requests (budget ${udfListRequestBudget()}); ` +
          (capped ? `${capped} window(s) may be incomplete: ${result.cappedWindows.map((w) => `${w.start} – ${w.end}`).join(', ')}.` : 'proven complete.'),
      );
      if (notice) void vscode.window.showWarningMessage(messageText(l10n.t('Recently used UDFs: {0}', notice)));
    } catch (error) {
      reportError(this.services.log, error, { what: l10n.t('Recently used UDFs'), retry: () => this.showRecentlyUsedUdfs(distinctArg(distinctType, scopeOf(execEnv))) });
    }
  }

  /** Export's prompt when there is no query at hand: which runs to export. */
  async askQueryToExport(): Promise<{ query: AuditLogQuery; title: string } | undefined> {
    const mode = await pickOne<string>(l10n.t('Export Runs'), l10n.t('Which runs?'), [
      { label: l10n.t('$(symbol-text) Runs of a UDF by name…'), value: 'name' },
      { label: l10n.t('$(symbol-key) Runs of a UDF by id…'), value: 'id' },
      { label: l10n.t('$(link) Runs for a shared token…'), value: 'token' },
      { label: l10n.t('$(calendar) Runs in a time range…'), value: 'range' },
      { label: l10n.t('$(person) All my runs'), value: 'mine' },
      { label: l10n.t('$(organization) All runs in my execution environment'), value: 'env' },
    ]);
    switch (mode) {
      case 'name':
      case 'id': {
        const by: DistinctType = mode === 'name' ? 'names' : 'ids';
        const picked = await pickUdf(this.services, by, { execEnv: false });
        if (!picked) return undefined;
        const key = by === 'names' ? 'udf_name' : 'udf_id';
        return { query: { [key]: picked.value, scan_forward: false, ...scoped(picked.execEnv) }, title: withScope(`${key} = ${picked.value}`, picked.execEnv) };
      }
      case 'token': {
        const typed = await askText({ title: l10n.t('Export Runs: shared token'), prompt: l10n.t('The shared token (or the share link)'), validate: (text) => validateSharedTokenInput(sharedTokenFromInput(text) || text) });
        if (!typed) return undefined;
        const token = sharedTokenFromInput(typed);
        return { query: { shared_token: token, scan_forward: false }, title: `shared_token = ${token}` };
      }
      case 'range': {
        const range = await askTimeRange({ title: l10n.t('Export Runs: time range') });
        if (!range) return undefined;
        const execEnv = await pickScope(l10n.t('Export Runs: scope'));
        if (execEnv === undefined) return undefined;
        return { query: { ...rangeBounds(range, new Date()), scan_forward: false, ...scoped(execEnv) }, title: withScope(rangeTitle(range), execEnv) };
      }
      case 'mine':
        return { query: { scan_forward: false }, title: l10n.t('my runs') };
      case 'env':
        return { query: { exec_env: true, scan_forward: false }, title: l10n.t('exec env') };
      default:
        return undefined;
    }
  }
}

/** The prompts' answer for a DistinctArg. */
function choiceOf(arg: DistinctArg): { distinctType: DistinctType; execEnv: boolean } {
  return { distinctType: arg.distinctType, execEnv: arg.scope === 'execEnv' };
}

/** A TimeRangeArg, read like typed input; a bad one is an error naming it. */
function timeRangeFromArg(arg: unknown): TimeRange | undefined {
  const given = readTimeRangeArg(arg);
  if (!given) return undefined;
  const result = customRange(given.start, given.end, new Date());
  if (!result.ok) throw new QueryValidationError(result.field === 'start' ? 'start_timestamp' : 'end_timestamp', result.problem);
  return result.range;
}
