// What the hovers and code lenses know about the UDFs of an open Python file or notebook cell:
// its parsed definitions and calls (cached per document version), the meta.json beside it
// (cached per folder, re-read when it changes on disk), the one page of runs shared by every
// file for the tree's scope and range, and which saved name each `@fused.udf` function has.
// The decisions are in src/udfCode (pure); this is the thin VS Code side.
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { userMessage } from '../api/errors';
import type { FusedServices } from '../services';
import { META_JSON_MAX_BYTES, parseMetaJson, type MetaUdfStep } from '../udfCode/metaJson';
import { knowsName, withLatestByName, type RangeRuns } from '../udfCode/rangeRuns';
import { analyzePythonUdfs, emptyImports, type FusedImports, type PythonUdfSource, type UdfDefinition } from '../udfCode/udfSource';
import { chooseName, nameCandidates, type ChosenName } from '../udfCode/udfNames';
import { describeRange } from '../time/range';
import { rangeRunsQuery, type ViewState } from '../views/treeModel';
import type { UdfTreeProvider } from '../views/udfTree';
import { DisposableStore } from '../util/disposables';

/** The API's largest page: one request covers a file's UDFs unless the range holds more runs. */
const RANGE_PAGE_SIZE = 300;
const NOTEBOOK_CELL_SCHEME = 'vscode-notebook-cell';

interface ParsedDocument {
  version: number;
  /** The uri and the imports seen in other cells. */
  key: string;
  source: PythonUdfSource;
}

function linesOf(document: vscode.TextDocument): string[] {
  const lines: string[] = [];
  for (let line = 0; line < document.lineCount; line++) lines.push(document.lineAt(line).text);
  return lines;
}

interface MetaEntry {
  mtime: number;
  size: number;
  steps: MetaUdfStep[] | undefined;
}

/** The shared page for one scope and range, and when it was asked. */
interface RangePage {
  key: string;
  promise: Promise<RangeRuns>;
  settled?: RangeRuns;
  /** When the page was asked (Date.now()). */
  askedAt: number;
  /** The one distinct-names query of this scope and range, when something needed it. */
  names?: Promise<RangeRuns>;
}

/** A root load this soon after a requested refresh is that refresh's. */
const REFRESH_FOLLOW_MS = 60_000;
/** How far back the distinct query scans (the API's largest). */
const DISTINCT_SCAN = 5000;

export class DocumentUdfs implements vscode.Disposable {
  private readonly parsed = new Map<string, ParsedDocument>();
  private readonly cellImports = new Map<string, { version: number; imports: FusedImports }>();
  private readonly metas = new Map<string, MetaEntry>();
  private page: RangePage | undefined;
  /** When the last refresh was asked, until the root load it causes (if any) arrives. */
  private refreshRequestedAt: number | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** The shared page was dropped (the tree refreshed, the connection changed): lenses re-read. */
  readonly onDidChange = this.changed.event;
  private readonly pageRead = new vscode.EventEmitter<RangeRuns>();
  /** The shared page arrived (the lenses asked for it): the failing-line diagnostics read it too. */
  readonly onDidReadRangeRuns = this.pageRead.event;
  private readonly subscriptions = new DisposableStore();
  /** Requests this made (the bench and tests read it). */
  requests = 0;

