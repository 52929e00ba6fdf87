// Bundles the extension (Node, CommonJS) and the webview script (browser, IIFE).
//   node esbuild.js                # development build, with source maps
//   node esbuild.js --production   # minified, no maps (vscode:prepublish, npm run package)
//   node esbuild.js --watch        # rebuild on change; reports in the problem-matcher format
// Watch output, per round of builds (what the "watch" task of .vscode/tasks.json reads):
//   [watch] build started
//   ✘ [ERROR] <message>
//       <file>:<line>:<column>:
//   [watch] build finished
'use strict';
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

function options() {
  try {
    return parseArgs({
      options: {
        production: { type: 'boolean', default: false },
        watch: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (error) {
    process.stderr.write(`esbuild.js: ${error.message}\nusage: node esbuild.js [--production] [--watch]\n`);
    process.exit(2);
  }
}

const { production, watch, help } = options();
if (help) {
  process.stdout.write('usage: node esbuild.js [--production] [--watch]\n');
  process.exit(0);
}

/** Builds in progress (watch mode): one "started" before the first, one "finished" after the last. */
const building = new Set();

/**
 * In watch mode esbuild's own log is off and this plugin reports instead: one start and one end
 * line around each round of builds, and each error/warning as two consecutive lines (message,
 * then location), the shape problem matchers read (esbuild's own log puts a blank line between).
 * @param {string} label
 * @returns {import('esbuild').Plugin}
 */
function watchReporter(label) {
  return {
    name: 'watch-reporter',
    setup(build) {
      build.onStart(() => {
        if (building.size === 0) console.log('[watch] build started');
        building.add(label);
      });
      build.onEnd((result) => {
        const report = (kind, mark) => (message) => {
          console.log(`${mark} [${kind}] ${message.text}`);
          // esbuild counts columns from 0; problem matchers (and editors) from 1.
          if (message.location) console.log(`    ${message.location.file}:${message.location.line}:${message.location.column + 1}:`);
        };
        result.errors.forEach(report('ERROR', '✘'));
        result.warnings.forEach(report('WARNING', '▲'));
        building.delete(label);
        if (building.size === 0) console.log('[watch] build finished');
      });
    },
  };
}

/** What every build shares: one bundle per entry, minified without maps in production. */
/** @type {import('esbuild').BuildOptions} */
const base = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  legalComments: 'none',
  logLevel: watch ? 'silent' : 'warning',
  metafile: true,
};

/** Node builds (the extension host). */
const node = { ...base, platform: 'node', format: 'cjs', target: 'node18' };

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  // What activation loads: the stubs of src/activation (it requires dist/features.js on first use).
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // Every feature, required on first use.
  { ...node, entryPoints: ['src/features.ts'], outfile: 'dist/features.js', external: ['vscode'] },
];

// The insights panel's host code (src/insights/insightsPanel.ts) is in dist/features.js: it is
// required there on the first "Show UDF Insights" (esbuild defers a required module's
// initialisation until then), and features.js is itself loaded only on first use. A separate
// bundle would repeat the helpers both share (time, text, api) in the .vsix; one left by an
// earlier build would still be packed (dist/ is shipped as a whole), so it goes.
fs.rmSync(path.join(__dirname, 'dist', 'insightsPanel.js'), { force: true });
fs.rmSync(path.join(__dirname, 'dist', 'insightsPanel.js.map'), { force: true });

// HTTP goes through the extension host's global fetch (see src/api/client.ts), so nothing is
// bundled for it. A dist/undici.js left by a build from before that change would still be
// packed into the .vsix (dist/ is shipped as a whole), so it goes.
fs.rmSync(path.join(__dirname, 'dist', 'undici.js'), { force: true });

// The details webview script, once it exists (src/webview/app/).
const webviewEntry = 'src/webview/app/main.ts';
if (fs.existsSync(path.join(__dirname, webviewEntry))) {
  builds.push({
    ...base,
    entryPoints: [webviewEntry],
    outfile: 'dist/webview/details.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}

// The insights webview script: its charts (uPlot, canvas) and tables; its CSS (uPlot's own
// included) is emitted beside it as dist/webview/insights.css.
builds.push({
  entryPoints: ['src/webview/app/insights/main.ts'],
  outfile: 'dist/webview/insights.js',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});

async function main() {
  if (watch) {
    const contexts = await Promise.all(
      builds.map((buildOptions, index) => esbuild.context({ ...buildOptions, plugins: [...(buildOptions.plugins ?? []), watchReporter(String(index))] })),
    );
    // The first round builds everything: report it as one build.
    console.log('[watch] build started');
    contexts.forEach((_, index) => building.add(String(index)));
    await Promise.all(contexts.map((context) => context.watch()));
    return;
  }
  for (const buildOptions of builds) {
    const result = await esbuild.build(buildOptions);
    for (const [file, info] of Object.entries(result.metafile.outputs)) {
      if (!file.endsWith('.map')) console.log(`[esbuild] ${file} ${(info.bytes / 1024).toFixed(1)} KiB`);
    }
  }
}

main().catch((error) => {
  // esbuild has already printed its errors (build mode); in watch mode this is a setup failure.
  if (!error || !error.errors) console.error(error);
  process.exit(1);
});
