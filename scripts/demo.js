#!/usr/bin/env node
// `npm run demo`: a working VS Code (code-server in the browser) with Fused Runs installed and
// pointed at the local Fused server with generated demo data. No Fused account needed.
//
//   npm run demo                         # http://127.0.0.1:8080/..., Ctrl+C stops everything
//   npm run demo -- --port 9000 --records 5000 --seed 7
//   npm run demo -- --screenshot media/     # the README's pictures (scripts/screenshots.js) into a folder, exit
//   npm run demo -- --screenshot demo.png   # only the tree, into one PNG
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { parseArgs } = require('node:util');

const { takeScreenshots } = require('./screenshots');

const ROOT = path.resolve(__dirname, '..');

const USAGE = 'usage: npm run demo -- [--port 8080] [--records 2000] [--seed 42] [--token fused-demo-token] [--screenshot folder/ | file.png]';

function usage(message) {
  if (message) process.stderr.write(`demo: ${message}\n`);
  process.stderr.write(`${USAGE}
`);
  process.exit(2);
}

/** The command line, read with node:util parseArgs: unknown options and stray words are errors. */
function readOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        records: { type: 'string' },
        seed: { type: 'string' },
        token: { type: 'string' },
        screenshot: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    usage(error.message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const integer = (flag, raw, fallback, min, max) => {
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!/^\d+$/.test(raw) || parsed < min || parsed > max) usage(`--${flag} must be an integer from ${min} to ${max}, got "${raw}"`);
    return parsed;
  };
  if (values.token !== undefined && (!values.token || /\s/.test(values.token))) usage('--token needs a non-empty token without spaces');
  if (values.screenshot === '') usage('--screenshot needs a folder or a .png file');
  return {
    port: integer('port', values.port, 8080, 1, 65535),
    records: integer('records', values.records, 2000, 1, 1_000_000),
    seed: integer('seed', values.seed, 42, 0, 2 ** 31 - 1),
    token: values.token,
    screenshot: values.screenshot === undefined ? undefined : path.resolve(values.screenshot),
  };
}

function step(label, command, args) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    process.stderr.write(`demo: ${label} failed (${command} ${args.join(' ')} exited with ${result.status ?? result.signal})\n`);
    process.exit(1);
  }
  process.stdout.write(`demo: ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The demo user's most-run UDF names, so the workspace refers to UDFs the server really serves. */
function demoUdfNames(records, user, count) {
  const runs = new Map();
  for (const record of records) {
    if (!record.udf_name || (user && record.user_email !== user.email)) continue;
    runs.set(record.udf_name, (runs.get(record.udf_name) || 0) + 1);
  }
  return [...runs.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, count).map(([name]) => name);
}

function pythonIdentifier(name) {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) ? `udf_${cleaned}` : cleaned;
}

function writeDemoWorkspace(dir, names) {
  const [first, second, third] = names;
  const files = {
    'README.md': [
      '# Fused Runs demo workspace',
      '',
      'The Fused Runs view (activity bar) lists the UDFs of the local demo server.',
      'Hover a UDF name in the Python files to see its latest run; expand a UDF in the tree to see its runs.',
      '',
    ].join('\n'),
    'udfs/pipeline.py': [
      'import fused',
      '',
      '',
      '@fused.udf',
      `def ${pythonIdentifier(first)}(bbox: fused.types.Bbox = None, resolution: int = 9):`,
      '    import geopandas as gpd',
      '',
      '    return gpd.GeoDataFrame()',
      '',
      '',
      `result = fused.run("${first}")`,
      `summary = fused.run("${second ?? first}", resolution=7)`,
      '',
    ].join('\n'),
    'udfs/report.py': [
      'import fused',
      '',
      `loader = fused.load("${third ?? first}")`,
      '',
      '',
      '@fused.udf',
      'def weekly_report(days: int = 7):',
      '    import pandas as pd',
      '',
      `    runs = fused.run("${second ?? first}", days=days)`,
      '    return pd.DataFrame(runs)',
      '',
    ].join('\n'),
  };
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), content);
  }
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  const { ensureToolchain } = require('./toolchain');
  try {
    ensureToolchain();
  } catch (error) {
    process.stderr.write(`demo: ${error.message}\n`);
    process.exit(1);
  }
  if (!(await portIsFree(options.port))) usage(`port ${options.port} on 127.0.0.1 is in use; pass another with --port N`);

  step('built the extension', process.execPath, ['esbuild.js']);
  const modules = await require('./bundle-harness').loadHarness();
  const { startFusedServer, startCodeServer, installUnpackedExtension, runFolders, BASE_SETTINGS, createRunDir } = modules;

  const fused = await startFusedServer({ port: 0, records: options.records, seed: options.seed, ...(options.token ? { token: options.token } : {}) });
  process.stdout.write(`demo: local Fused server on ${fused.baseUrl} (${fused.records.length} records, seed ${options.seed}, token ${fused.token})\n`);

  const runDir = createRunDir('demo');
  const workspaceDir = path.join(runDir, 'workspace');
  const demoUser = fused.users.find((user) => user.token === fused.token) || fused.users[0];
  const names = demoUdfNames(fused.records, demoUser, 3);
  if (names.length === 0) throw new Error('the demo server serves no named UDF for the demo user');
  writeDemoWorkspace(workspaceDir, names);
  installUnpackedExtension(runFolders(runDir).extensionsDir, ROOT);

  let codeServer;
  const stopAll = async () => {
    await codeServer?.stop().catch(() => undefined);
    await fused.close().catch(() => undefined);
  };
  process.once('SIGINT', () => {
    process.stdout.write('\ndemo: stopping ...\n');
    stopAll().finally(() => process.exit(0));
  });

  try {
    codeServer = await startCodeServer({
      runDir,
      workspaceDir,
      port: options.port,
      settings: {
        ...BASE_SETTINGS,
        'fusedRuns.api.baseUrl': fused.baseUrl,
        'fusedRuns.api.auditLogPath': fused.auditLogPath,
      },
      env: { FUSED_AUTH_TOKEN: fused.token },
      unsetEnv: ['FUSED_AUTH_TOKEN_TYPE'],
    });
  } catch (error) {
    await stopAll();
    throw error;
  }
  const url = `${codeServer.url}/?folder=${encodeURIComponent(workspaceDir).replace(/%2F/g, "/")}`;

  if (options.screenshot) {
    try {
      await takeScreenshots(modules, fused, codeServer, runDir, workspaceDir, url, options.screenshot, names);
    } finally {
      await stopAll();
    }
    return;
  }
  process.stdout.write(`\nFused Runs demo is running. Open this URL in a browser:\n\n  ${url}\n\n`);
  process.stdout.write(`(demo UDFs in the workspace: ${names.join(', ')}; logs in ${runDir}; Ctrl+C stops everything)\n`);
}

module.exports = { readOptions };

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`demo: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
}
