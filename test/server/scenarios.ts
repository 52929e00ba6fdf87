// Load scenarios for the scan cap of distinct queries, generated fast (40 000 runs in well under
// a second) with records of realistic size (~1.5–2 KB: serialized UDF code, stdout, tracebacks).
//
// - burst: a day of 6 021 runs of the demo user: 20 sparse runs over the day, one run of a rare
//   UDF early in it (`rare_census_audit`), then 6 000 runs of three app-driven UDFs in the last
//   three hours. A distinct query (newest first, at most 5 000 runs) misses the rare UDF and
//   says nothing.
// - bulk: `records` runs (default 40 000) spread evenly at random over the last `days` (default
//   7) days over 30 UDFs, plus 5 rare UDFs with one run each at random instants.
// Same options => identical records.

import type { AuditLogRecord } from '../../src/api/types';
import { formatIsoMicros, microsFromDate } from './iso';
import { SeededRandom } from './random';
import { demoUsers, type DemoUser } from './users';

export type ScenarioName = 'burst' | 'bulk';
export const SCENARIO_NAMES: readonly ScenarioName[] = ['burst', 'bulk'];

export interface ScenarioOptions {
  name: ScenarioName;
  /** Runs are placed relative to this instant (default: now). */
  now?: Date;
  seed?: number;
  /** bulk: how many runs (default 40 000). */
  records?: number;
  /** bulk: over how many days before `now` (default 7). */
  days?: number;
  demoToken?: string;
}

export interface ScenarioData {
  records: AuditLogRecord[];
  users: DemoUser[];
  /** UDF names that ran exactly once (the ones a capped distinct scan misses). */
  rareNames: string[];
}

/** The burst's rare UDF: one run, 22 hours before `now`. */
export const BURST_RARE_NAME = 'rare_census_audit';
export const BURST_COUNTS = { sparse: 20, rare: 1, burst: 6000 } as const;

const MICROS_PER_MINUTE = 60_000_000;
const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

const CODE_LINES = [
  '@fused.udf',
  'def udf(bbox: fused.types.TileGDF = None, resolution: int = 9, year: int = 2024):',
  '    """{{NAME}}: aggregate the source layer to H3 cells inside the tile."""',
  '    import geopandas as gpd',
  '    import h3',
  '    import pandas as pd',
  '    from utils import load_layer, to_cells',
  '    gdf = load_layer("s3://fused-public/{{NAME}}/{year}.parquet".format(year=year), bbox=bbox)',
  '    if gdf.empty:',
  '        return gpd.GeoDataFrame(columns=["cell", "value", "geometry"])',
  '    cells = to_cells(gdf, resolution=resolution)',
  '    stats = cells.groupby("cell").agg(value=("value", "mean"), count=("value", "size")).reset_index()',
  '    stats["geometry"] = stats["cell"].map(lambda c: h3.cell_to_boundary(c, geo_json=True))',
  '    return gpd.GeoDataFrame(stats, geometry="geometry", crs="EPSG:4326")',
];

interface ScenarioUdf {
  name: string;
  udf_id: string;
  /** The serialized UDF without its parameters (the same for every run). */
  head: string;
}

