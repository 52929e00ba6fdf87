// The local Fused server (test/server/cli.ts) in its own process, for the recipe benchmark: in the
// benchmark's own process its work (serialising pages) would share one event loop with the
// client it is timed against. Latency is injected through the server's admin endpoint.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { FaultConfig, ServerStats } from '../test/server/server';

export interface ServerProcess {
  baseUrl: string;
  origin: string;
  token: string;
  pid: number;
  setLatency(ms: number): Promise<void>;
  resetStats(): Promise<void>;
  stats(): Promise<ServerStats>;
  close(): Promise<void>;
}

export interface ServerProcessOptions {
  records: number;
  seed: number;
  now: Date;
  hugePayloadBytes: number;
  /** The bundled server CLI (see bench/run.js). */
  cliPath: string;
  log: (line: string) => void;
}

async function admin(origin: string, method: string, route: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${origin}${route}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} -> ${response.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const args = [
    options.cliPath,
    '--port', '0',
    '--records', String(options.records),
    '--seed', String(options.seed),
    '--now', options.now.toISOString(),
    '--huge-payload-bytes', String(options.hugePayloadBytes),
  ];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: path.dirname(options.cliPath) });
  const stopOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', stopOnExit);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const ready = await new Promise<{ baseUrl: string; token: string }>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`the local server did not start within 180 s: ${stderr}`)), 180_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the local server exited with ${code}: ${stderr}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const listening = /listening on (\S+)/.exec(stdout);
      const token = /\ntoken (\S+)/.exec(stdout);
      if (listening && token) {
        clearTimeout(timer);
        resolve({ baseUrl: listening[1], token: token[1] });
      }
    });
  });
  child.removeAllListeners('exit');
  const origin = new URL(ready.baseUrl).origin;
  options.log(`local server pid ${child.pid}: ${options.records} generated records (seed ${options.seed})`);
  return {
    ...ready,
    origin,
    pid: child.pid ?? -1,
    async setLatency(ms: number) {
      if (ms > 0) await admin(origin, 'POST', '/__admin/faults', { latencyMs: ms } satisfies FaultConfig);
      else await admin(origin, 'DELETE', '/__admin/faults');
    },
    async resetStats() {
      await admin(origin, 'POST', '/__admin/stats/reset');
    },
    async stats() {
      return (await admin(origin, 'GET', '/__admin/stats')) as ServerStats;
    },
    async close() {
      process.off('exit', stopOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
