// The extension host process of a code-server, found and read through /proc (Linux): its
// resident memory and how busy it is.
import * as fs from 'node:fs';

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
    const after = cpuTicks(pid);
    const busy = (after - before) / 100 / (windowMs / 1000);
    if (busy <= maxBusy) return { idle: true, waitedMs: Date.now() - started };
    before = after;
  }
  return { idle: false, waitedMs: Date.now() - started };
}

/**
 * The newest extension host of a code-server (after a reload, the new window's), once it exists,
 * after it went quiet: what a person would have after the window finished starting.
 */
export async function waitForNewestHostIdle(codeServerPid: number, options: { afterPid?: number; timeoutMs?: number } = {}): Promise<{ pid: number; idle: boolean; waitedMs: number }> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 60_000);
  let pid: number | undefined;
  while (Date.now() < deadline) {
    pid = extensionHostPids(codeServerPid).at(-1);
    if (pid !== undefined && pid !== options.afterPid) break;
    pid = undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (pid === undefined) throw new Error('no (new) extension host process appeared');
  const idle = await waitForIdle(pid, { timeoutMs: Math.max(5_000, deadline - Date.now()) });
  return { pid, idle: idle.idle, waitedMs: Date.now() - started };
}
