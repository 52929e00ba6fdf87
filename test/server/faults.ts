// Fault injection: make the next request(s) misbehave the way real networks and gateways do.

export interface FaultConfig {
  /** Delay before the response starts (headers included). */
  latencyMs?: number;
  /** Respond with this status instead of serving the query (429, 500, 502, 503, 504, 401, ...). */
  status?: number;
  /** With status 429/503: the Retry-After header, in seconds. */
  retryAfterSeconds?: number;
  /** Announce the full Content-Length, send half the body, then drop the connection. */
  truncateBody?: boolean;
  /** A complete response (correct Content-Length) whose JSON is cut in half: invalid JSON. */
  malformedBody?: boolean;
  /** Reset the TCP connection as soon as the request arrives (ECONNRESET, no response). */
  resetConnection?: boolean;
  /** Send the body in small chunks with this delay between them (idle-timeout tests). */
  slowBodyMs?: number;
  /** Replace the response body with this text (with `status`, or 200). */
  body?: string;
  /** Content-Type for `body` (default application/json). */
  contentType?: string;
  /**
   * A server that pages without end: regular queries answer 'empty' pages, or the first page
   * again ('repeat'), each with a fresh next_page_token (valid or not, the token sent is ignored).
   */
  endlessPaging?: 'empty' | 'repeat';
  /** With endlessPaging: this many regular queries are answered normally first (default 0). */
  afterPages?: number;
  /** Apply to the next N matching requests, then clear. Default: until cleared. */
  times?: number;
  /** Only requests that match (all given conditions). */
  match?: { udf_name?: string; path?: string };
}

const NUMBER_FIELDS = ['latencyMs', 'retryAfterSeconds', 'slowBodyMs'] as const;
const BOOLEAN_FIELDS = ['truncateBody', 'malformedBody', 'resetConnection'] as const;
const ALLOWED = new Set<string>([...NUMBER_FIELDS, ...BOOLEAN_FIELDS, 'status', 'body', 'contentType', 'times', 'match', 'endlessPaging', 'afterPages']);

/** Checks a fault configuration (from the admin endpoint or a test); throws naming the field. */
export function validateFaultConfig(value: unknown): FaultConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('fault config must be a JSON object');
  const config = value as Record<string, unknown>;
  for (const key of Object.keys(config)) {
    if (!ALLOWED.has(key)) throw new Error(`unknown fault option "${key}"; allowed: ${[...ALLOWED].join(', ')}`);
  }
  for (const key of NUMBER_FIELDS) {
    const v = config[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 600_000)) throw new Error(`${key} must be a number from 0 to 600000`);
  }
  for (const key of BOOLEAN_FIELDS) {
    const v = config[key];
    if (v !== undefined && typeof v !== 'boolean') throw new Error(`${key} must be true or false`);
  }
  if (config.status !== undefined && (!Number.isInteger(config.status) || (config.status as number) < 200 || (config.status as number) > 599)) {
    throw new Error('status must be an HTTP status code from 200 to 599');
  }
  if (config.times !== undefined && (!Number.isInteger(config.times) || (config.times as number) < 1)) throw new Error('times must be a positive integer');
  if (config.endlessPaging !== undefined && config.endlessPaging !== 'empty' && config.endlessPaging !== 'repeat') throw new Error('endlessPaging must be "empty" or "repeat"');
  if (config.afterPages !== undefined && (!Number.isInteger(config.afterPages) || (config.afterPages as number) < 0)) throw new Error('afterPages must be a whole number of at least 0');
  for (const key of ['body', 'contentType'] as const) {
    if (config[key] !== undefined && typeof config[key] !== 'string') throw new Error(`${key} must be a string`);
  }
  if (config.match !== undefined) {
    const match = config.match;
    if (typeof match !== 'object' || match === null || Array.isArray(match)) throw new Error('match must be an object like {"udf_name": "..."}');
    for (const [key, v] of Object.entries(match)) {
      if (key !== 'udf_name' && key !== 'path') throw new Error(`unknown match option "${key}"; allowed: udf_name, path`);
      if (typeof v !== 'string') throw new Error(`match.${key} must be a string`);
    }
  }
  return { ...(config as FaultConfig) };
}

/** The body a real gateway or framework sends with each status. */
export function defaultErrorResponse(status: number): { contentType: string; body: string } {
  switch (status) {
    case 401:
      return json({ detail: 'Could not validate credentials' });
    case 403:
      return json({ detail: 'Not enough permissions' });
    case 404:
      return json({ detail: 'Not Found' });
    case 429:
      return json({ detail: 'Too Many Requests' });
    case 500:
      // Starlette's ServerErrorMiddleware answers an unhandled exception in plain text.
      return { contentType: 'text/plain; charset=utf-8', body: 'Internal Server Error' };
    case 502:
    case 503:
    case 504: {
      // A load balancer in front of the service answers with HTML, not JSON.
      const reason = status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Temporarily Unavailable' : 'Gateway Time-out';
      return { contentType: 'text/html', body: `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n</body>\r\n</html>\r\n` };
    }
    default:
      return json({ detail: `HTTP ${status}` });
  }
}

function json(value: unknown): { contentType: string; body: string } {
  return { contentType: 'application/json', body: JSON.stringify(value) };
}
