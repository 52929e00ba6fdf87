// The layout rules of src/, checked on every `npm run test:unit`:
//  - no import cycle between src/ folders (a folder is the first path segment under src/; files
//    directly in src/ form the folder "."), counting every kind of import: `import`, `import type`,
//    `export … from`, `import x = require()`, `require()` and `import()`;
//  - the pure folders never import `vscode` (so their logic is unit-tested in plain Node), and the
//    webview's browser script imports neither `vscode` nor Node's modules.
// Imports are read with TypeScript's own pre-processor (ts.preProcessFile), not a regular expression.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as ts from 'typescript';

const REPO = path.resolve(__dirname, '..', '..', '..');
const SRC = path.join(REPO, 'src');

/** Folders whose files must never import `vscode`. */
const PURE_FOLDERS = ['api', 'cache', 'connection', 'shared', 'text', 'time', 'udfCode', 'util'];

interface SourceImport {
  file: string;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(full));
    else if (/\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) files.push(full);
  }
  return files;
}

function importsOf(file: string): SourceImport[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((imported) => ({ file, specifier: imported.fileName }));
}

/** The src/ folder a file belongs to: its first path segment, or "." for files directly in src/. */
export function folderOf(file: string): string {
  const relative = path.relative(SRC, file).split(path.sep);
  return relative.length === 1 ? '.' : relative[0];
}

/** The file an import names: `x.ts`, or a folder's `x/index.ts` (so './documents' is the documents folder). */
function resolveModule(target: string): string {
  if (target.endsWith('.ts')) return target;
  if (!fs.existsSync(`${target}.ts`) && fs.existsSync(path.join(target, 'index.ts'))) return path.join(target, 'index.ts');
  return `${target}.ts`;
}

/** Edges between folders, each with one example import for the message. */
function folderGraph(files: readonly string[]): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of files) {
    const from = folderOf(file);
    if (!graph.has(from)) graph.set(from, new Map());
    for (const { specifier } of importsOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), specifier);
      if (!target.startsWith(SRC + path.sep)) continue;
      const to = folderOf(resolveModule(target));
      if (to === from) continue;
      const edges = graph.get(from) as Map<string, string>;
      if (!edges.has(to)) edges.set(to, `${path.relative(REPO, file)} imports '${specifier}'`);
    }
  }
  return graph;
}

/** Strongly connected components with more than one folder (Tarjan). */
export function cyclicGroups(graph: Map<string, Map<string, string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowlinks = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    lowlinks.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!indices.has(next)) {
        visit(next);
        lowlinks.set(node, Math.min(lowlinks.get(node) as number, lowlinks.get(next) as number));
      } else if (onStack.has(next)) {
        lowlinks.set(node, Math.min(lowlinks.get(node) as number, indices.get(next) as number));
      }
    }
    if (lowlinks.get(node) === indices.get(node)) {
      const group: string[] = [];
      for (;;) {
        const member = stack.pop() as string;
        onStack.delete(member);
        group.push(member);
        if (member === node) break;
      }
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);
  return groups.sort((a, b) => a.join().localeCompare(b.join()));
}

function describeGroup(group: string[], graph: Map<string, Map<string, string>>): string {
  const lines: string[] = [];
  for (const from of group) {
    for (const [to, example] of graph.get(from) ?? []) if (group.includes(to)) lines.push(`  ${from} -> ${to} (${example})`);
  }
  return `{${group.join(', ')}}:\n${lines.join('\n')}`;
}

const files = sourceFiles(SRC);

test('the cycle finder finds a cycle through three folders and none in a chain', () => {
  const graph = (edges: [string, string][]) => {
    const map = new Map<string, Map<string, string>>();
    for (const [from, to] of edges) {
      if (!map.has(from)) map.set(from, new Map());
      if (!map.has(to)) map.set(to, new Map());
      map.get(from)?.set(to, 'example');
    }
    return map;
  };
  assert.deepEqual(cyclicGroups(graph([['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd']])), [['a', 'b', 'c']]);
  assert.deepEqual(cyclicGroups(graph([['a', 'b'], ['b', 'c'], ['a', 'c']])), []);
});

test('no import cycle between src/ folders', () => {
  assert.ok(files.length > 20, `expected the extension's sources under ${SRC}`);
  const graph = folderGraph(files);
  const groups = cyclicGroups(graph);
  assert.equal(groups.length, 0, `import cycles between src/ folders:\n${groups.map((group) => describeGroup(group, graph)).join('\n')}`);
});

test(`the pure folders (${PURE_FOLDERS.join(', ')}) never import vscode`, () => {
  const offenders = files
    .filter((file) => PURE_FOLDERS.includes(folderOf(file)))
    .flatMap(importsOf)
    .filter(({ specifier }) => specifier === 'vscode')
    .map(({ file }) => path.relative(REPO, file));
  assert.deepEqual(offenders, []);
});

test("the webview's browser script imports neither vscode nor Node's modules", () => {
  const app = path.join(SRC, 'webview', 'app');
  const offenders = files
    .filter((file) => file.startsWith(app + path.sep))
    .flatMap(importsOf)
    .filter(({ specifier }) => specifier === 'vscode' || specifier.startsWith('node:') || ['fs', 'path', 'os', 'child_process', 'crypto'].includes(specifier))
    .map(({ file, specifier }) => `${path.relative(REPO, file)}: ${specifier}`);
  assert.deepEqual(offenders, []);
});

/** Every src/ file a file reaches through relative imports (type-only ones too: a stricter bound). */
function importClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { specifier } of importsOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), specifier);
      const resolved = [`${target}.ts`, path.join(target, 'index.ts'), target].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
      if (resolved) visit(resolved);
    }
  };
  visit(entry);
  return [...seen].map((file) => path.relative(REPO, file)).sort();
}

test('activation (dist/extension.js) loads only the entry points: no feature code, nothing that grows with the features', () => {
  assert.deepEqual(importClosure(path.join(SRC, 'extension.ts')), ['src/activation/lazyHost.ts', 'src/extension.ts', 'src/shared/contributions.ts']);
  // The feature bundle reaches everything; the entry points are what it plugs into.
  const features = importClosure(path.join(SRC, 'features.ts'));
  assert.ok(features.includes('src/views/udfTree.ts') && features.includes('src/api/client.ts'), features.join(', '));
});
