// npm run server -- --port 0 [--records N] [--seed S] [--token T] [--data file.jsonl] [--now ISO]
// Prints exactly "listening on http://127.0.0.1:<port>/v1" and then the token line on stdout
// (scripts parse the first line); everything else goes to stderr.

import { parseIsoMicros } from './iso';
import { startFusedServer, type FusedServerOptions } from './server';

const USAGE = `usage: npm run server -- [--port P] [--records N] [--seed S] [--token T] [--data file.jsonl] [--now ISO] [--huge-payload-bytes B] [--verbose]
  --port P                 port on 127.0.0.1 (default 8787; 0 picks a free one)
  --records N              generated records (default 2000)
  --seed S                 generator seed (default 42)
  --token T                the demo user's token (default fused-demo-token)
  --data file.jsonl        serve these records (one JSON record per line) instead of generated ones
  --now ISO                generate data relative to this instant, e.g. 2025-04-01T00:00:00+00:00
  --huge-payload-bytes B   size of the one huge stderr record (default 10 MiB with >= 2000 records; 0 = none)
  --verbose                log each request to stderr`;

class UsageError extends Error {}

function parseArgs(argv: string[]): FusedServerOptions & { verbose: boolean } {
  const options: FusedServerOptions & { verbose: boolean } = { port: 8787, verbose: false };
  const integer = (flag: string, value: string | undefined, min: number): number => {
    if (value === undefined || !/^-?\d+$/.test(value) || Number(value) < min) throw new UsageError(`${flag} needs an integer >= ${min}, got ${value ?? 'nothing'}`);
    return Number(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--port': {
        options.port = integer(flag, value(), 0);
        if (options.port > 65535) throw new UsageError('--port must be at most 65535');
        break;
      }
      case '--records':
        options.records = integer(flag, value(), 0);
        break;
      case '--seed':
        options.seed = integer(flag, value(), -2147483648);
        break;
      case '--huge-payload-bytes':
        options.hugePayloadBytes = integer(flag, value(), 0);
        break;
      case '--token': {
        const token = value();
        if (!token || /\s/.test(token)) throw new UsageError('--token needs a non-empty token without spaces');
        options.token = token;
        break;
      }
      case '--data': {
        const file = value();
        if (!file) throw new UsageError('--data needs a file path');
        options.dataFile = file;
        break;
      }
      case '--now': {
        const text = value() ?? '';
        const parsed = parseIsoMicros(text);
        if (!parsed.ok) throw new UsageError(`--now ${JSON.stringify(text)}: ${parsed.reason}`);
        options.now = new Date(Math.floor(parsed.micros / 1000));
        break;
      }
      case '--verbose':
        options.verbose = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  return options;
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
  const { verbose, ...serverOptions } = options;
  if (verbose) {
    serverOptions.onRequest = (entry) => process.stderr.write(`${entry.method} ${entry.url} -> ${entry.status} (${entry.ms} ms)\n`);
  }
  const started = Date.now();
  const server = await startFusedServer(serverOptions);
  const demo = server.users.find((u) => u.token === server.token);
  process.stdout.write(`listening on ${server.baseUrl}\n`);
  process.stdout.write(`token ${server.token} (${demo?.email ?? 'demo user'}, ${demo?.exec_env_id || 'no execution environment'})\n`);
  process.stderr.write(`serving ${server.records.length} records from ${serverOptions.dataFile ?? `the generator (seed ${serverOptions.seed ?? 42})`}; ready in ${Date.now() - started} ms\n`);
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
