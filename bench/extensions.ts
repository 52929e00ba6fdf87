// Extensions the benchmark generates into its scratch folder and installs beside the packaged
// one. Neither is ever part of the product: users cannot reach them.
//  - The empty extension: the baseline for the activation figure. It declares the same
//    activation events as ours (so it activates when ours does) and does what every extension
//    must do, require('vscode'), and nothing else.
//  - The probe: lets the benchmark read what only the extension host knows (VS Code's own
//    performance marks, the host's memory after a full GC) and run commands with arguments.
//    Activated by its own command only, so it is not loaded while activation is measured.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const EMPTY_EXTENSION = { id: 'fused-runs-bench.empty-extension', displayName: 'Empty Extension (benchmark)' } as const;
export const PROBE_EXTENSION = { id: 'fused-runs-bench.probe', command: 'fusedRunsBench.probe', title: 'Fused Runs Bench: Probe' } as const;
/** Environment variable (code-server, so the extension host) naming the probe's exchange folder. */
export const PROBE_DIR_ENV = 'FUSED_RUNS_BENCH_PROBE_DIR';

function manifest(name: string, displayName: string, extra: Record<string, unknown>): string {
  return JSON.stringify(
    { name, displayName, publisher: 'fused-runs-bench', version: '0.0.1', private: true, engines: { vscode: '^1.90.0' }, main: './dist/extension.js', ...extra },
    null,
    2,
  );
}

export function writeEmptyExtension(parent: string, activationEvents: string[]): string {
  const dir = path.join(parent, 'empty-extension');
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), manifest('empty-extension', EMPTY_EXTENSION.displayName, { activationEvents }));
  fs.writeFileSync(
    path.join(dir, 'dist', 'extension.js'),
    "'use strict';\nrequire('vscode');\nexports.activate = function activate() {};\nexports.deactivate = function deactivate() {};\n",
  );
  return dir;
}

/**
 * The probe reads `request.json` from $FUSED_RUNS_BENCH_PROBE_DIR when its command runs and
 * writes `response-<seq>.json`. Actions:
 *   marks                  VS Code's performance marks of this extension host
 *   memory                 process.memoryUsage() and V8 heap statistics after full GCs
 *   activate {id}          activates an extension and waits for it
 *   exec {command, args}   runs a command, returns how long it took and whether it returned an editor
 *   execMany {calls}       several exec in sequence
 *   documents              the documents the extension host still holds, by scheme
 *   hovers {file, positions}  vscode.executeHoverProvider at each position of a workspace file,
 *                          one after another: each one's time in this host (the providers'
 *                          own time and VS Code's API round trip; no hover delay, no rendering)
 *                          and the hover's text
 */
const PROBE_SOURCE = String.raw`'use strict';
const fs = require('fs');
const path = require('path');
const v8 = require('v8');
const vm = require('vm');
const vscode = require('vscode');

let gc;
function fullGc() {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc');
  }
  // Several passes: weak references and finalizers free more on the following ones.
  for (let i = 0; i < 4; i++) gc();
}

async function exec(call) {
  const started = performance.now();
  const result = await vscode.commands.executeCommand(call.command, ...(call.args || []));
  return { command: call.command, ms: performance.now() - started, returnedEditor: !!(result && result.document) };
}

const actions = {
  marks: () => ({ pid: process.pid, marks: globalThis.MonacoPerformanceMarks ? globalThis.MonacoPerformanceMarks.getMarks() : [] }),
  memory: async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    fullGc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    fullGc();
    const heap = v8.getHeapStatistics();
    return { pid: process.pid, memoryUsage: process.memoryUsage(), heap: { used: heap.used_heap_size, total: heap.total_heap_size, external: heap.external_memory } };
  },
  activate: async (request) => {
    const extension = vscode.extensions.getExtension(request.id);
    if (!extension) throw new Error('no extension ' + request.id);
    const wasActive = extension.isActive;
    await extension.activate();
    return { wasActive };
  },
  exec: (request) => exec(request),
  execMany: async (request) => {
    const results = [];
    for (const call of request.calls) results.push(await exec(call));
    return results;
  },
  hovers: async (request) => {
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, request.file);
    const results = [];
    for (const position of request.positions) {
      const started = performance.now();
      const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(position.line, position.character));
      const ms = performance.now() - started;
      const text = (hovers || []).flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
      results.push({ ms, text });
    }
    return results;
  },
  documents: () => {
    const byScheme = {};
    for (const document of vscode.workspace.textDocuments) byScheme[document.uri.scheme] = (byScheme[document.uri.scheme] || 0) + 1;
    return { byScheme, tabs: vscode.window.tabGroups.all.reduce((sum, group) => sum + group.tabs.length, 0) };
  },
};

exports.activate = function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('${PROBE_EXTENSION.command}', async () => {
      const dir = process.env.${PROBE_DIR_ENV};
      const request = JSON.parse(fs.readFileSync(path.join(dir, 'request.json'), 'utf8'));
      let response;
      try {
        const action = actions[request.action];
        if (!action) throw new Error('unknown probe action ' + request.action);
        response = { ok: true, value: await action(request) };
      } catch (error) {
        response = { ok: false, error: String((error && error.stack) || error) };
      }
      fs.writeFileSync(path.join(dir, 'response-' + request.seq + '.json.tmp'), JSON.stringify(response));
      fs.renameSync(path.join(dir, 'response-' + request.seq + '.json.tmp'), path.join(dir, 'response-' + request.seq + '.json'));
    }),
  );
};
exports.deactivate = function deactivate() {};
`;

export function writeProbeExtension(parent: string): string {
  const dir = path.join(parent, 'probe-extension');
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    manifest('probe', 'Fused Runs Bench Probe', {
      activationEvents: [],
      contributes: { commands: [{ command: PROBE_EXTENSION.command, title: 'Probe', category: 'Fused Runs Bench' }] },
    }),
  );
  fs.writeFileSync(path.join(dir, 'dist', 'extension.js'), PROBE_SOURCE);
  return dir;
}
