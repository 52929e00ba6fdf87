#!/usr/bin/env node
// Measures the proven UDF list on the load scenarios of the local server: for the tree's root
// (src/views/rootLoader.ts, the code the view runs) and, over whole days, Recently Used UDFs and
// Failing UDFs: requests, runs read, wall time at 0 and 150 ms injected latency, and what is
// shown (proven complete, or which windows are marked and why; for Failing UDFs which day
// windows were cut at 5000 runs). For comparison it also times the documented recipe (one
// distinct query per day window, sequentially) and a full scan of each window the tree marked. The server runs as its own process (test/server/cli.js), so client and
// server do not share an event loop; latency is the server's latencyMs fault.
//
//   npm run bench:completeness [-- --samples 3] [--json out.json] [--only 'bulk']
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
const { dayWindows, recentlyUsedUdfs, failingUdfsReport } = require(path.join(OUT, 'src/api/recipes.js'));
const { loadRootListing } = require(path.join(OUT, 'src/views/rootLoader.js'));

const argAt = (flag) => process.argv.indexOf(flag);
const samples = argAt('--samples') > 0 ? Number(process.argv[argAt('--samples') + 1]) : 3;
const jsonOut = argAt('--json') > 0 ? process.argv[argAt('--json') + 1] : undefined;

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
  return { names: [...names.keys()], requests: dayWindows({ now, days }).length };
}

const describeWindows = (windows) => windows.map((w) => ({ start: w.start, end: w.end, ...(w.reason ? { reason: w.reason } : {}), ...(w.estimatedRuns ? { estimatedRuns: w.estimatedRuns } : {}) }));

/**
 * What is measured on each range: the tree's root (loadRootListing, scope Mine, grouped by
 * name, the preset's open-ended range, the default budget) and, for ranges of whole days, the
 * two recipes (Recently Used UDFs, Failing UDFs) and the documented distinct loop. Each returns
 * { requests, udfs, names, marked, extra }; requests are checked against the server's count.
 */
function subjectsFor(range) {
  const subjects = [
    {
      what: 'tree root',
      run: async (client, now) => {
        const listing = await loadRootListing(client, { scope: 'mine', groupBy: 'names', range: { kind: 'preset', preset: range.preset } }, now, { budget: DEFAULT_PROOF_BUDGET });
        return { requests: listing.requests, runsRead: listing.runsRead, names: listing.entries.map((e) => e.key), marked: describeWindows(listing.unproven) };
      },
    },
  ];
  if (!range.days) return subjects;
  subjects.push(
    {
      what: 'Recently Used UDFs',
      run: async (client, now) => {
        const result = await recentlyUsedUdfs(client, { distinctType: 'names', days: range.days, now });
        return { requests: result.requests, runsRead: result.runsRead, names: result.records.map((r) => r.udf_name), marked: describeWindows(result.cappedWindows) };
      },
    },
    {
      what: 'Failing UDFs',
      run: async (client, now) => {
        const report = await failingUdfsReport(client, { days: range.days, now });
        return { requests: undefined, runsRead: report.scannedRuns, names: report.summaries.map((s) => s.udf_name), marked: describeWindows(report.truncatedWindows), failingUdfs: report.summaries.length };
      },
    },
    {
      what: 'documented distinct loop (sequential, no proof)',
      run: async (client, now) => {
        const loop = await documentedLoop(client, now, range.days);
        return { requests: loop.requests, names: loop.names, marked: [] };
      },
    },
  );
  return subjects;
}

