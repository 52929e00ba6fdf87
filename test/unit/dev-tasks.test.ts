// .vscode/launch.json and tasks.json (F5 in the repository): desktop VS Code cannot run here, so
// this checks what it would rely on. The files are plain JSON; every task a launch or another
// task names exists; the paths exist; the dev workspace, the server task and the test launch
// agree on the local server's port and token; and the background tasks' problem matchers read
// the real output of their commands: `node esbuild.js --watch` on a copy of the project with a
// syntax error (the error lands on its file, line and column; the begin/end lines bracket each
// build), and the local server's CLI (its "listening" line ends the server task's startup).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { DEMO_TOKEN } from '../server/users';

const REPO = path.resolve(__dirname, '..', '..', '..');

interface ProblemPattern {
  regexp: string;
  file?: number;
  line?: number;
  column?: number;
  severity?: number;
  message?: number;
}
interface ProblemMatcher {
  fileLocation?: string;
  pattern: ProblemPattern | ProblemPattern[];
  background?: { activeBegins?: boolean; beginsPattern: string; endsPattern: string };
}
interface Task {
  label: string;
  command?: string;
  isBackground?: boolean;
  dependsOn?: string[];
  problemMatcher?: ProblemMatcher | string | [];
}
interface LaunchConfig {
  name: string;
  type: string;
  args: string[];
  env?: Record<string, string>;
  preLaunchTask?: string;
}

function readJson<T>(relative: string): T {
  // Plain JSON on purpose (no comments), so any tool can read it.
  return JSON.parse(fs.readFileSync(path.join(REPO, relative), 'utf8')) as T;
}

const tasks = readJson<{ version: string; tasks: Task[] }>('.vscode/tasks.json').tasks;
const launch = readJson<{ version: string; configurations: LaunchConfig[] }>('.vscode/launch.json').configurations;
const task = (label: string): Task => {
  const found = tasks.find((t) => t.label === label);
  assert.ok(found, `tasks.json has a task "${label}"`);
  return found;
};
const matcherOf = (label: string): ProblemMatcher => {
  const matcher = task(label).problemMatcher;
  assert.ok(matcher && typeof matcher === 'object' && !Array.isArray(matcher), `task "${label}" has its own problem matcher`);
  return matcher;
};

interface Problem {
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
}

/** Applies a multi-line problem pattern the way VS Code does: each pattern on the next line. */
function problems(matcher: ProblemMatcher, lines: string[]): Problem[] {
  const patterns = Array.isArray(matcher.pattern) ? matcher.pattern : [matcher.pattern];
  const found: Problem[] = [];
  for (let i = 0; i + patterns.length <= lines.length; i++) {
    const matches = patterns.map((pattern, offset) => new RegExp(pattern.regexp).exec(lines[i + offset]));
    if (matches.some((match) => !match)) continue;
    const problem: Partial<Problem> = {};
    patterns.forEach((pattern, index) => {
      const match = matches[index]!;
      if (pattern.severity) problem.severity = match[pattern.severity].toLowerCase();
      if (pattern.message) problem.message = match[pattern.message];
      if (pattern.file) problem.file = match[pattern.file];
      if (pattern.line) problem.line = Number(match[pattern.line]);
      if (pattern.column) problem.column = Number(match[pattern.column]);
    });
    found.push(problem as Problem);
  }
  return found;
}

