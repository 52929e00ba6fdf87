// The project's local Fused audit-log server (test/server/server.ts), started in this process
// on a free loopback port. Re-exported so tests import everything from the harness.
import { startFusedServer as startServer, type FusedServerOptions, type FusedTestServer } from '../../server/server';

export type { FusedTestServer, FaultConfig, DemoUser, ServerStats } from '../../server/server';
export type StartFusedServerOptions = FusedServerOptions;

export function startFusedServer(options: StartFusedServerOptions): Promise<FusedTestServer> {
  return startServer({ port: 0, ...options });
}
