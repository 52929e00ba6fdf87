// The read-only `fused-run` file system: a run's code, headers, stderr, stdout and raw udf_data
// as files, addressed by the URI alone (see runUri.ts). VS Code itself refuses edits because
// the provider is registered read-only. Each record is fetched once through the shared record
// cache; encoded contents are cached per document (bounded) and dropped when the last open
// document of a record closes.
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { isFusedApiError, userMessage } from '../api/errors';
import { LIMITS, type AuditLogRecord } from '../api/types';
import { WeightedLru } from '../cache/lru';
import type { FusedServices } from '../services';
import { runDocumentText, RunDocumentNotFoundError } from './runContents';
import { parseRunPath, RUN_SCHEME, runPath, RunUriError, tryParseRunPath, type RunDocumentAddress, type RunFile } from '../shared/runUri';
import { parseUdfData, type ParsedUdfData } from '../shared/udfData';
import { messageText } from '../text/safeText';
import { DisposableStore } from '../util/disposables';

export function runDocumentUri(address: RunDocumentAddress): vscode.Uri {
  return vscode.Uri.from({ scheme: RUN_SCHEME, path: runPath(address) });
}

export function runAddressOf(uri: vscode.Uri): RunDocumentAddress | undefined {
  return uri.scheme === RUN_SCHEME ? tryParseRunPath(uri.path) : undefined;
}

interface EncodedDocument {
  bytes: Uint8Array;
  mtime: number;
}

export class RunFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  /** Encoded documents by URI path; weighed by bytes so a few 10 MB logs cannot pile up. */
  private readonly documents = new WeightedLru<string, EncodedDocument>(100, 128 * 1024 * 1024, (d) => d.bytes.byteLength + 64);
  /** Parsed udf_data by record id (the JSON of a large payload is parsed once for all its documents). */
  private readonly parsed = new WeightedLru<string, ParsedUdfData>(50, 64 * 1024 * 1024, (p) => p.raw.length + 64);
  /** Paths cached per record, to drop them all when the record's last document closes. */
  private readonly pathsByRecord = new Map<string, Set<string>>();
  private readonly encoder = new TextEncoder();
  private readonly subscriptions = new DisposableStore();

  constructor(private readonly services: FusedServices) {
    this.subscriptions.add(
      this.changed,
      // Tabs say when the user is done with a run; VS Code may keep the closed document's
      // model (and delay onDidCloseTextDocument) for minutes, so both are watched.
      vscode.window.tabGroups.onDidChangeTabs((event) => {
        for (const tab of event.closed) for (const uri of tabUris(tab)) this.documentClosed(uri);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.documentClosed(document.uri)),
    );
  }

  // --- reading ---

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const directory = directoryStat(uri.path);
    if (directory) return directory;
    const document = await this.load(uri);
    return { type: vscode.FileType.File, ctime: document.mtime, mtime: document.mtime, size: document.bytes.byteLength, permissions: vscode.FilePermission.Readonly };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return (await this.load(uri)).bytes;
  }

  /** A run's folder lists its documents (breadcrumbs and "Open File…" browse it). */
  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const segments = uri.path.replace(/^\/+|\/+$/g, '').split('/');
    if (segments.length === 2 || (segments.length === 3 && segments[2] === 'headers')) {
      const address = parseRunPath(`/${segments[0]}/${segments[1]}/code.py`);
      const record = await this.record(address.recordId);
      const parsed = this.parsedUdfData(record);
      if (segments.length === 3) return parsed.headers.map((h) => [runPath({ ...address, file: { kind: 'header', module: h.module_name } }).split('/').pop() as string, vscode.FileType.File]);
      const entries: [string, vscode.FileType][] = [
        ['code.py', vscode.FileType.File],
        ['stderr.log', vscode.FileType.File],
        ['stdout.log', vscode.FileType.File],
        ['udf_data.txt', vscode.FileType.File],
      ];
      if (parsed.headers.length) entries.push(['headers', vscode.FileType.Directory]);
      return entries;
    }
    throw vscode.FileSystemError.FileNotFound(messageText(l10n.t('"{0}" is not a run folder; run documents live in /<udf_name>/<record_id>/.', uri.path)));
  }

  /** The text of a document (for features that need it without opening an editor). */
  async text(uri: vscode.Uri): Promise<string> {
    return new TextDecoder().decode(await this.readFile(uri));
  }

  async record(recordId: string): Promise<AuditLogRecord> {
    try {
      return await this.services.getRecord(recordId);
    } catch (error) {
      throw toFileSystemError(error);
    }
  }

  parsedUdfData(record: AuditLogRecord): ParsedUdfData {
    let parsed = this.parsed.get(record.id);
    if (!parsed || parsed.raw !== (record.udf_data ?? '')) {
      parsed = parseUdfData(record.udf_data);
      this.parsed.set(record.id, parsed);
    }
    return parsed;
  }

  private async load(uri: vscode.Uri): Promise<EncodedDocument> {
    const cached = this.documents.get(uri.path);
    if (cached) return cached;
    let address: RunDocumentAddress;
    try {
      address = parseRunPath(uri.path);
    } catch (error) {
      throw toFileSystemError(error);
    }
    const started = Date.now();
    const record = await this.record(address.recordId);
    const fetched = Date.now();
    let text: string;
    try {
      text = runDocumentText(record, address.file, this.parsedUdfData(record));
    } catch (error) {
      throw toFileSystemError(error);
    }
    // One encode per document; the bytes are handed to VS Code as they are (no copies).
    const mtime = Date.parse(record.timestamp);
    const document: EncodedDocument = { bytes: this.encoder.encode(text), mtime: Number.isNaN(mtime) ? 0 : mtime };
    this.services.log.debug(`Run document ${uri.path}: ${document.bytes.byteLength} bytes (record ${fetched - started} ms, text ${Date.now() - fetched} ms)`);
    this.documents.set(uri.path, document);
    let paths = this.pathsByRecord.get(address.recordId);
    if (!paths) this.pathsByRecord.set(address.recordId, (paths = new Set()));
    paths.add(uri.path);
    return document;
  }

  // --- lifetime ---

  /** Re-reads a record from the server and tells VS Code its open documents changed. */
  async reload(recordId: string): Promise<void> {
    await this.services.records.refresh(recordId);
    this.drop(recordId);
    const events: vscode.FileChangeEvent[] = [];
    for (const document of vscode.workspace.textDocuments) {
      if (runAddressOf(document.uri)?.recordId === recordId) events.push({ type: vscode.FileChangeType.Changed, uri: document.uri });
    }
    if (events.length) this.changed.fire(events);
  }

  private documentClosed(uri: vscode.Uri): void {
    const address = runAddressOf(uri);
    if (!address) return;
    if (this.recordStillShown(address.recordId)) return;
    this.drop(address.recordId);
    // Large records are what bound memory; small ones stay for the tree, hovers and details.
    const record = this.services.records.peek(address.recordId);
    if (record && recordChars(record) >= LIMITS.largePayloadBytes) this.services.records.forget(address.recordId);
  }

  /** Whether a tab (text or diff) still shows a document of the record. */
  private recordStillShown(recordId: string): boolean {
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        if (tabUris(tab).some((uri) => runAddressOf(uri)?.recordId === recordId)) return true;
      }
    }
    return false;
  }

  private drop(recordId: string): void {
    this.parsed.delete(recordId);
    for (const path of this.pathsByRecord.get(recordId) ?? []) this.documents.delete(path);
    this.pathsByRecord.delete(recordId);
  }

  /** How many encoded documents are cached (for diagnostics and tests). */
  get cachedDocumentCount(): number {
    return this.documents.size;
  }

  // --- writing: refused (VS Code already refuses edits of a read-only provider) ---

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  createDirectory(uri: vscode.Uri): void {
    throw refuse(uri);
  }
  writeFile(uri: vscode.Uri): void {
    throw refuse(uri);
  }
  delete(uri: vscode.Uri): void {
    throw refuse(uri);
  }
  rename(uri: vscode.Uri): void {
    throw refuse(uri);
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.documents.clear();
    this.parsed.clear();
    this.pathsByRecord.clear();
  }
}

