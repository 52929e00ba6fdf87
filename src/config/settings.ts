// Reads the extension's settings. Connection settings decide where the token may be sent.
import vscode = require('vscode');

export const SECTION = 'fusedRuns';

export type Backend = 'http' | 'python-sdk';

export interface ConnectionSettings {
  backend: Backend;
  baseUrl: string;
  auditLogPath: string;
  timeoutMs: number;
  pythonPath: string;
}

export function readConnectionSettings(): ConnectionSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const timeoutSeconds = config.get<number>('api.timeoutSeconds', 30);
  return {
    backend: config.get<string>('api.backend', 'http') === 'python-sdk' ? 'python-sdk' : 'http',
    pythonPath: config.get<string>('python.interpreter', 'python3').trim() || 'python3',
    baseUrl: config.get<string>('api.baseUrl', 'https://www.fused.io/server/v1').trim().replace(/\/+$/, ''),
    auditLogPath: normalisePath(config.get<string>('api.auditLogPath', '/audit-log')),
    timeoutMs: Math.max(1, Math.min(600, Number.isFinite(timeoutSeconds) ? timeoutSeconds : 30)) * 1000,
  };
}

function normalisePath(path: string): string {
  const trimmed = path.trim();
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

export function affectsConnection(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SECTION}.api`) || event.affectsConfiguration(`${SECTION}.python`);
}
