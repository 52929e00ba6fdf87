// Deterministic, realistic demo audit-log records, relative to `now`.
// Same seed + same now + same options => byte-identical records.
//
// What the data contains (so the UI, tests and the demo have something real to show):
// - runs spread over the last 30 days, denser in recent days, by 6 users in two execution
//   environments (see users.ts); Emmy has no runs at all;
// - 36 UDFs (udfCatalog.ts) whose code evolves over time (2-3 versions), one name
//   (`census_join`) used by two different udf_ids; two UDFs not run in the last 10 days;
// - shared-link runs (`fsh_…` tokens), engines realtime/batch/local, cache hits;
// - Python tracebacks whose frames point at the real line of the UDF code in udf_data;
//   successful runs that still wrote to stderr (warnings, tqdm progress bars);
// - incomplete runs (execution_time null) and infrastructure failures (null time, empty stderr);
// - udf_data both as the SDK's serialized UDF JSON and as plain Python code;
// - "special" records of the demo user for tests and the demo (see SPECIAL_RECORD_COUNT and
//   demoFixtures): hostile text (HTML/script, markdown command links, ANSI, control and bidi
//   characters), Unicode, payloads over 100 KB, an optional ~10 MB stderr, sparse records,
//   two runs with the same timestamp, a hostile user_email and execution_engine.

import type { AuditLogRecord } from '../../src/api/types';
import { formatIsoMicros, microsFromDate } from './iso';
import { SeededRandom } from './random';
import { TEMPLATES, UDF_SPECS, type FailureMode, type UdfSpec, type UdfTemplate } from './udfCatalog';
import { demoUsers, ENV_MERCATOR, USER_RUN_WEIGHTS, type DemoUser } from './users';

export const DEFAULT_RECORDS = 2000;
export const DEFAULT_SEED = 42;
/** Size of the one huge stderr that the default data set carries. */
export const HUGE_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface GenerateOptions {
  records?: number;
  seed?: number;
  /** Records are spread over the 30 days before this instant. Default: the real now. */
  now?: Date;
  /**
   * Size of one extra-large stderr record. Default: HUGE_PAYLOAD_BYTES when `records` is at
   * least DEFAULT_RECORDS, else 0 (none), so small unit-test data sets stay fast.
   */
  hugePayloadBytes?: number;
  /** Token of the demo user (only affects `users`, not the records). */
  demoToken?: string;
}

export interface GeneratedData {
  records: AuditLogRecord[];
  users: DemoUser[];
}

const MICROS_PER_MINUTE = 60_000_000;
const MICROS_PER_DAY = 24 * 60 * MICROS_PER_MINUTE;
const SPAN_DAYS = 30;
/** UDFs whose runs are all older than 10 days (so "recently used" recipes must leave them out). */
const DORMANT_UDFS = new Set(['contour_lines', 'noise_map']);

interface UdfVersion {
  sinceMicros: number;
  code: string[];
  headers: { module_name: string; source_file: string; lines: string[] }[];
}

interface DemoUdf {
  spec: UdfSpec;
  template: UdfTemplate;
  udf_id: string;
  owner: DemoUser;
  sharedToken: string | null;
  versions: UdfVersion[];
}

type Outcome = 'ok' | 'cached' | 'failed' | 'warning' | 'incomplete' | 'infra';

