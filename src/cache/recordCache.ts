// Records fetched by id, shared by documents, the details webview and hovers, so a record
// is fetched once however many views show it. Concurrent requests for one id share a fetch.
import { CancelledError } from '../api/errors';
import type { AuditLogRecord } from '../api/types';
import { WeightedLru } from './lru';

export type FetchRecord = (id: string, signal?: AbortSignal) => Promise<AuditLogRecord>;

export interface RecordCacheOptions {
  maxRecords?: number;
  /** Rough bound on the text held, in UTF-16 code units (2 bytes each). */
  maxChars?: number;
}

export function recordWeight(record: AuditLogRecord): number {
  return (record.stdout?.length ?? 0) + (record.stderr?.length ?? 0) + (record.udf_data?.length ?? 0) + 512;
}

export class RecordCache {
  private readonly cache: WeightedLru<string, AuditLogRecord>;
  private readonly inFlight = new Map<string, Promise<AuditLogRecord>>();

  constructor(
    private readonly fetchRecord: FetchRecord,
    options: RecordCacheOptions = {},
  ) {
    this.cache = new WeightedLru(options.maxRecords ?? 200, options.maxChars ?? 64 * 1024 * 1024, recordWeight);
  }

  peek(id: string): AuditLogRecord | undefined {
    return this.cache.get(id);
  }

  /** Remembers records that arrived in a list reply, so opening one costs no request. */
  put(record: AuditLogRecord): void {
    this.cache.set(record.id, record);
  }

  /** The cached record, or one fetch shared by every concurrent caller. */
  async get(id: string, signal?: AbortSignal): Promise<AuditLogRecord> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    let pending = this.inFlight.get(id);
    if (!pending) {
      pending = this.fetchRecord(id).then(
        (record) => {
          this.inFlight.delete(id);
          this.cache.set(id, record);
          return record;
        },
        (error: unknown) => {
          this.inFlight.delete(id);
          throw error;
        },
      );
      this.inFlight.set(id, pending);
    }
    return signal ? raceAbort(pending, signal) : pending;
  }

  /** Fetches again, bypassing the cache (the "refresh record" action). */
  async refresh(id: string, signal?: AbortSignal): Promise<AuditLogRecord> {
    this.cache.delete(id);
    return this.get(id, signal);
  }

  forget(id: string): void {
    this.cache.delete(id);
  }

  clear(): void {
    this.cache.clear();
  }
}

/** One caller giving up must not cancel the shared fetch for the others. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new CancelledError();
}