async function measure(label, serverArgs, range, expectedNames) {
  const server = await startServer(serverArgs);
  const client = clientFor(server);
  const result = { label, range: range.label, subjects: [] };
  try {
    for (const subject of subjectsFor(range)) {
      const entry = { what: subject.what, latency: {} };
      for (const latencyMs of [0, 150]) {
        if (latencyMs) await server.admin('POST', '/__admin/faults', { latencyMs });
        else await server.admin('DELETE', '/__admin/faults');
        const times = [];
        let last;
        let serverRequests;
        for (let i = 0; i < samples; i++) {
          await server.admin('POST', '/__admin/stats/reset');
          const started = performance.now();
          last = await subject.run(client, new Date());
          times.push(performance.now() - started);
          serverRequests = (await server.admin('GET', '/__admin/stats')).requests;
          if (last.requests !== undefined && serverRequests !== last.requests) throw new Error(`${subject.what}: client counted ${last.requests} requests, server ${serverRequests}`);
        }
        entry.latency[latencyMs] = {
          ms: Math.round(median(times)),
          samplesMs: times.map(Math.round),
          requests: serverRequests,
          ...(last.runsRead !== undefined ? { runsRead: last.runsRead } : {}),
          udfs: last.names.length,
          ...(last.failingUdfs !== undefined ? { failingUdfs: last.failingUdfs } : {}),
          ...(expectedNames && subject.what !== 'Failing UDFs' ? { missing: expectedNames.filter((n) => !last.names.includes(n)) } : {}),
          marked: last.marked,
        };
      }
      result.subjects.push(entry);
    }
    // A full scan of each window the tree marked (what "Scan Window Fully" costs), at 0 ms latency.
    await server.admin('DELETE', '/__admin/faults');
    const scans = [];
    for (const window of result.subjects[0].latency[0].marked) {
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

function describeMarks(subject, marked) {
  if (!marked.length) return subject === 'Failing UDFs' ? 'no window cut' : subject.startsWith('documented') ? 'says nothing about the cap' : 'proven complete';
  const what = subject === 'Failing UDFs' ? 'cut at 5000 runs' : 'marked';
  return `${what}: ${marked.map((w) => `${w.start} – ${w.end}${w.reason ? ` (${w.reason}${w.estimatedRuns ? `, ~${w.estimatedRuns} runs` : ''})` : ''}`).join('; ')}`;
}

async function main() {
  const burstNames = ['app_geocode', 'app_search', 'app_tiles', 'flood_depth', 'ndvi_timeseries', 'parcel_join', 'rare_census_audit', 'tile_stats', 'zonal_mean'];
  const bulkNames = [...Array.from({ length: 30 }, (_, i) => `bulk_udf_${String(i + 1).padStart(2, '0')}`), ...Array.from({ length: 5 }, (_, i) => `bulk_rare_${i + 1}`)];
  const preset = (preset, label, days) => ({ preset, label, days });
  const burst = ['burst (6 021 runs in a day)', ['--scenario', 'burst']];
  const bulk = ['bulk (40 000 runs over 7 days)', ['--scenario', 'bulk', '--records', '40000', '--days', '7']];
  const runs = [
    [...burst, preset('day', 'last 24 h', 1), burstNames],
    [...burst, preset('week', 'last 7 days', 7), burstNames],
    [...burst, preset('all', 'all time'), burstNames],
    [...bulk, preset('week', 'last 7 days', 7), bulkNames],
    [...bulk, preset('day', 'last 24 h', 1), undefined],
  ];
  const only = argAt('--only') > 0 ? process.argv[argAt('--only') + 1] : undefined;
  const results = [];
  for (const [label, args, range, names] of runs) {
    if (only && !`${label} ${range.label}`.includes(only)) continue;
    const result = await measure(label, args, range, names);
    results.push(result);
    for (const subject of result.subjects) {
      for (const latency of ['0', '150']) {
        const r = subject.latency[latency];
        process.stdout.write(
          `${label} · ${range.label} · ${subject.what} · ${latency} ms latency: ${r.ms} ms (samples ${r.samplesMs.join(', ')}), ${r.requests} requests` +
            `${r.runsRead !== undefined ? `, ${r.runsRead} runs read` : ''}, ${r.failingUdfs !== undefined ? `${r.failingUdfs} failing UDFs` : `${r.udfs} UDFs`}` +
            `${r.missing ? (r.missing.length ? ` (missing ${r.missing.join(', ')})` : ' (none missing)') : ''}, ${describeMarks(subject.what, r.marked)}\n`,
        );
      }
    }
    for (const scan of result.fullScans) process.stdout.write(`  scan fully ${scan.window.start} – ${scan.window.end}: ${scan.ms} ms, ${scan.requests} requests, ${scan.runsRead} runs, still unproven: ${scan.stillUnproven}\n`);
  }
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(results, null, 2));
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
