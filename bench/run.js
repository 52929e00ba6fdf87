#!/usr/bin/env node
// `npm run bench`: bundles the benchmark (bench/main.ts and the local Fused server's CLI) with
// esbuild, well under a second where a full tsc pass over test/ takes 15-40 s, and runs it.
//   npm run bench                          everything (budget: under 15 minutes on 2 quiet cores;
//                                          the table ends with each section's time and the total)
//   npm run bench -- --only recipes        one section (or several: --only tree,hovers)
//   npm run bench -- --help                all options
'use strict';

const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

async function run() {
  const esbuild = require('esbuild');
  const outdir = path.join(ROOT, 'out', 'bench');
  await esbuild.build({
    entryPoints: { bench: path.join(__dirname, 'main.ts'), 'fused-server': path.join(ROOT, 'test', 'server', 'cli.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // playwright-core loads its own files at run time. (Nothing requires undici any more: the
    // client uses the host's fetch.)
    external: ['playwright-core', 'esbuild'],
    logLevel: 'warning',
  });
  const { main } = require(path.join(outdir, 'bench.js'));
  process.exitCode = await main(process.argv.slice(2), path.join(outdir, 'fused-server.js'));
}

run().catch((error) => {
  process.stderr.write(`bench: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
