#!/usr/bin/env node
// Measures the proven UDF list (src/api/completeness.ts) on the load scenarios of the local
// server: requests, rounds, runs read, wall time at 0 and 150 ms injected latency, and what the
// tree would show (complete, or which windows are marked and why). For comparison it also times
// the documented recipe (one distinct query per day window, sequentially) and a full scan of
// each marked window. The server runs as its own process (test/server/cli.js), so client and
// server do not share an event loop; latency is the server's latencyMs fault.
//
//   npm run compile-tests && node bench/completeness.js [--samples 3] [--json out.json]
'use strict';

const { performance } = require('node:perf_hooks');
const { spawn } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const readline = require('node:readline');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'out');
if (!fs.existsSync(path.join(OUT, 'src/api/completeness.js'))) {
  process.stderr.write('bench/completeness: run "npm run compile-tests" first (needs out/).\n');
  process.exit(2);
}
const { AuditLogClient } = require(path.join(OUT, 'src/api/client.js'));
const { provenDistinct, FULL_SCAN_BUDGET, DEFAULT_PROOF_BUDGET } = require(path.join(OUT, 'src/api/completeness.js'));
const { dayWindows } = require(path.join(OUT, 'src/api/recipes.js'));

const argAt = (flag) => process.argv.indexOf(flag);
const samples = argAt('--samples') > 0 ? Number(process.argv[argAt('--samples') + 1]) : 3;
const jsonOut = argAt('--json') > 0 ? process.argv[argAt('--json') + 1] : undefined;
const DAY = 24 * 3600_000;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function startServer(args) {
  const child = spawn(process.execPath, [path.join(OUT, 'test/server/cli.js'), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = (await lines.next()).value;
  if (!first || !first.startsWith('listening on ')) throw new Error(`server did not start: ${stderr}`);
  await lines.next();
  const baseUrl = first.slice('listening on '.length);
  const origin = new URL(baseUrl).origin;
  const admin = async (method, route, body) => {
    const response = await globalThis.fetch(`${origin}${route}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    return response.status === 204 ? undefined : response.json();
  };
  return {
    baseUrl,
    admin,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

function clientFor(server) {
  return new AuditLogClient({
    baseUrl: server.baseUrl,
    auditLogPath: '/audit-log',
    getCredentials: async () => ({ token: 'fused-demo-token', scheme: 'Bearer', source: 'environment' }),
    timeoutMs: 60_000,
  });
}

/** The documented recipe: one distinct query per day window, one after another, merged. */
async function documentedLoop(client, now, days) {
  const names = new Map();
  for (const window of dayWindows({ now, days })) {
    const page = await client.query({ distinct: true, distinct_type: 'names', start_timestamp: window.start, end_timestamp: window.end, max_records_to_scan: 5000 });
    for (const record of page.items) if (record.udf_name && !names.has(record.udf_name)) names.set(record.udf_name, record);
  }
  return names.size;
}

async function measure(label, serverArgs, range, expectedNames) {
  const server = await startServer(serverArgs);
  const client = clientFor(server);
  const result = { label, range: range.label, latency: {} };
  try {
    for (const latencyMs of [0, 150]) {
      if (latencyMs) await server.admin('POST', '/__admin/faults', { latencyMs });
      else await server.admin('DELETE', '/__admin/faults');
      const times = [];
      let last;
      for (let i = 0; i < samples; i++) {
        await server.admin('POST', '/__admin/stats/reset');
        const now = new Date();
        const started = performance.now();
        last = await provenDistinct(client, { distinctType: 'names', ...range.bounds(now), budget: DEFAULT_PROOF_BUDGET });
        times.push(performance.now() - started);
        const stats = await server.admin('GET', '/__admin/stats');
        if (stats.requests !== last.requests) throw new Error(`client counted ${last.requests} requests, server ${stats.requests}`);
      }
      const documented = [];
      let documentedNames = 0;
      if (range.days) {
        for (let i = 0; i < samples; i++) {
          const started = performance.now();
          documentedNames = await documentedLoop(client, new Date(), range.days);
          documented.push(performance.now() - started);
        }
      }
      const names = last.records.map((r) => r.udf_name);
      result.latency[latencyMs] = {
        ms: Math.round(median(times)),
        samplesMs: times.map(Math.round),
        requests: last.requests,
        rounds: last.rounds,
        runsRead: last.runsRead,
        udfs: names.length,
        ...(expectedNames ? { missing: expectedNames.filter((n) => !names.includes(n)) } : {}),
        unproven: last.unproven.map((w) => ({ start: w.start, end: w.end, reason: w.reason, estimatedRuns: w.estimatedRuns })),
        ...(range.days ? { documentedLoopMs: Math.round(median(documented)), documentedLoopRequests: range.days, documentedLoopUdfs: documentedNames } : {}),
      };
    }
    // A full scan of each marked window (what "Scan fully" costs), at 0 ms latency.
    await server.admin('DELETE', '/__admin/faults');
    const scans = [];
    for (const window of result.latency[0].unproven) {
      const started = performance.now();
      const scan = await provenDistinct(client, { distinctType: 'names', start: window.start, end: window.end, budget: FULL_SCAN_BUDGET });
      scans.push({ window, ms: Math.round(performance.now() - started), requests: scan.requests, rounds: scan.rounds, runsRead: scan.runsRead, stillUnproven: scan.unproven.length });
    }
    result.fullScans = scans;
  } finally {
    await client.close();
    await server.stop();
  }
  return result;
}

async function main() {
  const burstNames = ['app_geocode', 'app_search', 'app_tiles', 'flood_depth', 'ndvi_timeseries', 'parcel_join', 'rare_census_audit', 'tile_stats', 'zonal_mean'];
  const bulkNames = [...Array.from({ length: 30 }, (_, i) => `bulk_udf_${String(i + 1).padStart(2, '0')}`), ...Array.from({ length: 5 }, (_, i) => `bulk_rare_${i + 1}`)];
  const last = (ms, label, days) => ({ label, days, bounds: (now) => ({ start: new Date(now.getTime() - ms) }) });
  const runs = [
    ['burst (6 021 runs in a day)', ['--scenario', 'burst'], last(DAY, 'last 24 h'), burstNames],
    ['burst (6 021 runs in a day)', ['--scenario', 'burst'], last(7 * DAY, 'last 7 days', 7), burstNames],
    ['burst (6 021 runs in a day)', ['--scenario', 'burst'], { label: 'all time', bounds: () => ({}) }, burstNames],
    ['bulk (40 000 runs over 7 days)', ['--scenario', 'bulk', '--records', '40000', '--days', '7'], last(7 * DAY, 'last 7 days', 7), bulkNames],
    ['bulk (40 000 runs over 7 days)', ['--scenario', 'bulk', '--records', '40000', '--days', '7'], last(DAY, 'last 24 h'), undefined],
  ];
  const results = [];
  for (const [label, args, range, names] of runs) {
    const result = await measure(label, args, range, names);
    results.push(result);
    for (const latency of ['0', '150']) {
      const r = result.latency[latency];
      process.stdout.write(
        `${label} · ${range.label} · ${latency} ms latency: ${r.ms} ms (samples ${r.samplesMs.join(', ')}), ${r.requests} requests in ${r.rounds} rounds, ${r.runsRead} runs read, ${r.udfs} UDFs` +
          `${r.unproven.length ? `, marked: ${r.unproven.map((w) => `${w.start} – ${w.end} (${w.reason}, ~${w.estimatedRuns} runs)`).join('; ')}` : ', proven complete'}` +
          `${r.documentedLoopMs !== undefined ? ` | documented loop: ${r.documentedLoopMs} ms, ${r.documentedLoopRequests} requests, ${r.documentedLoopUdfs} UDFs` : ''}\n`,
      );
    }
    for (const scan of result.fullScans) process.stdout.write(`  scan fully ${scan.window.start} – ${scan.window.end}: ${scan.ms} ms, ${scan.requests} requests, ${scan.runsRead} runs, still unproven: ${scan.stillUnproven}\n`);
  }
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(results, null, 2));
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
