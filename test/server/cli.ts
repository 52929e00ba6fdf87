// npm run server -- --port 0 [--records N] [--seed S] [--token T] [--data file.jsonl] [--now ISO] [--write-records FILE]
// Prints exactly "listening on http://127.0.0.1:<port>/v1" and then the token line on stdout
// (scripts parse the first line); everything else goes to stderr.

import { writeFileSync } from 'node:fs';
import { parseArgs as parseNodeArgs } from 'node:util';
import { parseIsoMicros } from './iso';
import { SCENARIO_NAMES, type ScenarioName } from './scenarios';
import { startFusedServer, type FusedServerOptions } from './server';

const USAGE = `usage: npm run server -- [--port P] [--records N] [--seed S] [--token T] [--data file.jsonl | --scenario burst|bulk [--days D]] [--now ISO] [--latency-ms L] [--huge-payload-bytes B] [--verbose]
  --port P                 port on 127.0.0.1 (default 8787; 0 picks a free one)
  --records N              generated records (default 2000)
  --seed S                 generator seed (default 42; a negative one as --seed=-5)
  --token T                the demo user's token (default fused-demo-token)
  --data file.jsonl        serve these records (one JSON record per line) instead of generated ones
  --scenario burst         a day of 6021 runs: 20 sparse, one rare UDF early, 6000 in the last 3 hours
  --scenario bulk          --records runs (default 40000) over the last --days days (default 7)
  --now ISO                generate data relative to this instant, e.g. 2025-04-01T00:00:00+00:00
  --latency-ms L           delay every API response by L ms (a latency fault that stays set)
  --huge-payload-bytes B   size of the one huge stderr record (default 10 MiB with >= 2000 records; 0 = none)
  --write-records FILE     write every record served to FILE as one JSON array (what the extension-host
                           tests read as FUSED_E2E_RECORDS_FILE when they run from VS Code's debugger)
  --verbose                log each request to stderr`;

class UsageError extends Error {}

/** Reads the command line with node:util parseArgs: unknown options and stray arguments are errors. */
interface CliOptions extends FusedServerOptions {
  verbose: boolean;
  writeRecords?: string;
  scenarioName?: ScenarioName;
  days?: number;
  latencyMs?: number;
}

function parseArgs(argv: string[]): CliOptions {
  let values: ReturnType<typeof readArgs>['values'];
  try {
    values = readArgs(argv).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const integer = (flag: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined => {
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new UsageError(`${flag} needs an integer from ${min} to ${max}, got ${value}`);
    }
    return Number(value);
  };
  const options: CliOptions = { port: integer('--port', values.port, 0, 65535) ?? 8787, verbose: values.verbose ?? false };
  if (values['write-records'] !== undefined) {
    if (!values['write-records']) throw new UsageError('--write-records needs a file path');
    options.writeRecords = values['write-records'];
  }
  const records = integer('--records', values.records, 0);
  if (records !== undefined) options.records = records;
  const seed = integer('--seed', values.seed, -2147483648, 2147483647);
  if (seed !== undefined) options.seed = seed;
  const huge = integer('--huge-payload-bytes', values['huge-payload-bytes'], 0);
  if (huge !== undefined) options.hugePayloadBytes = huge;
  if (values.token !== undefined) {
    if (!values.token || /\s/.test(values.token)) throw new UsageError('--token needs a non-empty token without spaces');
    options.token = values.token;
  }
  if (values.data !== undefined) {
    if (!values.data) throw new UsageError('--data needs a file path');
    options.dataFile = values.data;
  }
  if (values.now !== undefined) {
    const parsed = parseIsoMicros(values.now);
    if (!parsed.ok) throw new UsageError(`--now ${JSON.stringify(values.now)}: ${parsed.reason}`);
    options.now = new Date(Math.floor(parsed.micros / 1000));
  }
  if (values.scenario !== undefined) {
    if (!SCENARIO_NAMES.includes(values.scenario as ScenarioName)) throw new UsageError(`--scenario must be one of ${SCENARIO_NAMES.join(', ')}; got ${values.scenario || 'nothing'}`);
    options.scenarioName = values.scenario as ScenarioName;
  }
  const days = integer('--days', values.days, 1);
  if (days !== undefined) options.days = days;
  const latencyMs = integer('--latency-ms', values['latency-ms'], 0);
  if (latencyMs !== undefined) options.latencyMs = latencyMs;
  if (options.scenarioName && options.dataFile) throw new UsageError('--scenario and --data cannot be used together');
  if (options.days !== undefined && options.scenarioName !== 'bulk') throw new UsageError('--days applies to --scenario bulk only');
  return options;
}

function readArgs(args: string[]) {
  return parseNodeArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      records: { type: 'string' },
      seed: { type: 'string' },
      token: { type: 'string' },
      data: { type: 'string' },
      now: { type: 'string' },
      'huge-payload-bytes': { type: 'string' },
      'write-records': { type: 'string' },
      scenario: { type: 'string' },
      days: { type: 'string' },
      'latency-ms': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`fused test server: ${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    throw error;
  }
  const { verbose, writeRecords, scenarioName, days, latencyMs, ...serverOptions } = options;
  if (scenarioName) {
    serverOptions.scenario = { name: scenarioName, seed: serverOptions.seed, records: serverOptions.records, days };
  }
  if (verbose) {
    serverOptions.onRequest = (entry) => process.stderr.write(`${entry.method} ${entry.url} -> ${entry.status} (${entry.ms} ms)\n`);
  }
  const started = Date.now();
  const server = await startFusedServer(serverOptions);
  if (latencyMs) server.setFaults({ latencyMs });
  const demo = server.users.find((u) => u.token === server.token);
  if (writeRecords) writeFileSync(writeRecords, JSON.stringify(server.records));
  process.stdout.write(`listening on ${server.baseUrl}\n`);
  process.stdout.write(`token ${server.token} (${demo?.email ?? 'demo user'}, ${demo?.exec_env_id || 'no execution environment'})\n`);
  const from = serverOptions.dataFile ?? (scenarioName ? `the ${scenarioName} scenario` : `the generator (seed ${serverOptions.seed ?? 42})`);
  process.stderr.write(`serving ${server.records.length} records from ${from}${latencyMs ? ` with ${latencyMs} ms latency` : ''}; ready in ${Date.now() - started} ms\n`);
  process.stderr.write(`other tokens: ${server.users.filter((u) => u.token !== server.token).map((u) => `${u.token} (${u.email})`).join(', ')}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: closing\n`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`fused test server: ${(error as Error).message}\n`);
  process.exit(1);
});
