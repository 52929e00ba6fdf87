// Runs of one UDF for the insights panel's tests, benchmark and screenshots: many runs over a
// range (10,000 for the draw-time measurement), with a realistic mix of statuses, a duration
// that drifts slower over the range with a long tail, three users on three engines, and errors
// of four kinds whose messages vary in numbers, ids and paths (so grouping has work to do),
// one of them hostile text. Deterministic for a seed and `now`.

import type { AuditLogRecord } from '../../src/api/types';
import { formatIsoMicros, microsFromDate } from './iso';
import { SeededRandom } from './random';
import { demoUsers, type DemoUser } from './users';

export interface InsightsScenarioOptions {
  /** The UDF's name. Default `insights_demo`. */
  name?: string;
  count: number;
  /** The runs are spread over this long before `now`. */
  spanMs: number;
  now?: Date;
  seed?: number;
  /** Users who run it (keys of users.ts); the first runs most. Default ada, grace, linus. */
  users?: string[];
}

/** The exception lines of the failed runs; `{n}`, `{id}`, `{path}` vary per run. */
export const INSIGHTS_ERRORS = [
  "KeyError: 'lat'",
  'requests.exceptions.HTTPError: {n} Server Error: Service Unavailable for url: https://nominatim.example/search?q={n}',
  "rasterio.errors.RasterioIOError: '{path}' not recognized as a supported file format.",
  'ValueError: <script>alert("insights")</script> [quit](command:workbench.action.quit) tile {id}',
] as const;

export function insightsScenario(options: InsightsScenarioOptions): AuditLogRecord[] {
  const rng = new SeededRandom(options.seed ?? 13);
  const now = options.now ?? new Date();
  const name = options.name ?? 'insights_demo';
  const all = demoUsers();
  const users = (options.users ?? ['ada', 'grace', 'linus']).map((key) => all.find((u) => u.key === key)).filter((u): u is DemoUser => u !== undefined);
  if (users.length === 0) throw new Error('insightsScenario: no known user');
  const udfId = rng.uuid();
  const nowMicros = microsFromDate(now);
  const spanMicros = options.spanMs * 1000;
  const code = `@fused.udf\ndef udf(address: str = "1 Main St"):\n    import requests\n    row = requests.get("https://nominatim.example/search", params={"q": address}).json()[0]\n    lat = row['lat']\n    return lat\n`;
  const records: AuditLogRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    // Spread evenly with jitter, so every bucket of the range has runs.
    const position = (i + rng.next()) / options.count;
    const micros = Math.round(nowMicros - spanMicros + position * spanMicros) - 1_000_000;
    const user = users[rng.next() < 0.6 ? 0 : rng.int(0, users.length - 1)];
    const engine = rng.weighted([['realtime', 70], ['batch', 15], ['local', 15]] as const);
    const roll = rng.next();
    // Slower and flakier towards now: the panel has a trend to show.
    const failRate = 0.08 + 0.12 * position;
    const slow = 1 + position;
    let stderr: string | null = '';
    let time: number | null = Math.round(Math.exp(rng.float(Math.log(0.2), Math.log(8))) * slow * 1e6) / 1e6;
    if (rng.next() < 0.02) time = Math.round(rng.float(60, 400) * 1e6) / 1e6; // the long tail
    let cache = false;
    if (roll < failRate) {
      const template = INSIGHTS_ERRORS[rng.weighted([[0, 50], [1, 25], [2, 15], [3, 10]] as const)];
      const line = template
        .replace(/\{n\}/g, () => String(rng.int(500, 504)))
        .replace('{id}', () => rng.hex(12))
        .replace('{path}', () => `/vsis3/fused-users/tiles/${rng.int(1, 9999)}.tif`);
      stderr = `Traceback (most recent call last):\n  File "/opt/fused/runtime/executor.py", line 214, in run_udf\n    result = udf_fn(**parameters)\n  File "/tmp/udf_${rng.hex(8)}.py", line 5, in udf\n    lat = row['lat']\n${line}\n`;
      time = Math.round(time * 0.3 * 1e6) / 1e6;
    } else if (roll < failRate + 0.03) {
      stderr = null;
      time = null;
    } else if (roll < failRate + 0.3) {
      cache = true;
      time = Math.round(rng.float(0.004, 0.05) * 1e6) / 1e6;
    }
    records.push({
      id: rng.uuid(),
      timestamp: formatIsoMicros(micros),
      exec_env_id: user.exec_env_id,
      user_id: user.user_id,
      user_email: user.email,
      udf_id: udfId,
      udf_name: name,
      execution_engine: cache ? 'realtime' : engine,
      execution_time: time,
      cache,
      stdout: cache ? '' : `geocoded 1 address\n`,
      stderr,
      udf_data: code,
      shared_token: null,
      client_ip: engine === 'local' ? null : '203.0.113.7',
    });
  }
  return records;
}
