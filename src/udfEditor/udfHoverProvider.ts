// Hovers over UDF names in Python code (and notebook cells) summarise their recent runs, with
// links to act. A `@fused.udf` function is asked under the name Fused saved it by (name=,
// meta.json, the function, else the file or folder the audit log knows), and the hover says
// which name and why. Opening a file (fusedRuns.hovers.prefetch) reads the one page of runs the
// code lenses share, for the tree's scope and range (one request, however many UDFs the file
// names): a UDF with runs in that page is answered from it, saying which runs it counted. A UDF
// with none there is asked on hover (its runs may be older than the range), at most once a
// minute. Names only in comments, and GitHub fused.load of utility modules (`common`), never
// cause the page to be read on open, only on hover.
import { userMessage } from '../api/errors';
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { runStatus } from '../api/status';
import type { AuditLogQuery, AuditLogRecord } from '../api/types';
import type { FeatureHost } from '../activation/lazyHost';
import type { FusedServices } from '../services';
import { abortSignalFor } from '../util/cancellation';
import { markdownText } from '../text/safeText';
import { COMMANDS, commandCall, commandLink, linkedCommands, runArg, sharedTokenArg, udfNameArg, type CommandCall } from '../shared/commands';
import type { DocumentUdfs } from './documentUdfs';
import { describeNameChoice, type ChosenName } from '../udfCode/udfNames';
import { prefetchedReferences, udfAt, type TextSpan } from '../udfCode/udfSource';
import { formatCount } from '../text/counts';
import { errorSummary, formatDuration, relativeTime, formatLocalTime, statusPresentation } from '../shared/presentation';
import { summariseRuns, TimedCache, type RunSummary } from './runSummary';
import { hoverRunsFromPage, pageRunsHeading } from '../udfCode/rangeRuns';

/** What a hover asks the audit log about. */
interface UdfReference {
  kind: 'udf_name' | 'shared_token';
  value: string;
}

const RUNS_PER_HOVER = 20;
const CACHE_TTL_MS = 60_000;
/** A hover answers from the shared page while it is this fresh; else the page is read again (once, shared). */
const PAGE_MAX_AGE_MS = 60_000;

interface CachedRuns {
  summary: RunSummary;
  error?: string;
  /** Answered from the shared page: what it counted ("12 runs in the last 24 h (your runs)"). */
  pageHeading?: string;
}

/** The runs of a UDF name the hovers read (a warm-up or a hover), for the failing-line diagnostics. */
export interface LoadedUdfRuns {
  name: string;
  records: readonly AuditLogRecord[];
}

export interface UdfHovers extends vscode.Disposable {
  /** Fires after each successful udf_name read: no request of its own. */
  readonly onDidLoadRuns: vscode.Event<LoadedUdfRuns>;
}

export function registerUdfHovers(services: FusedServices, udfs: DocumentUdfs, host: FeatureHost): UdfHovers {
  const cache = new TimedCache<CachedRuns>(CACHE_TTL_MS);
  const loaded = new vscode.EventEmitter<LoadedUdfRuns>();
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
          (page): CachedRuns => {
            if (reference.kind === 'udf_name') loaded.fire({ name: reference.value, records: page.items });
            return { summary: summariseRuns(page.items, runStatus) };
          },
          (error: unknown): CachedRuns => ({ summary: summariseRuns([], runStatus), error: userMessage(error) }),
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

  const enabled = (setting: 'enabled' | 'prefetch') => vscode.workspace.getConfiguration('fusedRuns.hovers').get<boolean>(setting, true);

  /** The target's runs from the shared page (read when missing or stale), or undefined when it has none. */
  const fromPage = async (reference: UdfReference): Promise<{ runs?: CachedRuns; waited: boolean }> => {
    udfs.expireOlderThan(PAGE_MAX_AGE_MS);
    const waited = udfs.settledRangeRuns() === undefined;
    const page = await udfs.rangeRuns().catch(() => undefined);
    const runs = hoverRunsFromPage(page, reference);
    if (!runs) return { waited };
    return { runs: { summary: summariseRuns(runs.records, runStatus), pageHeading: pageRunsHeading(runs, udfs.scopeLabel, udfs.rangeLabel) }, waited };
  };

  const provider: vscode.HoverProvider = {
    async provideHover(document, position, token) {
      if (!enabled('enabled')) return undefined;
      const started = performance.now();
      const hit = udfAt(udfs.source(document), position.line, position.character);
      if (!hit) return undefined;
      let reference: UdfReference;
      let chosen: ChosenName | undefined;
      if (hit.kind === 'definition') {
        chosen = await udfs.nameOf(document, hit.definition, true);
        if (token.isCancellationRequested) return undefined;
        reference = { kind: 'udf_name', value: chosen.name };
      } else {
        reference = { kind: hit.reference.target.kind, value: hit.reference.target.value };
      }
      const abort = abortSignalFor(token);
      try {
        const page = await fromPage(reference);
        let answeredBy = page.waited ? 'the shared page, read for it' : 'the shared page';
        let runs = page.runs;
        if (!runs) {
          answeredBy = cache.get(keyOf(reference)) ? 'its own runs, cached' : 'its own runs, read for it';
          runs = await load(reference, abort.signal);
        }
        if (token.isCancellationRequested) return undefined;
        const hover = new vscode.Hover(hoverMarkdown(reference, runs, chosen && describeNameChoice(chosen, udfs.rangeLabel)), rangeOf(hit.span));
        // Our own time, without VS Code's hover delay and rendering (the bench reads these lines).
        services.log.debug(`Hover answered in ${(performance.now() - started).toFixed(1)} ms from ${answeredBy}: ${reference.kind} ${JSON.stringify(reference.value)}`);
        return hover;
      } finally {
        abort.dispose();
      }
    },
  };

  // Opening a file reads the shared page (one request for every UDF of every file; none when the
  // lenses or another file already read it), and for a definition whose name is a guess between
  // file and folder that the page cannot settle, the one distinct query of the range.
  const warm = async (document: vscode.TextDocument) => {
    if (document.languageId !== 'python' || document.uri.scheme === 'fused-run') return;
    if (!enabled('enabled') || !enabled('prefetch')) return;
    const source = udfs.source(document);
    if (!source.definitions.length && !prefetchedReferences(source).length) return;
    await udfs.rangeRuns();
    for (const definition of source.definitions) await udfs.nameOf(document, definition, true);
  };

  const warmLogged = (document: vscode.TextDocument) =>
    warm(document).catch((error: unknown) => services.log.warn(`Reading runs for ${document.uri.toString()}: ${userMessage(error)}`));

  const registrations = vscode.Disposable.from(
    loaded,
    // Activation registered the hover provider for Python; it forwards here.
    host.setHoverProvider(provider),
    vscode.workspace.onDidOpenTextDocument((document) => void warmLogged(document)),
    services.onDidChangeConnection(() => cache.clear()),
  );
  for (const document of vscode.workspace.textDocuments) void warmLogged(document);
  return { onDidLoadRuns: loaded.event, dispose: () => registrations.dispose() };
}

