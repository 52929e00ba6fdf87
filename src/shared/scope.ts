// Whose runs a query reads: the signed-in user's ("Mine", the API's default) or the whole
// execution environment (`exec_env=true`). The one conversion between the two. Pure.
import type { AuditLogQuery } from '../api/types';

export type Scope = 'mine' | 'execEnv';

export function isScope(value: unknown): value is Scope {
  return value === 'mine' || value === 'execEnv';
}

/** The query keys for a scope: "Mine" leaves `exec_env` out rather than send false. */
export function scopeQuery(scope: Scope): Pick<AuditLogQuery, 'exec_env'> {
  return scope === 'execEnv' ? { exec_env: true } : {};
}

/** The scope a query reads (`exec_env` true, or else "Mine"). */
export function scopeOfQuery(query: Pick<AuditLogQuery, 'exec_env'> | undefined): Scope {
  return query?.exec_env === true ? 'execEnv' : 'mine';
}