export function generateRecords(options: GenerateOptions = {}): GeneratedData {
  const recordCount = options.records ?? DEFAULT_RECORDS;
  if (!Number.isInteger(recordCount) || recordCount < 0) {
    throw new Error(`records must be a non-negative integer, got ${String(options.records)}`);
  }
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${String(options.seed)}`);
  const now = options.now ?? new Date();
  if (Number.isNaN(now.getTime())) throw new Error('now is not a valid date');
  const hugeBytes = options.hugePayloadBytes ?? (recordCount >= DEFAULT_RECORDS ? HUGE_PAYLOAD_BYTES : 0);

  const rng = new SeededRandom(seed);
  const users = demoUsers(options.demoToken);
  const nowMicros = microsFromDate(now);
  const udfs = buildUdfs(rng, users, nowMicros);
  const userIps = new Map(users.map((u) => [u.key, [`203.0.113.${rng.int(2, 254)}`, `2001:db8:${rng.hex(4)}::${rng.hex(2)}`]]));

  const context: RunContext = { rng, nowMicros, udfs, userIps };
  const specials = buildSpecialRecords(context, users, hugeBytes).slice(0, recordCount);
  const records: AuditLogRecord[] = [];
  let specialIndex = 0;
  for (const group of specials) {
    if (specialIndex + group.length > recordCount) break;
    records.push(...group);
    specialIndex += group.length;
  }

  const weightedUsers = users.filter((u) => USER_RUN_WEIGHTS[u.key] > 0).map((u) => [u, USER_RUN_WEIGHTS[u.key]] as const);
  // Users mostly run their own UDFs, sometimes their teammates' (never another team's).
  const candidatesByUser = new Map(
    users.map((user) => [
      user.key,
      udfs.filter((udf) => udf.owner.exec_env_id === user.exec_env_id).map((udf) => [udf, udf.spec.popularity * (udf.owner.key === user.key ? 6 : 1)] as const),
    ]),
  );
  while (records.length < recordCount) {
    const user = rng.weighted(weightedUsers);
    const udf = rng.weighted(candidatesByUser.get(user.key) ?? []);
    const micros = randomRunTime(rng, nowMicros, DORMANT_UDFS.has(udf.spec.name));
    records.push(makeRun(context, udf, user, micros, pickOutcome(rng, udf)));
  }

  records.sort(compareRecords);
  return { records, users };
}

/** Order of the server's index: timestamp, then id. */
export function compareRecords(a: AuditLogRecord, b: AuditLogRecord): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

interface RunContext {
  rng: SeededRandom;
  nowMicros: number;
  udfs: DemoUdf[];
  userIps: Map<string, string[]>;
}

function buildUdfs(rng: SeededRandom, users: DemoUser[], nowMicros: number): DemoUdf[] {
  return UDF_SPECS.map((spec) => {
    const owner = users.find((u) => u.key === spec.owner);
    if (!owner) throw new Error(`UDF ${spec.name} has unknown owner ${spec.owner}`);
    const template = TEMPLATES[spec.template];
    const v1 = template.code.map((line) => line.replace('{{DESC}}', spec.description));
    // v2 adds a debug print after the docstring (shifting later line numbers by one, so
    // tracebacks of different versions point at different lines); v3 changes a default.
    const v2 = [...v1.slice(0, 3), `    print(f"${spec.name}: {locals()}")`, ...v1.slice(3)];
    const v3 = v2.map((line, index) => (index === 1 ? line.replace(template.laterDefault[0], template.laterDefault[1]) : line));
    const headers = template.headers;
    const versions: UdfVersion[] = [{ sinceMicros: 0, code: v1, headers }];
    const dormant = DORMANT_UDFS.has(spec.name);
    const v2Since = nowMicros - (dormant ? rng.float(14, 22) : rng.float(8, 22)) * MICROS_PER_DAY;
    versions.push({ sinceMicros: Math.round(v2Since), code: v2, headers });
    if (!dormant && rng.chance(0.6)) {
      versions.push({ sinceMicros: Math.round(nowMicros - rng.float(1, 6) * MICROS_PER_DAY), code: v3, headers });
    }
    return {
      spec,
      template,
      udf_id: rng.uuid(),
      owner,
      sharedToken: spec.shared ? `fsh_${rng.alnum(22)}` : null,
      versions,
    };
  });
}

function randomRunTime(rng: SeededRandom, nowMicros: number, dormant: boolean): number {
  // Squaring a uniform variable puts more runs in recent days, as real usage does.
  const u = rng.next();
  const ageDays = dormant ? 10 + u * (SPAN_DAYS - 10) : 0.01 + u * u * (SPAN_DAYS - 0.01);
  return Math.round(nowMicros - ageDays * MICROS_PER_DAY);
}

function pickOutcome(rng: SeededRandom, udf: DemoUdf): Outcome {
  const roll = rng.next();
  const failure = udf.spec.failureRate;
  if (roll < failure) return 'failed';
  if (roll < failure + 0.02) return 'incomplete';
  if (roll < failure + 0.035) return 'infra';
  if (roll < failure + 0.06) return 'warning';
  if (roll < failure + 0.3) return 'cached';
  return 'ok';
}

function versionAt(udf: DemoUdf, micros: number): UdfVersion {
  let chosen = udf.versions[0];
  for (const version of udf.versions) if (version.sinceMicros <= micros) chosen = version;
  return chosen;
}

/** The serialized UDF up to (not including) its parameters, per version and description. */
const serializedPrefixes = new WeakMap<UdfVersion, Map<string, string>>();

function serializeUdf(udf: DemoUdf, version: UdfVersion, parameters: Record<string, unknown>, description = udf.spec.description): string {
  // The shape of the Fused SDK's serialized UDF (GeoPandasUdfV2 model). Everything but the
  // run's parameters is the same for every run of a version, so it is serialised once.
  let byDescription = serializedPrefixes.get(version);
  if (!byDescription) serializedPrefixes.set(version, (byDescription = new Map()));
  const cacheKey = `${udf.spec.name}\u0000${description}`;
  let prefix = byDescription.get(cacheKey);
  if (prefix === undefined) {
    const head = JSON.stringify({
      type: 'geopandas_v2',
      name: udf.spec.name,
      entrypoint: 'udf',
      code: version.code.join('\n') + '\n',
      headers: version.headers.map((h) => ({ module_name: h.module_name, source_file: h.source_file, source_code: h.lines.join('\n') + '\n' })),
      metadata: { 'fused:description': description, 'fused:udfType': 'auto', 'fused:slug': udf.spec.name },
    });
    prefix = `${head.slice(0, -1)},"parameters":`;
    byDescription.set(cacheKey, prefix);
  }
  return `${prefix}${JSON.stringify(parameters)},"table_schema":null}`;
}

function plainCode(version: UdfVersion): string {
  return version.code.join('\n') + '\n';
}

export function formatTraceback(version: UdfVersion, failure: FailureMode, runHex: string): string {
  const lines: string[] = [];
  if (failure.preamble) lines.push(...failure.preamble.replace(/\n$/, '').split('\n'));
  lines.push('Traceback (most recent call last):');
  lines.push('  File "/opt/fused/runtime/executor.py", line 214, in run_udf', '    result = udf_fn(**parameters)');
  const index = version.code.findIndex((line) => line.includes(failure.at));
  if (index < 0) throw new Error(`failure line not found in UDF code: ${failure.at}`);
  lines.push(`  File "/tmp/udf_${runHex}.py", line ${index + 1}, in udf`, `    ${version.code[index].trim()}`);
  if (failure.inHeader) {
    const [moduleName, at, functionName] = failure.inHeader;
    const header = version.headers.find((h) => h.module_name === moduleName);
    const headerIndex = header ? header.lines.findIndex((line) => line.includes(at)) : -1;
    if (!header || headerIndex < 0) throw new Error(`failure line not found in header ${moduleName}: ${at}`);
    lines.push(
      `  File "/tmp/udf_${runHex}_headers/${header.source_file}", line ${headerIndex + 1}, in ${functionName}`,
      `    ${header.lines[headerIndex].trim()}`,
    );
  }
  lines.push(...failure.libraryFrames, failure.error);
  return lines.join('\n') + '\n';
}

function warningText(rng: SeededRandom, udf: DemoUdf): string {
  if (udf.spec.template === 'ml') {
    // tqdm writes progress bars to stderr with carriage returns.
    const total = rng.int(20, 60);
    const steps = [0, Math.floor(total / 2), total].map(
      (done) => `Predicting: ${String(Math.round((done / total) * 100)).padStart(3)}%|${'█'.repeat(Math.round((done / total) * 10)).padEnd(10)}| ${done}/${total} [00:0${Math.min(9, done)}<00:00, 7.21it/s]`,
    );
    return steps.join('\r') + '\n';
  }
  return rng.pick([
    "/usr/local/lib/python3.11/site-packages/geopandas/geoseries.py:751: UserWarning: Geometry is in a geographic CRS. Results from 'area' are likely incorrect.\n  warnings.warn(\n",
    '/usr/local/lib/python3.11/site-packages/pyogrio/raw.py:196: RuntimeWarning: driver GPKG does not support open option MAX_FEATURES\n  return ogr_read(\n',
    "/usr/local/lib/python3.11/site-packages/pandas/core/frame.py:706: FutureWarning: Passing a BlockManager to DataFrame is deprecated\n",
  ]);
}

/** How Python prints a dict of simple values (the v2 debug line prints `locals()`). */
function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `'${k}': ${pythonRepr(v)}`).join(', ')}}`;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function executionTime(rng: SeededRandom, engine: string, cached: boolean): number {
  if (cached) return round6(rng.float(0.004, 0.09));
  if (engine === 'batch') return round6(rng.float(20, 1800));
  if (engine === 'local') return round6(rng.float(0.1, 90));
  return round6(Math.exp(rng.float(Math.log(0.3), Math.log(25))));
}