function rangeOf(span: TextSpan): vscode.Range {
  return new vscode.Range(span.line, span.start, span.line, span.end);
}

function hoverMarkdown(reference: UdfReference, runs: CachedRuns, nameReason?: string): vscode.MarkdownString {
  // Theme icons are ours ($(pass), $(error)…); record text and the name typed in the code go
  // through markdownText, so none of it becomes a link, an image, HTML or an icon.
  const parts: string[] = [];
  const linked: CommandCall[] = [];
  const link = (label: string, call: CommandCall) => {
    linked.push(call);
    return commandLink(label, call);
  };
  const subject = reference.kind === 'udf_name' ? l10n.t('UDF **{0}**', markdownText(reference.value, { max: 120 })) : l10n.t('Shared token {0}', markdownText(reference.value, { max: 120 }));
  // Which saved name a `def` was asked under, and why ("named in meta.json").
  const why = nameReason ? `\n\n${l10n.t('$(symbol-function) Name: {0}', markdownText(nameReason, { max: 300 }))}` : '';
  if (runs.error) {
    parts.push(l10n.t('$(error) {0}: could not load runs. {1}', subject, markdownText(runs.error, { max: 500 })) + why);
  } else if (!runs.summary.latest) {
    parts.push(l10n.t('{0}: no recorded runs in your audit log.', subject) + why);
  } else {
    const { summary } = runs;
    const latest = runs.summary.latest;
    const latestStatus = statusPresentation(runStatus(latest));
    const { counts } = summary;
    const heading = runs.pageHeading
      ? l10n.t('{0} — {1}', subject, markdownText(runs.pageHeading))
      : summary.total === 1
        ? l10n.t('{0} — last {1} run', subject, formatCount(summary.total))
        : l10n.t('{0} — last {1} runs', subject, formatCount(summary.total));
    parts.push(`${heading}${why}

`);
    parts.push(
      `$(${latestStatus.icon}) ` +
        l10n.t(
          'Latest: {0}, {1} ({2}), {3}',
          latestStatus.label,
          markdownText(relativeTime(latest.timestamp)),
          markdownText(formatLocalTime(latest.timestamp)),
          markdownText(formatDuration(latest.execution_time)),
        ) +
        '\n\n',
    );
    parts.push(
      l10n.t('$(pass) {0} ok · $(error) {1} failed · $(warning) {2} incomplete · $(database) {3} cached', counts.ok, counts.failed, counts.incomplete, counts.cached) +
        (summary.medianSeconds !== undefined ? l10n.t(' · median {0}', markdownText(formatDuration(summary.medianSeconds))) : '') +
        '\n\n',
    );
    const failure = summary.latestFailure;
    if (failure) {
      const error = errorSummary(failure.stderr, 200) || l10n.t('no stderr (the run did not finish)');
      parts.push(`${l10n.t('Last failure {0}: {1}', markdownText(relativeTime(failure.timestamp)), markdownText(error, { max: 200 }))}\n\n`);
    }
    // Links carry only our typed arguments: a record's id and name, the name typed in the code.
    const links = [link(l10n.t('Details'), commandCall(COMMANDS.showDetails, runArg(latest))), link(l10n.t('Code'), commandCall(COMMANDS.openCode, runArg(latest)))];
    if (failure?.stderr) links.push(link(l10n.t('Last error'), commandCall(COMMANDS.openStderr, runArg(failure))));
    if (reference.kind === 'udf_name') {
      links.push(link(l10n.t('Compare with this file'), commandCall(COMMANDS.compareWithLocalFile, runArg(latest))));
      links.push(link(l10n.t('All runs'), commandCall(COMMANDS.showRunsOfUdfByName, udfNameArg(reference.value))));
      links.push(link(l10n.t('Insights'), commandCall(COMMANDS.showUdfInsights, udfNameArg(reference.value))));
      links.push(link(l10n.t('Watch'), commandCall(COMMANDS.watchUdf, udfNameArg(reference.value))));
    } else {
      links.push(link(l10n.t('All runs'), commandCall(COMMANDS.showRunsForSharedToken, sharedTokenArg(reference.value))));
    }
    parts.push(links.join(' · '));
  }
  const markdown = new vscode.MarkdownString(parts.join(''), true);
  // Exactly the commands linked above may run from this hover; no HTML.
  markdown.isTrusted = linked.length ? { enabledCommands: linkedCommands(linked) } : false;
  markdown.supportHtml = false;
  return markdown;
}

