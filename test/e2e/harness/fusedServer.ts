// Starts the project's local Fused audit-log server (test/server/server.ts) in this process.
// Loaded at run time so the harness compiles on its own; the shape below is the fixed interface
// from the team brief (startFusedServer / FusedTestServer).
import * as path from 'node:path';
import type { AuditLogRecord } from '../../../src/api/types';

export interface StartFusedServerOptions {
  port?: number;
  records?: number;
  seed?: number;
  token?: string;
  dataFile?: string;
  now?: Date;
}

export interface FusedTestServer {
  /** e.g. http://127.0.0.1:PORT/v1 */
  baseUrl: string;
  auditLogPath: string;
  token: string;
  users: unknown;
  /** Everything the server serves; compute test expectations from this, never hard-code them. */
  records: AuditLogRecord[];
  close(): Promise<void>;
  setFaults(faults: unknown): void;
  clearFaults(): void;
  stats(): { requests: number; byQuery?: unknown };
  resetStats(): void;
}

interface ServerModule {
  startFusedServer(options: StartFusedServerOptions): Promise<FusedTestServer>;
}

export async function startFusedServer(options: StartFusedServerOptions): Promise<FusedTestServer> {
  // Compiled layout: out/test/e2e/harness/fusedServer.js -> out/test/server/server.js
  const modulePath = path.join(__dirname, '..', '..', 'server', 'server.js');
  let loaded: ServerModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(modulePath) as ServerModule;
  } catch (error) {
    throw new Error(`the local Fused server is not built (${modulePath}): ${(error as Error).message}. Run: npx tsc -p tsconfig.test.json`);
  }
  if (typeof loaded.startFusedServer !== 'function') throw new Error(`${modulePath} does not export startFusedServer`);
  return loaded.startFusedServer({ port: 0, ...options });
}