function makeRun(context: RunContext, udf: DemoUdf, user: DemoUser, micros: number, outcome: Outcome): AuditLogRecord {
  const { rng } = context;
  const version = versionAt(udf, micros);
  const parameters = udf.template.parameters(rng);
  const viaSharedLink = udf.sharedToken !== null && rng.chance(0.35);
  // Shared-link runs execute on behalf of the UDF's owner; the caller is someone on the web.
  const runner = viaSharedLink ? udf.owner : user;
  const engine = outcome === 'cached' || viaSharedLink ? 'realtime' : rng.weighted([['realtime', 72], ['batch', 14], ['local', 14]] as const);
  const runHex = rng.hex(8);
  let stdout: string | null = udf.template.stdout(rng);
  if (version.code[3]?.includes('print(f"')) stdout = `${udf.spec.name}: ${pythonRepr(parameters)}\n${stdout}`;
  let stderr: string | null = '';
  let time: number | null = executionTime(rng, engine, outcome === 'cached');
  switch (outcome) {
    case 'cached':
      stdout = '';
      break;
    case 'failed': {
      const failure = rng.pick(udf.template.failures);
      stderr = formatTraceback(version, failure, runHex);
      stdout = rng.chance(0.5) ? '' : stdout;
      time = round6((time ?? 1) * rng.float(0.05, 0.9));
      break;
    }
    case 'warning':
      stderr = warningText(rng, udf);
      break;
    case 'incomplete':
      stdout = `Loading tiles 1/${rng.int(8, 64)}\n`;
      stderr = null;
      time = null;
      break;
    case 'infra':
      stdout = '';
      stderr = '';
      time = null;
      break;
    case 'ok':
      break;
  }
  const ips = context.userIps.get(runner.key) ?? [];
  return {
    id: rng.uuid(),
    timestamp: formatIsoMicros(micros),
    exec_env_id: runner.exec_env_id,
    user_id: runner.user_id,
    user_email: runner.email,
    udf_id: udf.udf_id,
    udf_name: udf.spec.name,
    execution_engine: engine,
    execution_time: time,
    cache: outcome === 'cached',
    stdout,
    stderr,
    udf_data: udf.spec.json ? serializeUdf(udf, version, parameters) : plainCode(version),
    shared_token: viaSharedLink ? udf.sharedToken : null,
    client_ip: viaSharedLink ? `198.51.100.${rng.int(1, 254)}` : engine === 'local' ? null : rng.pick(ips),
  };
}

