// Reads what a query command was invoked with: a string from a hover link, a tree node, a
// record, `{ query }` from the UDF tree, or nothing (then the command prompts). Pure.
import { validateQuery } from '../api/validate';
import type { AuditLogQuery } from '../api/types';

type Bag = Record<string, unknown>;

const NESTED_KEYS = ['record', 'latest', 'udf', 'runRef', 'entry'];

/**
 * The object and what it wraps: tree nodes keep the record, or a UDF entry holding its latest
 * run, one or two levels down (`{ kind: 'udf', entry: { latest } }`). Breadth first, so the
 * outermost value wins.
 */
function bags(arg: unknown): Bag[] {
  if (!arg || typeof arg !== 'object') return [];
  const found: Bag[] = [arg as Bag];
  for (let index = 0; index < found.length && found.length < 16; index++) {
    for (const key of NESTED_KEYS) {
      const value = found[index][key];
      if (value && typeof value === 'object' && !found.includes(value as Bag)) found.push(value as Bag);
    }
  }
  return found;
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
