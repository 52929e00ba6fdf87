// Streams records to a file with backpressure: the whole export is never held in memory.
// Writes to a temporary file beside the target and renames it when done, so a cancelled
// export leaves the target untouched and a failed one keeps what was read. No `vscode` import.
import * as l10n from '@vscode/l10n';
import { once } from 'node:events';
import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CancelledError, userMessage } from '../api/errors';
import { isSinglePageQuery, type PagingStop } from '../api/paging';
import { LIMITS, type AuditLogQuery, type AuditLogRecord } from '../api/types';
import type { ExportFormat } from '../shared/commands';
import { exportLine, exportPreamble } from './exportFormat';

export interface ExportOptions {
  /** Absolute file path to write. */
  target: string;
  format: ExportFormat;
  /** Pages of records, e.g. iteratePages(...). Records whose id was already written are skipped. */
  pages: AsyncIterable<{ items: readonly AuditLogRecord[] }>;
  signal?: AbortSignal;
  /** Called after each page with the number of records written so far. */
  onProgress?: (written: number) => void;
}

export interface ExportResult {
  written: number;
  bytes: number;
}

/** An export that failed after writing some records; the target holds them. */
export class PartialExportError extends Error {
  constructor(
    readonly written: number,
    readonly target: string,
    readonly reason: unknown,
  ) {
    super(
      written === 1
        ? l10n.t('The export stopped after {0} record: {1} {2} holds the records read so far.', written, userMessage(reason), path.basename(target))
        : l10n.t('The export stopped after {0} records: {1} {2} holds the records read so far.', written, userMessage(reason), path.basename(target)),
    );
    this.name = 'PartialExportError';
  }
}

function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now().toString(36)}.part`);
}

/**
 * Writes the export. Cancelled (signal aborted): the temporary file is removed and a
 * CancelledError thrown; the target is untouched. Another failure after records were written:
 * they are kept in the target and a PartialExportError is thrown. A failure before any record:
 * nothing is written and the error is rethrown as is.
 */
export async function writeExport(options: ExportOptions): Promise<ExportResult> {
  const { target, format, signal } = options;
  const temp = tempPathFor(target);
  const stream = createWriteStream(temp, { encoding: 'utf8', flags: 'wx' });
  let streamError: Error | undefined;
  stream.on('error', (error) => {
    streamError = error;
  });
  const written = new Set<string>();
  let bytes = 0;

  const write = async (text: string): Promise<void> => {
    if (streamError) throw streamError;
    bytes += Buffer.byteLength(text, 'utf8');
    if (!stream.write(text)) {
      // Backpressure: wait for the OS to take the buffered text. `once` rejects if the stream fails.
      await once(stream, 'drain');
    }
  };
  const finish = async (): Promise<void> => {
    if (streamError) throw streamError;
    stream.end();
    await once(stream, 'finish');
    if (streamError) throw streamError;
  };
  const discard = async (): Promise<void> => {
    stream.destroy();
    await fs.rm(temp, { force: true });
  };

  try {
    await once(stream, 'open');
    await write(exportPreamble(format));
    for await (const page of options.pages) {
      if (signal?.aborted) throw new CancelledError(l10n.t('The export was cancelled.'));
      for (const record of page.items) {
        if (written.has(record.id)) continue;
        written.add(record.id);
        await write(exportLine(format, record));
      }
      options.onProgress?.(written.size);
    }
    if (signal?.aborted) throw new CancelledError(l10n.t('The export was cancelled.'));
    await finish();
    await fs.rename(temp, target);
    return { written: written.size, bytes };
  } catch (error) {
    const cancelled = signal?.aborted || error instanceof CancelledError;
    if (cancelled || written.size === 0 || streamError) {
      await discard().catch(() => undefined);
      throw cancelled && !(error instanceof CancelledError) ? new CancelledError(l10n.t('The export was cancelled.')) : error;
    }
    // Keep what was read: a half export is more useful than none, and the message says so.
    try {
      await finish();
      await fs.rename(temp, target);
    } catch {
      await discard().catch(() => undefined);
      throw error;
    }
    throw new PartialExportError(written.size, target, error);
  }
}

/** The query as exported: no page token, full pages (300) for regular queries. */
export function exportQuery(query: AuditLogQuery): AuditLogQuery {
  const { page_token: _ignored, ...rest } = query;
  return isSinglePageQuery(rest) ? rest : { ...rest, limit: LIMITS.maxLimit };
}

/** Applies the results view's filter (e.g. failing runs only) so the file holds what the view lists. */
export async function* keepOnly<T extends { items: readonly AuditLogRecord[] }>(pages: AsyncIterable<T>, keep: ((record: AuditLogRecord) => boolean) | undefined): AsyncGenerator<{ items: readonly AuditLogRecord[] }> {
  for await (const page of pages) yield keep ? { items: page.items.filter(keep) } : page;
}

/** Passes pages through, noting when paging stopped with records left (record budget or page bound). */
export async function* watchBudget<T extends { items: readonly unknown[]; stoppedBy?: PagingStop }>(
  pages: AsyncIterable<T>,
  onStopped: (reason: PagingStop) => void,
): AsyncGenerator<T> {
  for await (const page of pages) {
    if (page.stoppedBy) onStopped(page.stoppedBy);
    yield page;
  }
}