// ---------------------------------------------------------------------------------------
// Special records of the demo user. Each is placed in the last day, at a fixed offset.

export const HOSTILE_STDOUT = [
  'Report ready: <script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[click](command:workbench.action.quit) and [docs](https://example.com/?q=<b>bold</b>)',
  '![tracker](https://attacker.example/pixel.png) <a href="javascript:alert(1)">js link</a>',
  '\u001b[31mred\u001b[0m \u001b[1;4;33mbold underlined\u001b[0m \u001b]8;;https://attacker.example\u0007OSC 8 link\u001b]8;;\u0007',
  'control: NUL[\u0000] BEL[\u0007] BS[\b] VT[\u000b] FF[\f] ESC[\u001b] DEL[\u007f] C1[\u0085\u009b]',
  'bidi: \u202Eexe.gnp\u202C  zero-width: a\u200Bb\u200Dc  BOM: \uFEFF  lone surrogate: \uD83D',
  'CRLF line\r\nCR only\rend',
  "{{constructor.constructor('alert(1)')()}}  ${7*7}  javascript:alert(1)  %s%s%n",
  '',
].join('\n');

const HOSTILE_ERROR = 'ValueError: <script>alert("stderr")</script> [quit](command:workbench.action.quit) \u001b[31mboom\u001b[0m';

