// Hovers over UDF names in Python code summarise their recent runs, with links to act.
// One request per UDF per minute at most: answers come from a cache that is warmed in
// the background when a Python file is opened, so a hover rarely waits on the network.
import vscode = require('vscode');
import { runStatus } from '../api/status';
import type { AuditLogQuery, AuditLogRecord } from '../api/types';
import type { FusedServices } from '../services';
import { abortSignalFor } from '../util/cancellation';
import { commandLink, markdownText } from '../text/safeText';
import { countOf, errorSummary, formatDuration, relativeTime, formatLocalTime, statusPresentation } from '../views/presentation';
import { summariseRuns, TimedCache, type RunSummary } from './runSummary';
import { findAllUdfReferences, findUdfReference, type UdfReference } from './udfReferences';

const RUNS_PER_HOVER = 20;
const CACHE_TTL_MS = 60_000;
const WARM_LIMIT = 10;

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

function hoverMarkdown(reference: UdfReference, runs: CachedRuns): vscode.MarkdownString {
  // Theme icons are ours ($(pass), $(error)…); record text and the name typed in the code go
  // through markdownText, so none of it becomes a link, an image, HTML or an icon.
  const parts: string[] = [];
  const linked: string[] = [];
  const link = (label: string, command: string, arg: unknown) => {
    if (!linked.includes(command)) linked.push(command);
    return commandLink(label, command, [arg]);
  };
  const subject = reference.kind === 'udf_name' ? `UDF **${markdownText(reference.value, { max: 120 })}**` : `Shared token ${markdownText(reference.value, { max: 120 })}`;
  if (runs.error) {
    parts.push(`$(error) ${subject}: could not load runs. ${markdownText(runs.error, { max: 500 })}`);
  } else if (!runs.summary.latest) {
    parts.push(`${subject}: no recorded runs in your audit log.`);
  } else {
    const { summary } = runs;
    const latest = runs.summary.latest;
    const latestStatus = statusPresentation(runStatus(latest));
    const { counts } = summary;
    parts.push(`${subject} — last ${countOf(summary.total, 'run')}\n\n`);
    parts.push(
      `$(${latestStatus.icon}) Latest: ${latestStatus.label}, ${markdownText(relativeTime(latest.timestamp))} ` +
        `(${markdownText(formatLocalTime(latest.timestamp))}), ${markdownText(formatDuration(latest.execution_time))}\n\n`,
    );
    parts.push(
      `$(pass) ${counts.ok} ok · $(error) ${counts.failed} failed · $(warning) ${counts.incomplete} incomplete · $(database) ${counts.cached} cached` +
        (summary.medianSeconds !== undefined ? ` · median ${markdownText(formatDuration(summary.medianSeconds))}` : '') +
        '\n\n',
    );
    const failure = summary.latestFailure;
    if (failure) {
      const error = errorSummary(failure.stderr, 200) || 'no stderr (the run did not finish)';
      parts.push(`Last failure ${markdownText(relativeTime(failure.timestamp))}: ${markdownText(error, { max: 200 })}\n\n`);
    }
    // Links carry only our typed arguments: a record's id and name, the name typed in the code.
    const links = [link('Details', 'fusedRuns.showDetails', runArg(latest)), link('Code', 'fusedRuns.openCode', runArg(latest))];
    if (failure?.stderr) links.push(link('Last error', 'fusedRuns.openStderr', runArg(failure)));
    if (reference.kind === 'udf_name') {
      links.push(link('Compare with this file', 'fusedRuns.compareWithLocalFile', runArg(latest)));
      links.push(link('All runs', 'fusedRuns.showRunsOfUdfByName', reference.value));
    } else {
      links.push(link('All runs', 'fusedRuns.showRunsForSharedToken', reference.value));
    }
    parts.push(links.join(' · '));
  }
  const markdown = new vscode.MarkdownString(parts.join(''), true);
  // Exactly the commands linked above may run from this hover; no HTML.
  markdown.isTrusted = linked.length ? { enabledCommands: linked } : false;
  markdown.supportHtml = false;
  return markdown;
}

function runArg(record: AuditLogRecord): { id: string; udf_name: string | null | undefined } {
  return { id: record.id, udf_name: record.udf_name };
}