/** A version-4 shaped UUID from four draws (SeededRandom.uuid draws 34 and is the slow part here). */
function fastUuid(rng: SeededRandom): string {
  const word = () => Math.floor(rng.next() * 4294967296).toString(16).padStart(8, '0');
  const a = word();
  const b = word();
  const c = word();
  const d = word();
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${'89ab'[parseInt(c[0], 16) & 3]}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

function makeUdf(rng: SeededRandom, name: string): ScenarioUdf {
  const code = CODE_LINES.map((line) => line.replaceAll('{{NAME}}', name)).join('\n') + '\n';
  const head = JSON.stringify({ type: 'geopandas_v2', name, entrypoint: 'udf', code, headers: [], metadata: { 'fused:description': `${name} (scenario data)` } }).slice(0, -1);
  return { name, udf_id: fastUuid(rng), head };
}

class RunFactory {
  private readonly ips: string[];

  constructor(
    private readonly rng: SeededRandom,
    private readonly user: DemoUser,
  ) {
    this.ips = [`203.0.113.${rng.int(2, 254)}`, `198.51.100.${rng.int(2, 254)}`];
  }

  run(udf: ScenarioUdf, micros: number): AuditLogRecord {
    const rng = this.rng;
    const roll = rng.next();
    const cached = roll < 0.25;
    const failed = !cached && roll < 0.3;
    const incomplete = !cached && !failed && roll < 0.31;
    const x = rng.int(0, 4095);
    const y = rng.int(0, 4095);
    const parameters = `,"parameters":{"bbox":{"x":${x},"y":${y},"z":12},"resolution":${rng.int(7, 10)},"year":${rng.int(2019, 2025)}}}`;
    const tiles = rng.int(1, 64);
    return {
      id: fastUuid(rng),
      timestamp: formatIsoMicros(micros),
      exec_env_id: this.user.exec_env_id,
      user_id: this.user.user_id,
      user_email: this.user.email,
      udf_id: udf.udf_id,
      udf_name: udf.name,
      execution_engine: 'realtime',
      execution_time: incomplete ? null : cached ? Math.round(rng.float(0.01, 0.09) * 1e6) / 1e6 : Math.round(rng.float(0.3, 9) * 1e6) / 1e6,
      cache: cached,
      stdout: cached || incomplete ? '' : `Loaded ${tiles * 37} features from ${tiles} tile(s)\nWrote ${tiles * 12} H3 cells\n`,
      stderr: failed
        ? `Traceback (most recent call last):\n  File "/mount/udf/${udf.name}.py", line 11, in udf\n    cells = to_cells(gdf, resolution=resolution)\n  File "/mount/udf/utils.py", line 42, in to_cells\n    raise ValueError(f"no geometry column in layer for tile {x},{y}")\nValueError: no geometry column in layer for tile ${x},${y}\n`
        : incomplete
          ? null
          : '',
      udf_data: udf.head + parameters,
      shared_token: null,
      client_ip: rng.pick(this.ips),
    };
  }
}

function byTimeThenId(a: AuditLogRecord, b: AuditLogRecord): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function generateScenario(options: ScenarioOptions): ScenarioData {
  const rng = new SeededRandom(options.seed ?? 12);
  const now = options.now ?? new Date();
  if (Number.isNaN(now.getTime())) throw new Error('now is not a valid date');
  const nowMicros = microsFromDate(now);
  const users = demoUsers(options.demoToken);
  const factory = new RunFactory(rng, users[0]);
  const records: AuditLogRecord[] = [];
  let rareNames: string[];

  if (options.name === 'burst') {
    const sparseUdfs = ['tile_stats', 'zonal_mean', 'ndvi_timeseries', 'parcel_join', 'flood_depth'].map((name) => makeUdf(rng, name));
    const burstUdfs = ['app_tiles', 'app_search', 'app_geocode'].map((name) => makeUdf(rng, name));
    const rare = makeUdf(rng, BURST_RARE_NAME);
    // 20 sparse runs between 23.5 h and 4 h ago, evenly, with a little jitter.
    for (let i = 0; i < BURST_COUNTS.sparse; i++) {
      const ageHours = 23.5 - (i * 19.5) / (BURST_COUNTS.sparse - 1);
      records.push(factory.run(sparseUdfs[i % sparseUdfs.length], Math.round(nowMicros - ageHours * MICROS_PER_HOUR + rng.int(0, 59) * 1_000_000)));
    }
    records.push(factory.run(rare, nowMicros - 22 * MICROS_PER_HOUR));
    // 6 000 runs in the last three hours (ending a minute ago), as an app calling its UDFs.
    const span = 3 * MICROS_PER_HOUR - MICROS_PER_MINUTE;
    for (let i = 0; i < BURST_COUNTS.burst; i++) {
      records.push(factory.run(burstUdfs[rng.int(0, burstUdfs.length - 1)], nowMicros - MICROS_PER_MINUTE - rng.int(0, span)));
    }
    rareNames = [BURST_RARE_NAME];
  } else {
    const count = options.records ?? 40_000;
    const days = options.days ?? 7;
    if (!Number.isInteger(count) || count < 0) throw new Error(`records must be a non-negative integer, got ${String(count)}`);
    if (!(days > 0)) throw new Error(`days must be positive, got ${String(days)}`);
    const span = Math.floor(days * MICROS_PER_DAY) - MICROS_PER_MINUTE;
    const common = Array.from({ length: 30 }, (_, i) => makeUdf(rng, `bulk_udf_${String(i + 1).padStart(2, '0')}`));
    const rare = Array.from({ length: 5 }, (_, i) => makeUdf(rng, `bulk_rare_${i + 1}`));
    // Popularity falls off like real usage: a few UDFs make most runs.
    const weights = common.map((udf, i) => [udf, 1 / (i + 1)] as const);
    for (let i = 0; i < count; i++) records.push(factory.run(rng.weighted(weights), nowMicros - MICROS_PER_MINUTE - rng.int(0, span)));
    for (const udf of rare) records.push(factory.run(udf, nowMicros - MICROS_PER_MINUTE - rng.int(0, span)));
    rareNames = rare.map((udf) => udf.name);
  }
  records.sort(byTimeThenId);
  return { records, users, rareNames };
}