function buildSpecialRecords(context: RunContext, users: DemoUser[], hugeBytes: number): AuditLogRecord[][] {
  const { rng, nowMicros, udfs } = context;
  const ada = users[0];
  const grace = users.find((u) => u.key === 'grace') ?? ada;
  const byName = (name: string, owner = ada): DemoUdf => {
    const found = udfs.find((u) => u.spec.name === name && u.owner.key === owner.key);
    if (!found) throw new Error(`special record needs UDF ${name} of ${owner.key}`);
    return found;
  };
  let slot = 0;
  const nextTime = (): number => nowMicros - (20 + 41 * slot++) * MICROS_PER_MINUTE - rng.int(0, 59_999_999);
  const run = (name: string, outcome: Outcome, owner = ada): AuditLogRecord => {
    const udf = byName(name, owner);
    let record = makeRun(context, udf, owner, nextTime(), outcome);
    // A shared-link draw would change the runner; special records stay the owner's own runs.
    if (record.shared_token) record = { ...record, shared_token: null, client_ip: context.userIps.get(owner.key)?.[0] ?? null };
    return record;
  };
  const hostileUdf: DemoUdf = {
    ...byName('hello_world'),
    spec: { ...byName('hello_world').spec, name: 'html_report', json: true, description: 'Render an HTML report [docs](command:workbench.action.quit)' },
    udf_id: rng.uuid(),
    sharedToken: null,
  };
  const hostileVersion: UdfVersion = {
    sinceMicros: 0,
    code: [
      '@fused.udf',
      'def udf(title: str = "<script>alert(\'title\')</script>"):',
      '    """Render an HTML report. <img src=x onerror=alert(1)> [click](command:workbench.action.quit)"""',
      '    html = f"<h1>{title}</h1></script><script>alert(2)</script>"',
      '    print("Report ready: <script>alert(1)</script>")',
      '    raise ValueError("<script>alert(\\"stderr\\")</script>")',
      '    return html',
    ],
    headers: [],
  };

  const groups: AuditLogRecord[][] = [];
  // 1. Hostile text in stdout, stderr and udf_data.
  {
    const base = run('hello_world', 'ok');
    groups.push([
      {
        ...base,
        udf_id: hostileUdf.udf_id,
        udf_name: 'html_report',
        stdout: HOSTILE_STDOUT,
        stderr: formatTraceback(hostileVersion, { at: 'raise ValueError', libraryFrames: [], error: HOSTILE_ERROR }, rng.hex(8)),
        udf_data: serializeUdf(hostileUdf, hostileVersion, { title: '<img src=x onerror=alert(1)>' }, hostileUdf.spec.description),
        execution_time: 0.412,
      },
    ]);
  }
  // 2. Payloads over 100 KB: stdout (a printed DataFrame), stderr (tqdm + traceback), udf_data.
  {
    const base = run('overture_buildings', 'ok');
    const rows = ['       id                                    height  area_m2   geometry'];
    for (let i = 0, size = 0; size < 180 * 1024; i++, size += rows[rows.length - 1].length + 1) {
      rows.push(`${String(i).padStart(6)}  08b2a100d2cb6fff02${rng.hex(6)}  ${rng.float(3, 60).toFixed(1).padStart(6)}  ${rng.float(20, 900).toFixed(2).padStart(8)}  POLYGON ((-122.${rng.int(1000, 9999)} 37.${rng.int(1000, 9999)}, ...))`);
    }
    groups.push([{ ...base, stdout: rows.join('\n') + '\n[48213 rows x 4 columns]\n' }]);
  }
  {
    const udf = byName('crop_classifier');
    const base = run('crop_classifier', 'failed');
    const failure = udf.template.failures[1];
    const bars: string[] = [];
    for (let i = 0, size = 0; size < 120 * 1024; i++, size += bars[bars.length - 1].length + 1) bars.push(`Predicting: ${String(i % 101).padStart(3)}%|${'█'.repeat((i % 101) / 10).padEnd(10)}| ${i}/4096 [00:${String(i % 60).padStart(2, '0')}<01:12, 56.3it/s]`);
    groups.push([{ ...base, stderr: bars.join('\r') + '\n' + formatTraceback(versionAt(udf, nowMicros), failure, rng.hex(8)) }]);
  }
  {
    const udf = byName('census_join');
    const base = run('census_join', 'ok');
    const fips: string[] = ['# County names by FIPS code (generated from the Census gazetteer)', 'COUNTY_NAMES = {'];
    for (let i = 0, size = 0; size < 130 * 1024; i++, size += fips[fips.length - 1].length + 1) fips.push(`    "${String(1000 + i).padStart(5, '0')}": "County ${i} (${rng.pick(['Alabama', 'California', 'New York', 'Texas', 'Québec'])})",`);
    fips.push('}');
    const version = versionAt(udf, nowMicros);
    const withLookup: UdfVersion = { ...version, headers: [...version.headers, { module_name: 'fips', source_file: 'fips.py', lines: fips }] };
    groups.push([{ ...base, udf_data: serializeUdf(udf, withLookup, { state_fips: '06', year: 2022 }) }]);
  }
  // 3. Typical runs the UI tests look for.
  groups.push([run('sentinel_tile', 'ok')]); // JSON udf_data, success
  groups.push([run('flaky_geocoder', 'ok')]); // plain-code udf_data
  groups.push([run('overture_buildings', 'failed')]); // traceback into JSON udf code
  groups.push([run('flaky_geocoder', 'failed')]); // traceback into plain code
  groups.push([run('nyc_taxi_trips', 'incomplete')]);
  groups.push([run('dem_hillshade', 'infra')]);
  groups.push([run('overture_buildings', 'cached')]);
  groups.push([run('crop_classifier', 'warning')]); // success with tqdm on stderr
  groups.push([{ ...run('hello_world', 'ok'), stdout: 'こんにちは • مرحبا • שלום • 🚀\n✅ done\nZ̷͎a̶̗l̸̰g̵̣o̴̠ 👩‍👩‍👧‍👦 东京 서울 Ελλάδα\n' }]);
  groups.push([run('crop_classifier', 'ok')]); // ANSI colours in stdout
  groups.push([run('census_join', 'ok'), run('census_join', 'ok', grace)]); // same name, two udf_ids
  {
    const udf = byName('sentinel_tile');
    groups.push([{ ...run('sentinel_tile', 'ok'), shared_token: udf.sharedToken, client_ip: '198.51.100.77' }]);
  }
  // 4. Sparse records: only the required fields (+ scope), and everything optional null.
  groups.push([{ id: rng.uuid(), timestamp: formatIsoMicros(nextTime()), user_email: ada.email, exec_env_id: ada.exec_env_id }]);
  groups.push([
    {
      id: rng.uuid(),
      timestamp: formatIsoMicros(nextTime()),
      exec_env_id: ada.exec_env_id,
      user_id: ada.user_id,
      user_email: ada.email,
      udf_id: null,
      udf_name: null,
      execution_engine: null,
      execution_time: null,
      cache: null,
      stdout: null,
      stderr: null,
      udf_data: null,
      shared_token: null,
      client_ip: null,
    },
  ]);
  // 5. Two batch runs with the same timestamp (keyset paging must break the tie by id).
  {
    const first = run('h3_building_density', 'ok');
    const second = run('h3_building_density', 'ok');
    groups.push([first, { ...second, timestamp: first.timestamp }]);
  }
  // 6. Hostile identity fields: visible in Ada's execution environment.
  groups.push([{ ...run('sentinel_tile', 'ok'), execution_engine: "realtime<script>alert('engine')</script>" }]);
  {
    const base = run('overture_buildings', 'ok');
    groups.push([{ ...base, user_email: '<img src=x onerror=alert(1)>@example.com', user_id: rng.uuid(), exec_env_id: ENV_MERCATOR }]);
  }
  // 7. The huge stderr (~hugeBytes): a warning repeated per tile, then the traceback.
  if (hugeBytes > 0) {
    const udf = byName('landsat_ndvi');
    const base = run('landsat_ndvi', 'failed');
    const tail = formatTraceback(versionAt(udf, nowMicros), udf.template.failures[2], rng.hex(8));
    // One block of 1000 warnings, repeated: building 10 MB line by line would cost a
    // noticeable part of the server's start-up.
    const warning = (tile: number): string =>
      `/usr/local/lib/python3.11/site-packages/rasterio/__init__.py:304: NotGeoreferencedWarning: Dataset has no geotransform, gcps, or rpcs. The identity matrix will be returned. (tile ${tile})\n  dataset = DatasetReader(path, driver=driver, sharing=sharing, **kwargs)\n`;
    const blockLines: string[] = [];
    for (let tile = 0; tile < 1000; tile++) blockLines.push(warning(tile));
    const block = blockLines.join('');
    const parts: string[] = [block.repeat(Math.max(0, Math.floor((hugeBytes - tail.length) / block.length)))];
    let size = parts[0].length + tail.length;
    for (let tile = 0; size < hugeBytes; tile++) {
      const line = warning(tile);
      parts.push(line);
      size += line.length;
    }
    parts.push(tail);
    groups.push([{ ...base, stderr: parts.join('') }]);
  }
  return groups;
}

