// The fused.api.log contract (../shared/reference/fused-api-log.md) as TypeScript types.
// Field names are the SDK's keyword names so a query reads the same as the Python call.

/** Keyword arguments of `fused.api.log`. Unset keys are left out of the request. */
export interface AuditLogQuery {
  /** One record by its id. When set, every other option is ignored. */
  id?: string;
  udf_id?: string;
  udf_name?: string;
  shared_token?: string;
  /** Scope to the caller's execution environment instead of their email. */
  exec_env?: boolean;
  distinct?: boolean;
  distinct_type?: DistinctType;
  /** Inclusive, ISO 8601 with an offset. */
  start_timestamp?: string;
  /** Inclusive, ISO 8601 with an offset. */
  end_timestamp?: string;
  /** 1..300, default 100. Regular queries only. */
  limit?: number;
  /** true = oldest first (the default), false = newest first. */
  scan_forward?: boolean;
  page_token?: string;
  /** 1..5000, default 1000. Distinct queries only. */
  max_records_to_scan?: number;
}

export type DistinctType = 'names' | 'ids';

/** The four mutually exclusive filters. */
export const FILTER_KEYS = ['id', 'udf_id', 'udf_name', 'shared_token'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export const LIMITS = {
  defaultLimit: 100,
  maxLimit: 300,
  defaultMaxRecordsToScan: 1000,
  maxRecordsToScan: 5000,
  /** Payloads at or over this size are stored in object storage and resolved server-side. */
  largePayloadBytes: 100 * 1024,
} as const;

/** One audit-log record. Everything but `id` and `timestamp` may be absent or null. */
export interface AuditLogRecord {
  id: string;
  timestamp: string;
  exec_env_id?: string | null;
  user_id?: string | null;
  user_email?: string | null;
  udf_id?: string | null;
  udf_name?: string | null;
  execution_engine?: string | null;
  /** Seconds. null when the execution record was never updated (crash, timeout). */
  execution_time?: number | null;
  cache?: boolean | null;
  stdout?: string | null;
  stderr?: string | null;
  udf_data?: string | null;
  shared_token?: string | null;
  client_ip?: string | null;
}

export const RECORD_FIELDS = [
  'id',
  'timestamp',
  'exec_env_id',
  'user_id',
  'user_email',
  'udf_id',
  'udf_name',
  'execution_engine',
  'execution_time',
  'cache',
  'stdout',
  'stderr',
  'udf_data',
  'shared_token',
  'client_ip',
] as const satisfies readonly (keyof AuditLogRecord)[];

/** What every call returns. Distinct queries always have next_page_token null. */
export interface AuditLogPage {
  items: AuditLogRecord[];
  limit: number;
  next_page_token: string | null;
}

/** Status of one run at a glance. */
export type RunStatus = 'ok' | 'failed' | 'incomplete' | 'cached';

/** Where an API token came from, and the header scheme to send it with. */
export interface Credentials {
  token: string;
  /** HTTP authorization scheme, 'Bearer' unless the source says otherwise. */
  scheme: string;
  source: 'secret-storage' | 'environment' | 'fused-sdk';
  expiresAt?: Date;
}
