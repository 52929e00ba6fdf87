// Plain-fetch helpers for the server's own unit tests (deliberately not the extension's
// client: the server is tested against the contract, not against our client).

import type { AuditLogPage } from '../../src/api/types';
import type { FusedTestServer } from './server';

export type QueryParams = Record<string, string | number | boolean | undefined>;

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  body: unknown;
}

export function auditLogUrl(server: Pick<FusedTestServer, 'baseUrl' | 'auditLogPath'>, params: QueryParams = {}): string {
  const url = new URL(server.baseUrl + server.auditLogPath);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, String(value));
  return url.toString();
}

/** GET the audit log. `token: null` sends no Authorization header. */
export async function getAuditLog(
  server: Pick<FusedTestServer, 'baseUrl' | 'auditLogPath' | 'token'>,
  params: QueryParams = {},
  token: string | null = server.token,
): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(auditLogUrl(server, params), { headers });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** GET that must answer 200 with a page. */
export async function getPage(server: Pick<FusedTestServer, 'baseUrl' | 'auditLogPath' | 'token'>, params: QueryParams = {}, token?: string): Promise<AuditLogPage> {
  const result = await getAuditLog(server, params, token ?? server.token);
  if (result.status !== 200) throw new Error(`expected 200, got ${result.status}: ${result.text.slice(0, 500)}`);
  return result.body as AuditLogPage;
}

/** Follows next_page_token to the end; returns every page. */
export async function getAllPages(server: Pick<FusedTestServer, 'baseUrl' | 'auditLogPath' | 'token'>, params: QueryParams, token?: string): Promise<AuditLogPage[]> {
  const pages: AuditLogPage[] = [];
  let pageToken: string | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await getPage(server, { ...params, page_token: pageToken }, token);
    pages.push(page);
    if (page.next_page_token === null) return pages;
    pageToken = page.next_page_token;
  }
  throw new Error('paging did not end');
}

export async function admin(server: Pick<FusedTestServer, 'baseUrl'>, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const origin = new URL(server.baseUrl).origin;
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const response = await fetch(origin + path, init);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}
