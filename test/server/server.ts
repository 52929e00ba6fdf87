// The local Fused audit-log server: a real HTTP server on 127.0.0.1 that implements
// `GET /v1/audit-log` as documented in ../shared/reference/fused-api-log.md, for tests,
// benchmarks and the demo. Node's `http` module only; faithful to the contract, not to
// our client (it never imports src/api/client).
//
// Decisions where the contract is silent (also listed in test/server/README.md):
// - Auth: `Authorization: <any scheme> <token>`; missing -> 401 "Not authenticated",
//   unknown -> 401 "Could not validate credentials", EXPIRED_TOKEN -> 401 "Token has
//   expired", FORBIDDEN_TOKEN -> 403. Auth is checked before the query is validated.
// - id: looks in the caller's execution environment (what exec_env=true could show); any
//   other parameter is ignored, not even validated; the page's limit is the default (100).
// - udf_id / udf_name / shared_token narrow the caller's scope (email, or execution
//   environment with exec_env=true). shared_token is scoped too: shared-link runs are
//   recorded under the UDF owner's account, so the owner (and their team with exec_env)
//   sees them; other accounts get an empty page.
// - start_timestamp after end_timestamp: an empty page (a range query that matches nothing).
// - distinct ignores scan_forward, limit and page_token (the page echoes the limit), scans
//   newest first, and groups records without the key (null/absent) as one more key.
// - Empty string parameters get 422 (string_too_short); repeated parameters: last wins.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { AuditLogRecord } from '../../src/api/types';
import { defaultErrorResponse, validateFaultConfig, type FaultConfig } from './faults';
import { generateRecords } from './generator';
import { generateScenario, type ScenarioOptions } from './scenarios';
import { parseAuditQuery, queryShape } from './query';
import { loadRecordsFile, recordProblem } from './records';
import { PageTokenCodec, RecordStore, type Caller } from './store';
import { DEMO_TOKEN, EXPIRED_TOKEN, FORBIDDEN_TOKEN, demoUsers, type DemoUser } from './users';

export type { FaultConfig } from './faults';
export type { DemoUser } from './users';
export { DEMO_TOKEN, EXPIRED_TOKEN, EXTRA_TOKENS, FORBIDDEN_TOKEN, ENV_MERCATOR, ENV_ORBIT } from './users';

export const API_PREFIX = '/v1';
export const AUDIT_LOG_PATH = '/audit-log';

export interface FusedServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1 (the admin endpoint only answers loopback callers anyway). */
  host?: string;
  /** Generated records (default 2000); ignored with dataFile. */
  records?: number;
  seed?: number;
  /** The demo user's token (default `fused-demo-token`). */
  token?: string;
  /** Serve the records of this JSONL file instead of generated ones. */
  dataFile?: string;
  /** Serve these records (validated) instead of generated ones (tests: data sets made on the fly). */
  data?: readonly AuditLogRecord[];
  /** With `data`: the accounts (default: one per user_email, as with dataFile). */
  users?: DemoUser[];
  /** Serve a load scenario (burst, bulk: see scenarios.ts) instead of the demo data. */
  scenario?: Omit<ScenarioOptions, 'demoToken'>;
  /** Generated data is relative to this instant (default: now). */
  now?: Date;
  /** Size of the one huge stderr (see generator); 0 = none. */
  hugePayloadBytes?: number;
  /** Called after each API request (the CLI's --verbose). */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface RequestLogEntry {
  method: string;
  /** Path and query string; page tokens shortened. */
  url: string;
  shape: string;
  /** HTTP status; 'reset' when the connection was reset on purpose; 'aborted' when the client went away during `latencyMs`. */
  status: number | 'reset' | 'aborted';
  ms: number;
}

export interface ServerStats {
  /** API requests (admin requests are not counted). */
  requests: number;
  /** Audit-log requests by query shape: "all", "exec_env", "id", "udf_name", "distinct:names+exec_env", "all+page", ... */
  byQuery: Record<string, number>;
  /** Responses by status ("200", "422", "reset", ...). */
  byStatus: Record<string, number>;
  /** Requests a fault was applied to. */
  faultsApplied: number;
  /** The last 200 API requests, oldest first. */
  recent: RequestLogEntry[];
}