/** How many records the special set needs (without the optional huge one). */
export const SPECIAL_RECORD_COUNT = 24;

export interface DemoFixtures {
  demoEmail: string;
  hostileId: string;
  /** The ~10 MB stderr record, when the data set has one. */
  hugeId: string | undefined;
  largeStdoutId: string;
  largeStderrId: string;
  largeUdfDataId: string;
  jsonUdfDataId: string;
  plainCodeId: string;
  failedJsonId: string;
  failedPlainId: string;
  incompleteId: string;
  infraFailureId: string;
  cachedId: string;
  warningOnlyId: string;
  unicodeId: string;
  ansiId: string;
  duplicateName: { udf_name: string; udf_ids: [string, string] };
  sharedToken: { token: string; recordId: string };
  sparseId: string;
  allNullId: string;
  tiedIds: [string, string];
  hostileEngineId: string;
  hostileEmailId: string;
}

/**
 * Finds the special records in a generated data set (by what they contain, not by
 * position), so tests need no hard-coded ids. Throws, naming the missing fixture, when the
 * data set is too small (fewer than SPECIAL_RECORD_COUNT records) or came from --data.
 */
export function demoFixtures(records: readonly AuditLogRecord[], demoEmail = 'ada@example.com'): DemoFixtures {
  const newestFirst = [...records].sort((a, b) => compareRecords(b, a));
  const mine = newestFirst.filter((r) => r.user_email === demoEmail);
  const missing = (label: string): Error => new Error(`demo fixture "${label}" not found: generate at least ${SPECIAL_RECORD_COUNT} records with the demo generator`);
  const find = (label: string, predicate: (r: AuditLogRecord) => boolean, pool = mine): AuditLogRecord => {
    const found = pool.find(predicate);
    if (!found) throw missing(label);
    return found;
  };
  const big = 100 * 1024;
  const isJson = (r: AuditLogRecord): boolean => typeof r.udf_data === 'string' && r.udf_data.startsWith('{');
  const isPlain = (r: AuditLogRecord): boolean => typeof r.udf_data === 'string' && r.udf_data.startsWith('@fused.udf');
  const huge = mine.find((r) => (r.stderr?.length ?? 0) >= 1024 * 1024);
  const ok = (r: AuditLogRecord): boolean => r.stderr === '' && typeof r.execution_time === 'number' && r.cache === false;
  const censusIds = [...new Set(newestFirst.filter((r) => r.udf_name === 'census_join' && r.exec_env_id === ENV_MERCATOR).map((r) => r.udf_id))];
  if (censusIds.length < 2 || !censusIds[0] || !censusIds[1]) throw missing('duplicateName');
  const shared = find('sharedToken', (r) => typeof r.shared_token === 'string' && r.shared_token.startsWith('fsh_'));
  const tied = mine.find((r, i) => i > 0 && mine[i - 1].timestamp === r.timestamp && r.udf_name === 'h3_building_density');
  const tiedPartner = tied ? mine[mine.indexOf(tied) - 1] : undefined;
  if (!tied || !tiedPartner) throw missing('tiedIds');
  return {
    demoEmail,
    hostileId: find('hostile', (r) => r.stdout?.includes('<script>alert(1)</script>') === true).id,
    hugeId: huge?.id,
    largeStdoutId: find('largeStdout', (r) => (r.stdout?.length ?? 0) >= big).id,
    largeStderrId: find('largeStderr', (r) => (r.stderr?.length ?? 0) >= big && (r.stderr?.length ?? 0) < 1024 * 1024).id,
    largeUdfDataId: find('largeUdfData', (r) => (r.udf_data?.length ?? 0) >= big).id,
    jsonUdfDataId: find('jsonUdfData', (r) => isJson(r) && ok(r)).id,
    plainCodeId: find('plainCode', (r) => isPlain(r) && ok(r)).id,
    failedJsonId: find('failedJson', (r) => isJson(r) && r.stderr?.startsWith('Traceback') === true && (r.udf_data?.length ?? 0) < big).id,
    failedPlainId: find('failedPlain', (r) => isPlain(r) && r.stderr?.includes('Traceback') === true).id,
    incompleteId: find('incomplete', (r) => r.execution_time === null && r.stderr === null && r.udf_name !== null).id,
    infraFailureId: find('infraFailure', (r) => r.execution_time === null && r.stderr === '' && r.stdout === '').id,
    cachedId: find('cached', (r) => r.cache === true && r.stderr === '').id,
    warningOnlyId: find('warningOnly', (r) => typeof r.execution_time === 'number' && r.stderr !== '' && r.stderr !== null && r.stderr !== undefined && !r.stderr.includes('Traceback')).id,
    unicodeId: find('unicode', (r) => r.stdout?.includes('👩‍👩‍👧‍👦') === true).id,
    ansiId: find('ansi', (r) => r.stdout?.includes('\u001b[32m') === true && ok(r)).id,
    duplicateName: { udf_name: 'census_join', udf_ids: [censusIds[0], censusIds[1]] },
    sharedToken: { token: shared.shared_token as string, recordId: shared.id },
    sparseId: find('sparse', (r) => !('udf_name' in r)).id,
    allNullId: find('allNull', (r) => 'udf_name' in r && r.udf_name === null && r.udf_data === null).id,
    tiedIds: [tiedPartner.id, tied.id],
    hostileEngineId: find('hostileEngine', (r) => r.execution_engine?.includes('<script>') === true).id,
    hostileEmailId: find('hostileEmail', (r) => r.user_email?.includes('onerror') === true, newestFirst).id,
  };
}
