// Helpers shared by the extension-host suites (not a test file: index.ts loads only *.test.js).
// The records the local server serves, its admin endpoint (faults, stats), and the extension's
// test API, which activate() returns only in VS Code's extension-test mode.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { AuditLogRecord } from '../../../src/api/types';
import type { FusedRunsTestApi } from '../../../src/testApi';
import type { FaultConfig, ServerStats } from '../../server/server';

export const EXTENSION_ID = 'fused-runs.fused-runs';

export function loadRecords(): AuditLogRecord[] {
  const file = process.env.FUSED_E2E_RECORDS_FILE;
  assert.ok(file, 'FUSED_E2E_RECORDS_FILE is not set (run through the harness)');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as AuditLogRecord[];
}

/** Activates the extension and returns what activate() returned: the test API. */
export async function testApi(): Promise<FusedRunsTestApi> {
  const extension = vscode.extensions.getExtension<FusedRunsTestApi | undefined>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  assert.ok(api, 'activate() returned no test API (it does only in VS Code\'s extension-test mode)');
  return api;
}

function adminUrl(route: string): string {
  const base = process.env.FUSED_E2E_BASE_URL;
  assert.ok(base, 'FUSED_E2E_BASE_URL is not set (run through the harness)');
  return `${new URL(base).origin}/__admin/${route}`;
}

async function adminCall(method: string, route: string, body?: unknown): Promise<unknown> {
  const response = await fetch(adminUrl(route), {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} /__admin/${route} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The local server's admin endpoint: faults and request statistics. */
export const server = {
  setFaults: (faults: FaultConfig) => adminCall('POST', 'faults', faults),
  clearFaults: () => adminCall('DELETE', 'faults'),
  stats: async () => (await adminCall('GET', 'stats')) as ServerStats,
  resetStats: () => adminCall('POST', 'stats/reset'),
};

/** Sum of the request counts whose query shape matches. */
export function requestsOf(stats: ServerStats, predicate: (shape: string) => boolean): number {
  return Object.entries(stats.byQuery).reduce((sum, [shape, n]) => (predicate(shape) ? sum + n : sum), 0);
}