export interface FusedTestServer {
  /** e.g. http://127.0.0.1:PORT/v1 */
  baseUrl: string;
  auditLogPath: '/audit-log';
  port: number;
  /** The demo user's token. */
  token: string;
  users: DemoUser[];
  /** Everything it serves, oldest first (a fresh array on each read). */
  readonly records: AuditLogRecord[];
  close(): Promise<void>;
  setFaults(faults: FaultConfig): void;
  clearFaults(): void;
  stats(): ServerStats;
  resetStats(): void;
  /** New runs "arrive" (appear in later queries and pages). */
  addRecords(records: AuditLogRecord[]): void;
}

const gzipAsync = promisify(gzip);
const RECENT_LIMIT = 200;
/** Bodies at least this large are gzip-compressed when the client accepts gzip. */
const GZIP_MIN_BYTES = 1024;
const ADMIN_BODY_LIMIT = 64 * 1024 * 1024;
/** Responses are written in pieces of about this size, so a 10 MB record streams. */
const WRITE_PIECE_BYTES = 64 * 1024;

export async function startFusedServer(options: FusedServerOptions = {}): Promise<FusedTestServer> {
  const demoToken = options.token ?? DEMO_TOKEN;
  if (demoToken.length === 0 || /\s/.test(demoToken)) throw new Error('token must be non-empty and contain no spaces');
  let records: AuditLogRecord[];
  let users: DemoUser[];
  if (options.dataFile !== undefined) {
    records = await loadRecordsFile(options.dataFile);
    users = usersFromRecords(records, demoToken);
  } else if (options.data !== undefined) {
    options.data.forEach((item, index) => {
      const problem = recordProblem(item);
      if (problem) throw new Error(`data record ${index}: ${problem}`);
    });
    records = [...options.data];
    users = options.users ?? usersFromRecords(records, demoToken);
  } else if (options.scenario !== undefined) {
    ({ records, users } = generateScenario({ ...options.scenario, now: options.scenario.now ?? options.now, demoToken }));
  } else {
    const generated = generateRecords({ records: options.records, seed: options.seed, now: options.now, hugePayloadBytes: options.hugePayloadBytes, demoToken });
    records = generated.records;
    users = generated.users;
  }
  const store = new RecordStore(records);
  const codec = new PageTokenCodec(randomBytes(32));
  const usersByToken = new Map(users.map((u) => [u.token, u]));

  let faults: FaultConfig | undefined;
  let faultsRemaining = Infinity;
  /** Regular queries answered while an endlessPaging fault is set (the first afterPages are real). */
  let endlessServed = 0;
  let stats = emptyStats();
  const timers = new Set<NodeJS.Timeout>();
  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const setFaults = (config: FaultConfig): void => {
    faults = validateFaultConfig(config);
    faultsRemaining = faults.times ?? Infinity;
    endlessServed = 0;
  };
  const clearFaults = (): void => {
    faults = undefined;
    faultsRemaining = Infinity;
  };
  const takeFault = (url: URL): FaultConfig | undefined => {
    const active = faults;
    if (!active) return undefined;
    if (active.match?.path !== undefined && active.match.path !== url.pathname) return undefined;
    if (active.match?.udf_name !== undefined && url.searchParams.get('udf_name') !== active.match.udf_name) return undefined;
    faultsRemaining -= 1;
    if (faultsRemaining <= 0) clearFaults();
    return active;
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const started = Date.now();
    stats.requests += 1;
    const isAuditLog = url.pathname === API_PREFIX + AUDIT_LOG_PATH || url.pathname === `${API_PREFIX}${AUDIT_LOG_PATH}/`;
    const shape = isAuditLog ? queryShape(url.searchParams) : `other ${url.pathname}`;
    if (isAuditLog) stats.byQuery[shape] = (stats.byQuery[shape] ?? 0) + 1;
    const log = (status: RequestLogEntry['status']): void => {
      const key = String(status);
      stats.byStatus[key] = (stats.byStatus[key] ?? 0) + 1;
      const entry: RequestLogEntry = { method: req.method ?? 'GET', url: shortenTokens(url), shape, status, ms: Date.now() - started };
      stats.recent.push(entry);
      if (stats.recent.length > RECENT_LIMIT) stats.recent.shift();
      options.onRequest?.(entry);
    };

    const fault = takeFault(url);
    if (fault) {
      stats.faultsApplied += 1;
      // A client that gives up (aborts) during the delay is seen at once and logged as 'aborted'.
      if (fault.latencyMs) await Promise.race([delay(fault.latencyMs), new Promise((resolve) => res.once('close', resolve))]);
      if (res.destroyed) {
        log('aborted');
        return;
      }
      if (fault.resetConnection) {
        log('reset');
        req.socket.resetAndDestroy();
        return;
      }
      if (fault.status !== undefined || fault.body !== undefined) {
        const status = fault.status ?? 200;
        const fallback = defaultErrorResponse(status);
        const headers: Record<string, string> = { 'Content-Type': fault.body !== undefined ? (fault.contentType ?? 'application/json') : fallback.contentType };
        if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(Math.ceil(fault.retryAfterSeconds));
        if (status === 401) headers['WWW-Authenticate'] = 'Bearer';
        log(status);
        await send(req, res, status, headers, [fault.body ?? fallback.body], fault, delay);
        return;
      }
    }

    const response = isAuditLog ? answerAuditLog(req, url, fault) : { status: 404, headers: {}, chunks: [JSON.stringify({ detail: 'Not Found' })] };
    log(response.status);
    await send(req, res, response.status, { 'Content-Type': 'application/json', ...response.headers }, response.chunks, fault, delay);
  };

  const answerAuditLog = (req: IncomingMessage, url: URL, fault?: FaultConfig): { status: number; headers: Record<string, string>; chunks: string[] } => {
    const detail = (status: number, value: unknown, headers: Record<string, string> = {}) => ({ status, headers, chunks: [JSON.stringify({ detail: value })] });
    if (req.method !== 'GET' && req.method !== 'HEAD') return detail(405, 'Method Not Allowed', { Allow: 'GET' });
    const header = req.headers.authorization;
    if (header === undefined || header.trim() === '') return detail(401, 'Not authenticated', { 'WWW-Authenticate': 'Bearer' });
    const match = /^\s*([A-Za-z][\w.+-]*)\s+(\S+)\s*$/.exec(header);
    if (!match) return detail(401, 'Invalid Authorization header: expected "<scheme> <token>", e.g. "Bearer <token>"', { 'WWW-Authenticate': 'Bearer' });
    const token = match[2];
    if (token === EXPIRED_TOKEN) return detail(401, 'Token has expired', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    if (token === FORBIDDEN_TOKEN) return detail(403, 'Not enough permissions: this account cannot read audit logs');
    const user = usersByToken.get(token);
    if (!user) return detail(401, 'Could not validate credentials', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });

    const parsed = parseAuditQuery(url.searchParams);
    if (!parsed.ok) return detail(422, parsed.issues);
    const caller: Caller = { email: user.email, user_id: user.user_id, exec_env_id: user.exec_env_id };
    let outcome = store.run(caller, parsed.query, codec);
    if (fault?.endlessPaging && parsed.query.id === undefined && !parsed.query.distinct && ++endlessServed > (fault.afterPages ?? 0)) {
      // The fault: a fresh token every time, with nothing new behind it.
      const first = store.run(caller, { ...parsed.query, pageToken: undefined }, codec);
      const items = first.kind === 'page' && fault.endlessPaging === 'repeat' ? first.items : [];
      outcome = { kind: 'page', items, limit: parsed.query.limit, nextPageToken: `endless.${randomBytes(12).toString('base64url')}` };
    }
    if (outcome.kind === 'not-found') return detail(404, 'Audit log record not found');
    if (outcome.kind === 'bad-page-token') {
      return detail(422, [{ type: 'value_error', loc: ['query', 'page_token'], msg: `Value error, ${outcome.reason}`, input: parsed.query.pageToken }]);
    }
    // The page is written record by record: the JSON of each record is made (and cached)
    // separately, so a page with a 10 MB record never becomes one giant string.
    const chunks: string[] = ['{"items":['];
    outcome.items.forEach((entry, index) => {
      if (index > 0) chunks.push(',');
      chunks.push(store.json(entry));
    });
    chunks.push(`],"limit":${outcome.limit},"next_page_token":${JSON.stringify(outcome.nextPageToken)}}`);
    return { status: 200, headers: {}, chunks };
  };

  const handleAdmin = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const reply = (status: number, value?: unknown): void => {
      if (value === undefined) {
        res.writeHead(status).end();
        return;
      }
      const body = JSON.stringify(value);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
    };
    const refusal = adminRefusal(req);
    if (refusal) return reply(403, { error: refusal });
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    try {
      switch (route) {
        case 'GET /__admin/health':
          return reply(200, { ok: true, records: store.size, baseUrl: publicBaseUrl() });
        case 'GET /__admin/stats':
          return reply(200, snapshot(stats));
        case 'POST /__admin/stats/reset':
          stats = emptyStats();
          return reply(204);
        case 'GET /__admin/faults':
          return reply(200, { faults: faults ?? null, remaining: faults && Number.isFinite(faultsRemaining) ? faultsRemaining : null });
        case 'POST /__admin/faults': {
          const body = await readJsonBody(req);
          setFaults(body as FaultConfig);
          return reply(200, { faults });
        }
        case 'DELETE /__admin/faults':
          clearFaults();
          return reply(204);
        case 'POST /__admin/records': {
          const body = await readJsonBody(req);
          const list = Array.isArray(body) ? body : [body];
          list.forEach((item, index) => {
            const problem = recordProblem(item);
            if (problem) throw new Error(`record ${index}: ${problem}`);
          });
          store.add(list as AuditLogRecord[]);
          return reply(200, { added: list.length, records: store.size });
        }
        default:
          return reply(404, { error: `no admin route ${route}; try GET /__admin/stats, POST /__admin/stats/reset, GET|POST|DELETE /__admin/faults, POST /__admin/records` });
      }
    } catch (error) {
      return reply(400, { error: (error as Error).message });
    }
  };

  const server: Server = createServer((req, res) => {
    res.on('error', () => undefined); // the peer went away; nothing to do
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ detail: 'Bad Request' }));
      return;
    }
    const handler = url.pathname.startsWith('/__admin/') || url.pathname === '/__admin' ? handleAdmin : handleApi;
    handler(req, res, url).catch((error: unknown) => {
      process.stderr.write(`fused test server: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end('Internal Server Error');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const publicBaseUrl = (): string => `http://127.0.0.1:${port}${API_PREFIX}`;

  let closing: Promise<void> | undefined;
  const demoUser = users[0];
  return {
    baseUrl: publicBaseUrl(),
    auditLogPath: AUDIT_LOG_PATH,
    port,
    token: demoUser.token,
    users,
    get records() {
      return store.records();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    setFaults,
    clearFaults,
    stats: () => snapshot(stats),
    resetStats: () => {
      stats = emptyStats();
    },
    addRecords: (added) => {
      added.forEach((item, index) => {
        const problem = recordProblem(item);
        if (problem) throw new Error(`record ${index}: ${problem}`);
      });
      store.add(added);
    },
  };
}

function emptyStats(): ServerStats {
  return { requests: 0, byQuery: {}, byStatus: {}, faultsApplied: 0, recent: [] };
}

function snapshot(stats: ServerStats): ServerStats {
  return { requests: stats.requests, byQuery: { ...stats.byQuery }, byStatus: { ...stats.byStatus }, faultsApplied: stats.faultsApplied, recent: stats.recent.map((e) => ({ ...e })) };
}

function shortenTokens(url: URL): string {
  const params = new URLSearchParams(url.searchParams);
  const token = params.get('page_token');
  if (token && token.length > 16) params.set('page_token', `${token.slice(0, 12)}…`);
  const query = params.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The admin endpoint changes the server's behaviour, so only local tools may use it:
 * the peer must be a loopback address; the Host header must name a loopback host (defeats
 * DNS rebinding); and there must be no Origin header (browsers add one to cross-site and
 * POST requests, so a web page or webview cannot drive it).
 */
function adminRefusal(req: IncomingMessage): string | undefined {
  const remote = req.socket.remoteAddress ?? '';
  const loopbackPeer = remote === '::1' || remote.startsWith('127.') || remote.startsWith('::ffff:127.');
  if (!loopbackPeer) return `the admin endpoint only answers loopback callers (you are ${remote || 'unknown'})`;
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (!LOOPBACK_HOSTS.has(host)) return `the admin endpoint only answers requests addressed to a loopback host (Host: ${req.headers.host ?? 'missing'})`;
  if (req.headers.origin !== undefined) return 'the admin endpoint does not answer browser (Origin) requests';
  return undefined;
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > ADMIN_BODY_LIMIT) throw new Error(`request body over ${ADMIN_BODY_LIMIT} bytes`);
    parts.push(chunk as Buffer);
  }
  const text = Buffer.concat(parts).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`request body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Writes a response body from pieces, honouring back-pressure and body faults. Like most
 * production APIs it gzips when the client sends `Accept-Encoding: gzip` (fetch does; a
 * client that asks must also decode). A malformed body is cut before compression (the JSON
 * is what is broken); truncation happens after it (the transfer is what breaks).
 */
async function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  chunks: string[],
  fault: FaultConfig | undefined,
  delay: (ms: number) => Promise<void>,
): Promise<void> {
  let pieces = coalesce(chunks);
  let total = pieces.reduce((sum, piece) => sum + piece.length, 0);
  if (fault?.malformedBody) {
    pieces = [Buffer.concat(pieces).subarray(0, Math.floor(total / 2))];
    total = pieces[0].length;
  }
  const outgoing: Record<string, string> = { ...headers, Vary: 'Accept-Encoding' };
  if (total >= GZIP_MIN_BYTES && acceptsGzip(req.headers['accept-encoding'])) {
    pieces = [await gzipAsync(Buffer.concat(pieces))];
    total = pieces[0].length;
    outgoing['Content-Encoding'] = 'gzip';
  }
  if (res.destroyed) return;
  outgoing['Content-Length'] = String(total);
  res.writeHead(status, outgoing);
  if (fault?.malformedBody) {
    res.end(pieces[0]);
    return;
  }
  if (fault?.truncateBody) {
    let remaining = Math.floor(total / 2);
    for (const piece of pieces) {
      if (remaining <= 0) break;
      const part = piece.subarray(0, remaining);
      remaining -= part.length;
      if (!(await write(res, part))) return;
    }
    // Everything written so far has been flushed; now drop the connection mid-body.
    res.socket?.destroy();
    return;
  }
  if (fault?.slowBodyMs) {
    const whole = Buffer.concat(pieces);
    const count = Math.min(8, Math.max(1, whole.length));
    const size = Math.ceil(whole.length / count);
    for (let offset = 0; offset < whole.length; offset += size) {
      if (offset > 0) await delay(fault.slowBodyMs);
      if (res.destroyed || !(await write(res, whole.subarray(offset, offset + size)))) return;
    }
    res.end();
    return;
  }
  for (const piece of pieces) {
    if (!(await write(res, piece))) return;
  }
  res.end();
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/** Joins small strings and splits none: each piece is at least ~64 KB or a whole large chunk. */
function coalesce(chunks: string[]): Buffer[] {
  const pieces: Buffer[] = [];
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = (): void => {
    if (pending.length > 0) pieces.push(Buffer.from(pending.join(''), 'utf8'));
    pending = [];
    pendingLength = 0;
  };
  for (const chunk of chunks) {
    pending.push(chunk);
    pendingLength += chunk.length;
    if (pendingLength >= WRITE_PIECE_BYTES) flush();
  }
  flush();
  return pieces;
}

/** Resolves true once the piece is handed to the socket (or drained), false if the peer left. */
function write(res: ServerResponse, piece: Buffer): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = (): void => resolve(false);
    res.once('close', onClose);
    res.write(piece, (error) => {
      res.off('close', onClose);
      resolve(!error);
    });
  });
}

/** With --data, users come from the data: one per email, the most active one is the demo user. */
export function usersFromRecords(records: readonly AuditLogRecord[], demoToken: string): DemoUser[] {
  const byEmail = new Map<string, { count: number; envs: Map<string, number>; ids: Map<string, number> }>();
  for (const record of records) {
    if (!record.user_email) continue;
    const entry = byEmail.get(record.user_email) ?? { count: 0, envs: new Map(), ids: new Map() };
    entry.count += 1;
    if (record.exec_env_id) entry.envs.set(record.exec_env_id, (entry.envs.get(record.exec_env_id) ?? 0) + 1);
    if (record.user_id) entry.ids.set(record.user_id, (entry.ids.get(record.user_id) ?? 0) + 1);
    byEmail.set(record.user_email, entry);
  }
  const mostCommon = (counts: Map<string, number>): string | undefined => [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  const ranked = [...byEmail.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
  if (ranked.length === 0) return [{ ...demoUsers(demoToken)[0] }];
  const usedTokens = new Set<string>([demoToken]);
  return ranked.map(([email, info], index) => {
    const key = email.split('@')[0].toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'user';
    let token = demoToken;
    if (index > 0) {
      token = `fused-token-${key}`;
      for (let n = 2; usedTokens.has(token); n++) token = `fused-token-${key}-${n}`;
      usedTokens.add(token);
    }
    return { key, user_id: mostCommon(info.ids) ?? `user-${index + 1}`, email, exec_env_id: mostCommon(info.envs) ?? '', token };
  });
}
