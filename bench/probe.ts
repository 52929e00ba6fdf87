// Talks to the probe extension (bench/extensions.ts): writes a request, runs the probe's command
// from the palette the way a person would, and waits for its answer file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Workbench } from '../test/e2e/harness/workbench';
import { PROBE_EXTENSION } from './extensions';

export class Probe {
  private seq = 0;

  constructor(
    /** The folder named by FUSED_RUNS_BENCH_PROBE_DIR in the extension host's environment. */
    readonly dir: string,
    private readonly wb: Workbench,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    // Answers of an earlier window (the folder is reused across samples) must not be read as ours.
    for (const name of fs.readdirSync(dir)) if (/^(response-\d+\.json(\.tmp)?|request\.json)$/.test(name)) fs.rmSync(path.join(dir, name), { force: true });
  }

  async call<T>(request: { action: string } & Record<string, unknown>, timeoutMs = 120_000): Promise<T> {
    const seq = ++this.seq;
    const responseFile = path.join(this.dir, `response-${seq}.json`);
    fs.writeFileSync(path.join(this.dir, 'request.json'), JSON.stringify({ ...request, seq }));
    await this.wb.runCommand(PROBE_EXTENSION.title);
    const deadline = Date.now() + timeoutMs;
    while (!fs.existsSync(responseFile)) {
      if (Date.now() > deadline) throw new Error(`the probe did not answer ${request.action} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const response = JSON.parse(fs.readFileSync(responseFile, 'utf8')) as { ok: boolean; value?: T; error?: string };
    if (!response.ok) throw new Error(`probe ${request.action} failed: ${response.error}`);
    return response.value as T;
  }
}

export interface PerfMark {
  name: string;
  startTime: number;
}

/** VS Code's own marks around loading an extension's code and activating it (ms, Date.now based). */
export function activationMarks(marks: readonly PerfMark[], extensionId: string): { loadMs: number; activateMs: number; willLoad: number; didActivate: number } | undefined {
  const at = (name: string) => marks.find((mark) => mark.name === `code/extHost/${name}/${extensionId}`)?.startTime;
  const willLoad = at('willLoadExtensionCode');
  const didLoad = at('didLoadExtensionCode');
  const willActivate = at('willActivateExtension');
  const didActivate = at('didActivateExtension');
  if (willLoad === undefined || didLoad === undefined || willActivate === undefined || didActivate === undefined) return undefined;
  return { loadMs: didLoad - willLoad, activateMs: didActivate - willActivate, willLoad, didActivate };
}

/** Other extensions whose code loading or activation overlapped [from, to] (they share the host's thread). */
export function overlappingActivations(marks: readonly PerfMark[], extensionId: string, from: number, to: number): string[] {
  const spans = new Map<string, { start?: number; end?: number }>();
  for (const mark of marks) {
    const match = /^code\/extHost\/(willLoadExtensionCode|didActivateExtension)\/(.+)$/.exec(mark.name);
    if (!match || match[2] === extensionId) continue;
    const span = spans.get(match[2]) ?? {};
    if (match[1] === 'willLoadExtensionCode') span.start = mark.startTime;
    else span.end = mark.startTime;
    spans.set(match[2], span);
  }
  return [...spans.entries()].filter(([, span]) => span.start !== undefined && span.start <= to && (span.end ?? Infinity) >= from).map(([id]) => id);
}