function tabUris(tab: vscode.Tab): vscode.Uri[] {
  const input = tab.input;
  if (input instanceof vscode.TabInputText) return [input.uri];
  if (input instanceof vscode.TabInputTextDiff) return [input.original, input.modified];
  return [];
}

function recordChars(record: AuditLogRecord): number {
  return (record.stdout?.length ?? 0) + (record.stderr?.length ?? 0) + (record.udf_data?.length ?? 0);
}

function refuse(uri: vscode.Uri): vscode.FileSystemError {
  return vscode.FileSystemError.NoPermissions(messageText(l10n.t('{0} ({1})', l10n.t('These are recorded Fused runs; they cannot be edited.'), uri.path)));
}

/** `/`, `/<name>`, `/<name>/<id>` and `/<name>/<id>/headers` are folders. */
function directoryStat(path: string): vscode.FileStat | undefined {
  const segments = path.replace(/^\/+|\/+$/g, '').split('/').filter(Boolean);
  const isFolder = segments.length <= 2 || (segments.length === 3 && segments[2] === 'headers');
  return isFolder ? { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0, permissions: vscode.FilePermission.Readonly } : undefined;
}

/**
 * The client's message, as the error kind VS Code understands. VS Code shows these messages
 * itself (editor placeholders, notifications), and they quote record names, ids and server
 * details: messageText keeps link and icon syntax in them inert.
 */
export function toFileSystemError(error: unknown): vscode.FileSystemError {
  if (error instanceof vscode.FileSystemError) return error;
  if (error instanceof RunUriError || error instanceof RunDocumentNotFoundError) return vscode.FileSystemError.Unavailable(messageText(error.message));
  if (isFusedApiError(error)) {
    switch (error.kind) {
      // Not FileNotFound: VS Code replaces that with its own "nonexistent file" text (and may
      // offer to create the file); Unavailable keeps the client's message in front of the user.
      case 'not-signed-in':
      case 'authentication':
        return vscode.FileSystemError.NoPermissions(messageText(error.message));
      default:
        return vscode.FileSystemError.Unavailable(messageText(error.message));
    }
  }
  return vscode.FileSystemError.Unavailable(messageText(userMessage(error)));
}

export type { RunFile };
