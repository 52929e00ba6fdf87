// Reads what a query command was invoked with: a string from a hover link, a tree node, a
// record, `{ query }` from the UDF tree, or nothing (then the command prompts). Pure.
import { validateQuery } from '../api/validate';
import type { AuditLogQuery } from '../api/types';

type Bag = Record<string, unknown>;

function bags(arg: unknown): Bag[] {
  if (!arg || typeof arg !== 'object') return [];
  const obj = arg as Bag;
  // Tree nodes and wrappers keep the record (or the UDF's latest run) one level down.
  const nested = ['record', 'latest', 'udf', 'runRef'].map((key) => obj[key]).filter((value): value is Bag => !!value && typeof value === 'object');
  return [obj, ...nested];
}

function firstString(arg: unknown, keys: readonly string[]): string | undefined {
  if (typeof arg === 'string') return arg.trim() === '' ? undefined : arg;
  for (const bag of bags(arg)) {
    for (const key of keys) {
      const value = bag[key];
      if (typeof value === 'string' && value.trim() !== '') return value;
    }
  }
  return undefined;
}

/** `"census_join"`, `{ udf_name }`, `{ udfName }`, a record, or a node with `record`. */
export function udfNameFromArg(arg: unknown): string | undefined {
  return firstString(arg, ['udf_name', 'udfName']);
}

export function udfIdFromArg(arg: unknown): string | undefined {
  return firstString(arg, ['udf_id', 'udfId']);
}

export function sharedTokenFromArg(arg: unknown): string | undefined {
  return firstString(arg, ['shared_token', 'sharedToken']);
}

/** `{ execEnv: true }`, `{ exec_env: true }`, `{ scope: 'execEnv' }` (also inside `query`). */
export function execEnvFromArg(arg: unknown): boolean | undefined {
  for (const bag of bags(arg)) {
    if (typeof bag.execEnv === 'boolean') return bag.execEnv;
    if (typeof bag.exec_env === 'boolean') return bag.exec_env;
    if (bag.scope === 'execEnv') return true;
    if (bag.scope === 'mine') return false;
    if (bag.query && typeof bag.query === 'object' && typeof (bag.query as Bag).exec_env === 'boolean') return (bag.query as Bag).exec_env as boolean;
  }
  return undefined;
}

export interface QueryArg {
  query: AuditLogQuery;
  title?: string;
}

/**
 * `{ query, title? }` as the UDF tree passes it for "Export Runs" on a node. The query is
 * validated (throws QueryValidationError naming the field) and its page_token dropped: an
 * export or a results view always starts from the first page.
 */
export function queryFromArg(arg: unknown): QueryArg | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const obj = arg as Bag;
  if (!obj.query || typeof obj.query !== 'object') return undefined;
  const { page_token: _ignored, ...rest } = obj.query as AuditLogQuery;
  const query = validateQuery(rest);
  return { query, title: typeof obj.title === 'string' ? obj.title : undefined };
}
