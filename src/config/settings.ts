// Reads the extension's settings. Connection settings decide where the token may be sent and
// which program runs, so in Restricted Mode only their user-level values count (restricted.ts).
import vscode = require('vscode');
import { parseBackendSetting, type BackendSetting } from '../connection/backendChoice';
import { resolveSetting, type ResolvedSetting } from './restricted';

export const SECTION = 'fusedRuns';
export const DEFAULT_BASE_URL = 'https://www.fused.io/server/v1';
export const DEFAULT_AUDIT_LOG_PATH = '/audit-log';

export interface ConnectionSettings {
  backend: BackendSetting;
  baseUrl: string;
  auditLogPath: string;
  timeoutMs: number;
  /** '' = the Python extension's selected interpreter (or PATH). */
  pythonInterpreter: string;
  trusted: boolean;
  /** Where each restricted value came from, and any workspace value ignored in Restricted Mode. */
  resolved: {
    backend: ResolvedSetting<string>;
    baseUrl: ResolvedSetting<string>;
    auditLogPath: ResolvedSetting<string>;
    pythonInterpreter: ResolvedSetting<string>;
  };
}

export function readConnectionSettings(): ConnectionSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const trusted = vscode.workspace.isTrusted;
  const restricted = (key: string, fallback: string) => resolveSetting(config.inspect<string>(key), fallback, trusted);
  const resolved = {
    backend: restricted('api.backend', 'auto'),
    baseUrl: restricted('api.baseUrl', DEFAULT_BASE_URL),
    auditLogPath: restricted('api.auditLogPath', DEFAULT_AUDIT_LOG_PATH),
    pythonInterpreter: restricted('python.interpreter', ''),
  };
  const timeoutSeconds = config.get<number>('api.timeoutSeconds', 30);
  return {
    backend: parseBackendSetting(resolved.backend.value),
    pythonInterpreter: String(resolved.pythonInterpreter.value ?? '').trim(),
    baseUrl: String(resolved.baseUrl.value ?? DEFAULT_BASE_URL).trim().replace(/\/+$/, ''),
    auditLogPath: normalisePath(String(resolved.auditLogPath.value ?? DEFAULT_AUDIT_LOG_PATH)),
    timeoutMs: Math.max(1, Math.min(600, Number.isFinite(timeoutSeconds) ? timeoutSeconds : 30)) * 1000,
    trusted,
    resolved,
  };
}

function normalisePath(path: string): string {
  const trimmed = path.trim();
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

export function affectsConnection(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SECTION}.api`) || event.affectsConfiguration(`${SECTION}.python`);
}

/** Keeps a choice in the user's settings (never the workspace's: it is about this machine). */
export async function updateUserSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}

/** Default of `fusedRuns.udfs.requestBudget` (the same as the pure code's DEFAULT_PROOF_BUDGET). */
export const DEFAULT_UDF_LIST_BUDGET = 64;

/**
 * Most requests the UDF list (tree root, Recently Used UDFs) may spend proving it is complete
 * (`fusedRuns.udfs.requestBudget`, 8..2000).
 */
export function udfListRequestBudget(): number {
  const value = vscode.workspace.getConfiguration(SECTION).get<unknown>('udfs.requestBudget', DEFAULT_UDF_LIST_BUDGET);
  const number = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : DEFAULT_UDF_LIST_BUDGET;
  return Math.min(2000, Math.max(8, number));
}