  constructor(
    private readonly services: FusedServices,
    private readonly tree: UdfTreeProvider,
  ) {
    this.subscriptions.add(
      this.changed,
      this.pageRead,
      // The tree refreshed (a click, auto-refresh, another scope or range): counts follow it.
      tree.onDidLoadRoot(() => this.rootLoaded()),
      // Fused: Refresh and auto-refresh: re-read at once; with the view hidden no root load follows.
      tree.onDidRequestRefresh(() => this.refreshRequested()),
      tree.onDidChangeState(() => this.invalidate()),
      services.onDidChangeConnection(() => this.invalidate()),
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.parsed.delete(document.uri.toString());
        this.cellImports.delete(document.uri.toString());
      }),
    );
  }

  dispose(): void {
    this.subscriptions.dispose();
  }

  private invalidate(): void {
    this.page = undefined;
    this.changed.fire();
  }

  /** A refresh was asked: re-read now (the tree may be hidden and load nothing). */
  private refreshRequested(): void {
    this.refreshRequestedAt = Date.now();
    this.invalidate();
  }

  /**
   * The root loaded: re-read, unless the page was asked after the refresh that caused this load
   * (it already holds what the refresh was for; one page per refresh, not two).
   */
  private rootLoaded(): void {
    const requestedAt = this.refreshRequestedAt;
    this.refreshRequestedAt = undefined;
    if (requestedAt !== undefined && Date.now() - requestedAt < REFRESH_FOLLOW_MS && this.page && this.page.askedAt >= requestedAt) return;
    this.invalidate();
  }

  /** Drops the shared page when it was asked more than `maxAgeMs` ago (a hover wants fresh runs). */
  expireOlderThan(maxAgeMs: number, now = Date.now()): void {
    if (this.page?.settled && now - this.page.askedAt > maxAgeMs) this.invalidate();
  }

  /** The file's UDF definitions and calls; notebook cells see the fused imports of the other cells. */
  source(document: vscode.TextDocument): PythonUdfSource {
    const extraImports = this.notebookImports(document);
    // A cell's reading depends on the other cells' imports too.
    const key = `${document.uri.toString()}\n${extraImports ? JSON.stringify(extraImports) : ''}`;
    const known = this.parsed.get(document.uri.toString());
    if (known && known.version === document.version && known.key === key) return known.source;
    const source = analyzePythonUdfs(linesOf(document), { extraImports });
    this.parsed.set(document.uri.toString(), { version: document.version, key, source });
    return source;
  }

  /** A document read alone (no other cell's imports): what a cell contributes to its notebook. */
  private ownImports(document: vscode.TextDocument): FusedImports {
    const key = document.uri.toString();
    const known = this.cellImports.get(key);
    if (known && known.version === document.version) return known.imports;
    const imports = analyzePythonUdfs(linesOf(document)).imports;
    this.cellImports.set(key, { version: document.version, imports });
    return imports;
  }

  private notebookImports(document: vscode.TextDocument): FusedImports | undefined {
    if (document.uri.scheme !== NOTEBOOK_CELL_SCHEME) return undefined;
    const notebook = vscode.workspace.notebookDocuments.find((candidate) => candidate.getCells().some((cell) => cell.document === document));
    if (!notebook) return undefined;
    const imports = emptyImports();
    for (const cell of notebook.getCells()) {
      if (cell.document === document || cell.document.languageId !== 'python') continue;
      const other = this.ownImports(cell.document);
      for (const module of other.modules) if (!imports.modules.includes(module)) imports.modules.push(module);
      Object.assign(imports.functions, other.functions);
    }
    return imports;
  }

  /** The scope and range the counts are for, as the tree shows them ("last 24 h"). */
  get rangeLabel(): string {
    return describeRange(this.tree.state.range);
  }

  get scopeLabel(): string {
    return this.tree.state.scope === 'execEnv' ? l10n.t('execution environment') : l10n.t('your runs');
  }

  /** One page of the scope's runs in the range, shared by every file until the tree refreshes. */
  rangeRuns(): Promise<RangeRuns> {
    const state: ViewState = this.tree.state;
    const key = JSON.stringify([state.scope, state.range]);
    if (this.page?.key === key) return this.page.promise;
    const query = rangeRunsQuery(state, RANGE_PAGE_SIZE, new Date());
    this.requests++;
    const entry: RangePage = {
      key,
      askedAt: Date.now(),
      promise: this.services.query(query).then((page) => ({ records: page.items, capped: Boolean(page.next_page_token) })),
    };
    entry.promise.then(
      (runs) => {
        entry.settled = runs;
        this.pageRead.fire(runs);
      },
      () => {
        // A failed page is not kept: the next lens or hover asks again.
        if (this.page === entry) this.page = undefined;
      },
    );
    this.page = entry;
    return entry.promise;
  }

  /** The shared page when it has arrived (hovers answer from it without waiting). */
  settledRangeRuns(): RangeRuns | undefined {
    return this.page?.settled;
  }

  /**
   * The shared page with the newest run of every name in the scope and range (one distinct
   * query, asked at most once per page and shared by every file): for a full page that cannot
   * tell whether the audit log knows a name, or when a UDF's runs are older than the page.
   */
  rangeRunsWithNames(): Promise<RangeRuns> {
    const page = this.rangeRuns();
    const entry = this.page;
    if (!entry) return page;
    if (!entry.names) {
      const state: ViewState = this.tree.state;
      const bounds = rangeRunsQuery(state, 1, new Date());
      const names = page.then(async (runs) => {
        if (!runs.capped) return runs;
        this.requests++;
        const distinct = await this.services.query({
          ...(bounds.exec_env ? { exec_env: true } : {}),
          ...(bounds.start_timestamp ? { start_timestamp: bounds.start_timestamp } : {}),
          ...(bounds.end_timestamp ? { end_timestamp: bounds.end_timestamp } : {}),
          distinct: true,
          distinct_type: 'names',
          max_records_to_scan: DISTINCT_SCAN,
        });
        return withLatestByName(runs, distinct.items);
      });
      entry.names = names;
      names.then(
        (runs) => {
          if (this.page === entry) entry.settled = runs;
        },
        () => {
          // Not kept: the next reader asks again.
          if (this.page === entry) entry.names = undefined;
        },
      );
    }
    return entry.names.catch(() => page);
  }

  /** meta.json's UDF steps beside a saved file (never for notebooks or unsaved files). */
  async metaSteps(document: vscode.TextDocument): Promise<MetaUdfStep[] | undefined> {
    if (document.uri.scheme === NOTEBOOK_CELL_SCHEME || document.isUntitled || document.uri.path.endsWith('.ipynb')) return undefined;
    const metaUri = vscode.Uri.joinPath(document.uri, '..', 'meta.json');
    const key = metaUri.toString();
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(metaUri);
    } catch {
      this.metas.delete(key);
      return undefined;
    }
    const known = this.metas.get(key);
    if (known && known.mtime === stat.mtime && known.size === stat.size) return known.steps;
    let steps: MetaUdfStep[] | undefined;
    if (stat.size > META_JSON_MAX_BYTES) {
      const result = parseMetaJson('', stat.size);
      if (!result.ok) this.services.log.warn(`Ignoring ${metaUri.fsPath}: ${result.reason}.`);
    } else {
      try {
        const bytes = await vscode.workspace.fs.readFile(metaUri);
        const result = parseMetaJson(new TextDecoder().decode(bytes), bytes.byteLength);
        if (result.ok) steps = result.steps;
        else this.services.log.warn(`Ignoring ${metaUri.fsPath}: ${result.reason}.`);
      } catch (error) {
        this.services.log.warn(`Ignoring ${metaUri.fsPath}: it could not be read (${userMessage(error)}).`);
      }
    }
    this.metas.set(key, { mtime: stat.mtime, size: stat.size, steps });
    return steps;
  }

  /**
   * The saved name of a `@fused.udf` function. With several candidates (file stem, folder) the
   * one the audit log knows wins: names the tree has loaded, else the shared page (asked once
   * for every file) when `ask` allows it.
   */
  async nameOf(document: vscode.TextDocument, definition: UdfDefinition, ask: boolean): Promise<ChosenName> {
    const path = document.uri.path;
    const slash = path.lastIndexOf('/');
    const fileName = path.slice(slash + 1);
    const folder = path.slice(0, Math.max(0, slash));
    const candidates = nameCandidates(definition, {
      fileStem: fileName.replace(/\.(py|ipynb)$/i, ''),
      folderName: folder.slice(folder.lastIndexOf('/') + 1) || undefined,
      metaSteps: await this.metaSteps(document),
    });
    if (candidates.length === 1) return chooseName(candidates, () => true);
    const treeNames = this.tree.loadedUdfNames();
    let page = this.settledRangeRuns();
    if (!page && ask && !treeNames) page = await this.rangeRuns().catch(() => undefined);
    const knows = (name: string) => (treeNames?.has(name) ? true : knowsName(page, name) ?? (treeNames ? false : undefined));
    // A full page that holds none of the candidates cannot tell: the distinct query can.
    if (ask && !treeNames && page && candidates.every((candidate) => knows(candidate.name) === undefined)) {
      page = await this.rangeRunsWithNames().catch(() => page);
    }
    return chooseName(candidates, knows);
  }
}
