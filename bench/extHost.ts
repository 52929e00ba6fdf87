// The extension host process of a code-server, found and read through /proc (Linux): its
// resident memory and how busy it is.
import * as fs from 'node:fs';
import * as path from 'node:path';

function readProc(pid: number, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  const stat = readProc(pid, 'stat');
  if (!stat) return undefined;
  // pid (comm) state ppid ...; comm may contain spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[1]);
}

/** Extension host processes below `rootPid` (code-server's), newest (highest start time) last. */
export function extensionHostPids(rootPid: number): number[] {
  const pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  const below = (pid: number): boolean => {
    for (let current: number | undefined = pid, depth = 0; current && depth < 20; depth++) {
      if (current === rootPid) return true;
      current = parentOf(current);
    }
    return false;
  };
  return pids
    .filter((pid) => (readProc(pid, 'cmdline') ?? '').includes('--type=extensionHost') && below(pid))
    .map((pid) => ({ pid, start: startTicks(pid) }))
    .sort((a, b) => a.start - b.start)
    .map((entry) => entry.pid);
}

function startTicks(pid: number): number {
  const stat = readProc(pid, 'stat') ?? '';
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? 0);
}

/** utime + stime of the process, in clock ticks (100 per second on Linux). */
export function cpuTicks(pid: number): number {
  const stat = readProc(pid, 'stat');
  if (!stat) throw new Error(`process ${pid} is gone`);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** VmRSS and VmHWM (peak) of the process, in bytes. */
export function residentMemory(pid: number): { rss: number; peak: number } {
  const status = readProc(pid, 'status');
  if (!status) throw new Error(`process ${pid} is gone`);
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/**
 * Waits until the process used at most `maxBusy` of one core over `windowMs` (startup work such as
 * other extensions activating on onStartupFinished is over). Gives up after `timeoutMs` and says so.
 */
export async function waitForIdle(pid: number, options: { windowMs?: number; maxBusy?: number; timeoutMs?: number } = {}): Promise<{ idle: boolean; waitedMs: number }> {
  const windowMs = options.windowMs ?? 1000;
  const maxBusy = options.maxBusy ?? 0.05;
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 30_000);
  let before = cpuTicks(pid);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    if (!fs.existsSync(`/proc/${pid}`)) throw new Error(`extension host ${pid} exited while the bench waited for it`);
    const after = cpuTicks(pid);
    const busy = (after - before) / 100 / (windowMs / 1000);
    if (busy <= maxBusy) return { idle: true, waitedMs: Date.now() - started };
    before = after;
  }
  return { idle: false, waitedMs: Date.now() - started };
}

/** The log of the extension host with this pid: <user-data>/logs/<session>/exthostN/remoteexthost.log. */
export function hostLogFile(userDataDir: string, pid: number): string | undefined {
  const logs = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logs)) return undefined;
  const started = `Extension host with pid ${pid} started`;
  for (const session of fs.readdirSync(logs).sort().reverse()) {
    const sessionDir = path.join(logs, session);
    if (!fs.statSync(sessionDir).isDirectory()) continue;
    for (const host of fs.readdirSync(sessionDir).filter((name) => name.startsWith('exthost')).sort().reverse()) {
      const file = path.join(sessionDir, host, 'remoteexthost.log');
      if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(started)) return file;
    }
  }
  return undefined;
}

/**
 * Waits until a new extension host has finished starting, as a person would before acting: it
 * has logged the activation of the extensions that wait for onStartupFinished (VS Code fires it
 * once the window is fully restored; built-in ones such as merge-conflict always exist), and then
 * used at most 5% of a core over 1 s. A host is idle for a moment right after it is spawned,
 * before the window sends it anything, so CPU alone would be answered too early.
 */
export async function waitForHostStarted(codeServerPid: number, userDataDir: string, options: { afterPid?: number; timeoutMs?: number } = {}): Promise<{ pid: number; startupFinished: boolean; idle: boolean; waitedMs: number }> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 90_000);
  let pid: number | undefined;
  while (Date.now() < deadline) {
    pid = extensionHostPids(codeServerPid).at(-1);
    if (pid !== undefined && pid !== options.afterPid) break;
    pid = undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (pid === undefined) throw new Error('no (new) extension host process appeared');
  let startupFinished = false;
  while (Date.now() < deadline) {
    const log = hostLogFile(userDataDir, pid);
    if (log && fs.readFileSync(log, 'utf8').includes("activationEvent: 'onStartupFinished'")) {
      startupFinished = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const idle = await waitForIdle(pid, { timeoutMs: Math.max(5_000, deadline - Date.now()) });
  return { pid, startupFinished, idle: idle.idle, waitedMs: Date.now() - started };
}
