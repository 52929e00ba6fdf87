// Loaded by the extension host as extensionTestsPath (see bench/run.js): measures, with
// performance.now(), `await extension.activate()` of the not-yet-activated Fused Runs extension,
// i.e. loading its bundle plus running activate(), inside code-server's real extension host.
'use strict';

const fs = require('node:fs');
const { performance } = require('node:perf_hooks');
const vscode = require('vscode');

module.exports.run = async function run() {
  const extension = vscode.extensions.getExtension('fused-runs.fused-runs');
  if (!extension) throw new Error('fused-runs.fused-runs is not loaded');
  const wasActive = extension.isActive;
  const started = performance.now();
  await extension.activate();
  const ms = performance.now() - started;
  fs.writeFileSync(process.env.FUSED_RUNS_BENCH_OUT, JSON.stringify({ ms, wasActive }));
  // The harness expects a result file; this module is a measurement, reported as one passing check.
  fs.writeFileSync(process.env.FUSED_RUNS_EXTHOST_RESULT, JSON.stringify({ passed: wasActive ? 0 : 1, failed: wasActive ? 1 : 0, pending: 0, failures: wasActive ? [{ title: 'activation', error: 'the extension was already active' }] : [] }));
};
