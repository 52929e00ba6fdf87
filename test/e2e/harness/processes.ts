// Child processes of the harness, tracked by PID so that they are always stopped: on close(),
// on a failing test, and when the test process exits or is interrupted (SIGINT/SIGTERM).
// Each child gets its own process group (detached), so signalling -pid also reaches what it
// started (code-server's VS Code server, extension host and language servers).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';

export interface TrackedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM to the process group, then SIGKILL after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Map<number, TrackedProcess>();
let hooksInstalled = false;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL whatever is still running.
  process.on('exit', () => {
    for (const tracked of live.values()) signalGroup(tracked.pid, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const tracked of live.values()) signalGroup(tracked.pid, 'SIGTERM');
      setTimeout(() => process.exit(signal === 'SIGINT' ? 130 : 143), 300).unref();
    });
  }
}

/** Spawns `command` in its own process group, stdout+stderr appended to `logFile`. */
export function spawnTracked(name: string, command: string, args: string[], options: SpawnOptions & { logFile: string }): TrackedProcess {
  installExitHooks();
  const { logFile, ...spawnOptions } = options;
  const out = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { ...spawnOptions, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`failed to start ${name} (${command})`);
  const pid = child.pid;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(pid);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (error) => {
      live.delete(pid);
      resolve(`spawn error: ${error.message}`);
    });
  });
  let stopping: Promise<void> | undefined;
  const tracked: TrackedProcess = {
    name,
    pid,
    child,
    exited,
    stop(graceMs = 5000) {
      if (!live.has(pid)) return Promise.resolve();
      stopping ??= (async () => {
        signalGroup(pid, 'SIGTERM');
        const timedOut = await Promise.race([
          exited.then(() => false),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref()),
        ]);
        // The group leader may be gone while its children linger; SIGKILL the group either way.
        signalGroup(pid, 'SIGKILL');
        if (timedOut) await exited;
      })();
      return stopping;
    },
  };
  live.set(pid, tracked);
  return tracked;
}