/** Spawns a command and collects its output lines (stdout and stderr, as a task terminal shows both). */
function collect(child: ChildProcess): { lines: string[]; waitFor(predicate: (lines: string[]) => boolean, what: string): Promise<void> } {
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const waiter of waiters) waiter();
    });
  }
  return {
    lines,
    waitFor: (predicate, what) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${what} within 60 s; output:\n${lines.join('\n')}`)), 60_000);
        const check = () => {
          if (!predicate(lines)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
  };
}

const children: ChildProcess[] = [];
const temporaryDirs: string[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of temporaryDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('.vscode/launch.json and tasks.json', () => {
  it('every task a launch configuration or a task depends on exists; every path exists', () => {
    for (const config of launch) {
      assert.equal(config.type, 'extensionHost', config.name);
      if (config.preLaunchTask) task(config.preLaunchTask);
      for (const arg of config.args) {
        const at = arg.indexOf('${workspaceFolder}');
        if (at < 0) continue;
        const relative = arg.slice(at + '${workspaceFolder}'.length).replace(/^\//, '');
        // out/ is built by a pre-launch task: its sources must exist.
        const source = relative.startsWith('out/') ? `${relative.slice('out/'.length)}.ts` : relative;
        assert.ok(fs.existsSync(path.join(REPO, source)), `${config.name}: ${arg} (${source}) exists`);
      }
    }
    for (const t of tasks) for (const dependency of t.dependsOn ?? []) task(dependency);
    assert.equal(launch.length, 2, 'F5 (run the extension) and the extension-host tests');
  });

  it('the dev workspace, the server task and the test launch agree on the local server and its token', () => {
    const port = /--port (\d+)/.exec(task('local Fused server').command ?? '')?.[1];
    assert.ok(port, 'the server task names its port');
    const baseUrl = `http://127.0.0.1:${port}/v1`;
    const settings = readJson<Record<string, string>>('test/dev-workspace/.vscode/settings.json');
    assert.equal(settings['fusedRuns.api.baseUrl'], baseUrl);
    assert.ok(new RegExp(matcherOf('local Fused server').background!.endsPattern).test(`listening on ${baseUrl}`));
    for (const config of launch) {
      assert.equal(config.env?.FUSED_AUTH_TOKEN, DEMO_TOKEN, `${config.name} signs in with the demo token`);
      assert.ok(config.args.includes('${workspaceFolder}/test/dev-workspace'), `${config.name} opens the dev workspace`);
    }
    const tests = launch.find((config) => config.args.some((arg) => arg.startsWith('--extensionTestsPath=')));
    assert.ok(tests, 'a configuration runs the extension-host tests');
    assert.equal(tests.env?.FUSED_E2E_BASE_URL, baseUrl);
    assert.equal(tests.env?.FUSED_E2E_TOKEN, DEMO_TOKEN);
    const recordsFile = /--write-records (\S+)/.exec(task('local Fused server').command ?? '')?.[1];
    assert.equal(tests.env?.FUSED_E2E_RECORDS_FILE, `\${workspaceFolder}/${recordsFile}`);
    assert.ok(tests.args.includes('--profile-temp'), 'the tests change settings: never in the developer\'s own profile');
  });

  it('the watch task\'s matcher reads `node esbuild.js --watch`: begin/end of each build and each error\'s file, line and column', async () => {
    const matcher = matcherOf('watch');
    assert.equal(task('watch').command, 'npm run watch');
    const scripts = readJson<{ scripts: Record<string, string> }>('package.json').scripts;
    assert.equal(scripts.watch, 'node esbuild.js --watch');
    // A copy of the project with a syntax error in the extension's entry point.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fused-watch-'));
    temporaryDirs.push(dir);
    fs.copyFileSync(path.join(REPO, 'esbuild.js'), path.join(dir, 'esbuild.js'));
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    fs.mkdirSync(path.join(dir, 'src'));
    const entry = path.join(dir, 'src', 'extension.ts');
    fs.writeFileSync(entry, 'export function activate(): void {\n  const broken = ;\n}\n');
    const child = spawn(process.execPath, ['esbuild.js', '--watch'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const output = collect(child);
    const begins = new RegExp(matcher.background!.beginsPattern);
    const ends = new RegExp(matcher.background!.endsPattern);
    const count = (pattern: RegExp) => output.lines.filter((line) => pattern.test(line)).length;

    await output.waitFor(() => count(ends) === 1, 'end of the first build');
    assert.equal(count(begins), 1, 'one begin line before it');
    const first = problems(matcher, output.lines);
    assert.equal(first.length, 1, `one problem in:\n${output.lines.join('\n')}`);
    assert.equal(first[0].severity, 'error');
    assert.match(first[0].message, /Unexpected ";"/);
    // Line 2, column 18 (1-based, as VS Code counts): the ";" where the value should be.
    assert.deepEqual([first[0].file, first[0].line, first[0].column], ['src/extension.ts', 2, 18]);
    assert.equal(fs.readFileSync(entry, 'utf8').split('\n')[first[0].line - 1][first[0].column - 1], ';');
    assert.equal(matcher.fileLocation, 'relative', 'esbuild names files relative to the folder it runs in (the workspace)');
    assert.ok(fs.existsSync(path.join(dir, first[0].file)));

    // Fixed: the next build is bracketed again and reports nothing.
    const before = output.lines.length;
    fs.writeFileSync(entry, 'export function activate(): void {\n  const fixed = 1;\n  void fixed;\n}\n');
    await output.waitFor(() => count(ends) === 2, 'end of the rebuild');
    const rebuild = output.lines.slice(before);
    assert.ok(rebuild.some((line) => begins.test(line)), `the rebuild begins: ${rebuild.join(' | ')}`);
    assert.deepEqual(problems(matcher, rebuild), []);
    assert.ok(fs.existsSync(path.join(dir, 'dist', 'extension.js')));
  });

  it('the server task\'s matcher: its end pattern is the line the local server prints once it listens', async () => {
    const matcher = matcherOf('local Fused server');
    assert.match(task('local Fused server').command ?? '', /^npm run server -- /);
    const manifest = readJson<{ name: string; version: string; scripts: Record<string, string> }>('package.json');
    // npm announces the script as "> name@version server" before tsc and the server run.
    assert.ok(new RegExp(matcher.background!.beginsPattern).test(`> ${manifest.name}@${manifest.version} server`));
    const child = spawn(process.execPath, [path.join(REPO, 'out', 'test', 'server', 'cli.js'), '--port', '0', '--records', '20'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const output = collect(child);
    await output.waitFor((lines) => lines.some((line) => line.startsWith('listening on ')), 'listening line');
    const listening = output.lines.find((line) => line.startsWith('listening on '))!;
    const port = /:(\d+)\/v1$/.exec(listening)?.[1];
    // The task pins port 8787; the pattern must match the real line once the port is the same.
    const ends = new RegExp(matcher.background!.endsPattern.replace('8787', String(port)));
    assert.ok(ends.test(listening), `${matcher.background!.endsPattern} matches ${JSON.stringify(listening)}`);
    // npm run server compiles first: tsc's errors, plain (a pipe) or --pretty (a task terminal), are what the pattern reads.
    const expected = { severity: 'error', message: 'Type \'string\' is not assignable to type \'number\'.', file: 'test/server/cli.ts', line: 12, column: 5 };
    assert.deepEqual(problems(matcher, ['test/server/cli.ts(12,5): error TS2322: Type \'string\' is not assignable to type \'number\'.']), [expected]);
    assert.deepEqual(problems(matcher, ['test/server/cli.ts:12:5 - error TS2322: Type \'string\' is not assignable to type \'number\'.']), [expected]);
    child.kill('SIGTERM');
  });
});
