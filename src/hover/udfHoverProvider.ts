// Hovers over UDF names in Python code summarise their recent runs, with links to act.
// One request per UDF per minute at most: answers come from a cache that is warmed in
// the background when a Python file is opened, so a hover rarely waits on the network.
import vscode = require('vscode');
import { runStatus } from '../api/status';
import type { AuditLogQuery, AuditLogRecord } from '../api/types';
import type { FusedServices } from '../services';
import { abortSignalFor } from '../util/cancellation';
import { errorSummary, escapeMarkdown, formatDuration, relativeTime, formatLocalTime, statusPresentation } from '../views/presentation';
import { summariseRuns, TimedCache, type RunSummary } from './runSummary';
import { findAllUdfReferences, findUdfReference, type UdfReference } from './udfReferences';

const RUNS_PER_HOVER = 20;
const CACHE_TTL_MS = 60_000;
const WARM_LIMIT = 10;
/** Commands a hover link may run; everything else in the Markdown stays inert. */
const HOVER_COMMANDS = ['fusedRuns.showDetails', 'fusedRuns.openCode', 'fusedRuns.openStderr', 'fusedRuns.compareWithLocalFile', 'fusedRuns.showRunsOfUdfByName', 'fusedRuns.showRunsForSharedToken'];

interface CachedRuns {
  summary: RunSummary;
  error?: string;
}

export function registerUdfHovers(services: FusedServices): void {
  const cache = new TimedCache<CachedRuns>(CACHE_TTL_MS);
  const inFlight = new Map<string, Promise<CachedRuns>>();

  const keyOf = (reference: UdfReference) => `${reference.kind}:${reference.value}`;

  const load = (reference: UdfReference, signal?: AbortSignal): Promise<CachedRuns> => {
    const key = keyOf(reference);
    const cached = cache.get(key);
    if (cached) return Promise.resolve(cached);
    let pending = inFlight.get(key);
    if (!pending) {
      const query: AuditLogQuery = { [reference.kind]: reference.value, scan_forward: false, limit: RUNS_PER_HOVER };
      pending = services
        .query(query, signal)
        .then(
          (page): CachedRuns => ({ summary: summariseRuns(page.items, runStatus) }),
          (error: unknown): CachedRuns => ({ summary: summariseRuns([], runStatus), error: error instanceof Error ? error.message : String(error) }),
        )
        .then((result) => {
          inFlight.delete(key);
          // A cancelled hover is not an answer worth keeping.
          if (!signal?.aborted) cache.set(key, result);
          return result;
        });
      inFlight.set(key, pending);
    }
    return pending;
  };

  const provider: vscode.HoverProvider = {
    async provideHover(document, position, token) {
      const reference = findUdfReference(
        { lineCount: document.lineCount, lineAt: (line) => document.lineAt(line).text },
        position.line,
        position.character,
      );
      if (!reference) return undefined;
      const abort = abortSignalFor(token);
      try {
        const runs = await load(reference, abort.signal);
        if (token.isCancellationRequested) return undefined;
        const range = new vscode.Range(position.line, reference.start, position.line, reference.end);
        return new vscode.Hover(hoverMarkdown(reference, runs), range);
      } finally {
        abort.dispose();
      }
    },
  };

  const warm = (document: vscode.TextDocument) => {
    if (document.languageId !== 'python' || document.uri.scheme === 'fused-run') return;
    const references = findAllUdfReferences({ lineCount: document.lineCount, lineAt: (line) => document.lineAt(line).text });
    for (const reference of references.slice(0, WARM_LIMIT)) void load(reference);
  };

  const { context } = services;
  context.subscriptions.push(
    vscode.languages.registerHoverProvider({ language: 'python' }, provider),
    vscode.workspace.onDidOpenTextDocument(warm),
    services.onDidChangeConnection(() => cache.clear()),
  );
  for (const document of vscode.workspace.textDocuments) warm(document);
}

function commandLink(title: string, command: string, arg: unknown): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify([arg]))} "${title}")`;
}

function hoverMarkdown(reference: UdfReference, runs: CachedRuns): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString(undefined, true);
  markdown.isTrusted = { enabledCommands: HOVER_COMMANDS };
  markdown.supportHtml = false;
  const subject = reference.kind === 'udf_name' ? `UDF **${escapeMarkdown(reference.value)}**` : `Shared token \`${reference.value}\``;
  if (runs.error) {
    markdown.appendMarkdown(`$(error) ${subject}: could not load runs. ${escapeMarkdown(runs.error)}`);
    return markdown;
  }
  const { summary } = runs;
  if (!summary.latest) {
    markdown.appendMarkdown(`${subject}: no recorded runs in your audit log.`);
    return markdown;
  }
  const latest = summary.latest;
  const latestStatus = statusPresentation(runStatus(latest));
  const { counts } = summary;
  markdown.appendMarkdown(`${subject} — last ${summary.total} runs\n\n`);
  markdown.appendMarkdown(
    `$(${latestStatus.icon}) Latest: ${escapeMarkdown(latestStatus.label)}, ${escapeMarkdown(relativeTime(latest.timestamp))} ` +
      `(${escapeMarkdown(formatLocalTime(latest.timestamp))}), ${escapeMarkdown(formatDuration(latest.execution_time))}\n\n`,
  );
  markdown.appendMarkdown(
    `$(pass) ${counts.ok} ok · $(error) ${counts.failed} failed · $(warning) ${counts.incomplete} incomplete · $(database) ${counts.cached} cached` +
      (summary.medianSeconds !== undefined ? ` · median ${escapeMarkdown(formatDuration(summary.medianSeconds))}` : '') +
      '\n\n',
  );
  const failure = summary.latestFailure;
  if (failure) {
    const error = errorSummary(failure.stderr) || 'no stderr (the run did not finish)';
    markdown.appendMarkdown(`Last failure ${escapeMarkdown(relativeTime(failure.timestamp))}: \`${error.replace(/`/g, "'")}\`\n\n`);
  }
  const links = [commandLink('Details', 'fusedRuns.showDetails', runArg(latest)), commandLink('Code', 'fusedRuns.openCode', runArg(latest))];
  if (failure?.stderr) links.push(commandLink('Last error', 'fusedRuns.openStderr', runArg(failure)));
  if (reference.kind === 'udf_name') {
    links.push(commandLink('Compare with this file', 'fusedRuns.compareWithLocalFile', runArg(latest)));
    links.push(commandLink('All runs', 'fusedRuns.showRunsOfUdfByName', reference.value));
  } else {
    links.push(commandLink('All runs', 'fusedRuns.showRunsForSharedToken', reference.value));
  }
  markdown.appendMarkdown(links.join(' · '));
  return markdown;
}

function runArg(record: AuditLogRecord): { id: string; udf_name: string | null | undefined } {
  return { id: record.id, udf_name: record.udf_name };
}
