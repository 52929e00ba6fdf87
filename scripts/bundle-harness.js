// Bundles the e2e harness and the local Fused server (TypeScript under test/) into out/scripts/
// with esbuild, for the demo and the benchmarks, and loads it.
'use strict';

const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

async function loadHarness() {
  const esbuild = require('esbuild');
  const outfile = path.join(ROOT, 'out', 'scripts', 'harness.js');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'test', 'e2e', 'harness', 'scriptExports.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // playwright-core is large and loads its own files at run time.
    external: ['playwright-core'],
    logLevel: 'warning',
  });
  return require(outfile);
}

module.exports = { loadHarness };
