// "Fused: Check Connection", the report: from facts gathered by the adapter (checkConnection.ts)
// to lines in the manner of `gh auth status`. Pure (no `vscode`). Every failed line names the
// action that fixes it. Never contains a token.
import type { FusedApiErrorKind } from '../api/errors';
import type { Credentials } from '../api/types';
import type { Backend, BackendSetting } from '../connection/backendChoice';
// Text we did not write (server messages, paths) goes into a plain-text document: no markup can
// become live there, but control and bidirectional characters are shown as ⟨U+XXXX⟩.
import { visibleText } from '../text/safeText';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'info';

/** A command that fixes a failed line (shown as a button after the check, and named in the text). */
export interface FixAction {
  title: string;
  command: string;
  args?: unknown[];
}

export interface CheckLine {
  status: CheckStatus;
  label: string;
  text: string;
  /** What to do, in words, for a warn or fail line. */
  fix?: string;
  actions?: FixAction[];
}

export interface PythonFacts {
  ok: boolean;
  /** The command line tried, e.g. "/home/me/.venv/bin/python" or "python3, then python". */
  command: string;
  /** Why that interpreter: setting, the Python extension, PATH. */
  origin: string;
  executable?: string;
  pythonVersion?: string;
  fusedVersion?: string;
  importMs?: number;
  /** The failure when !ok. */
  message?: string;
  problem?: 'python-not-found' | 'fused-not-importable' | 'worker-failed' | 'restricted-mode' | 'other';
}

export interface RequestFacts {
  backend: Backend;
  /** What was asked, token-free (e.g. "GET https://…/audit-log?limit=1" or "fused.api.log(limit=1)"). */
  what: string;
  ok: boolean;
  status?: number;
  elapsedMs: number;
  records?: number;
  bytes?: number;
  message?: string;
  kind?: FusedApiErrorKind;
  /** The audit-log path itself is unknown (404/405 on a list query). */
  endpointMissing?: boolean;
}

export interface ConnectionFacts {
  checkedAt: Date;
  trusted: boolean;
  /** Settings whose workspace value was ignored (Restricted Mode). */
  ignoredWorkspaceSettings: string[];
  backend: { setting: BackendSetting; settingSource: string; inUse: Backend; switched: boolean };
  baseUrl: { value: string; source: string; loopback: boolean };
  auditLogPath: { value: string; source: string };
  proxy?: { url: string; support: string };
  credentials: {
    /** The HTTP back end needs them; the Python SDK signs in by itself. */
    needed: boolean;
    source?: Credentials['source'];
    scheme?: string;
    expiresAt?: Date;
    /** Why none were usable (e.g. an expired SDK token), if that is the case. */
    problem?: string;
  };
  python?: PythonFacts;
  requests: RequestFacts[];
}

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗', info: '·' };

const SET_TOKEN: FixAction = { title: 'Set API Token', command: 'fusedRuns.setApiToken' };
const USE_SDK_SIGN_IN: FixAction = { title: "Use the Fused SDK's Sign-in", command: 'fusedRuns.useSdkCredentials' };
const SELECT_INTERPRETER: FixAction = { title: 'Select Interpreter', command: 'fusedRuns.selectInterpreter' };
const openSetting = (id: string, title = 'Open Settings'): FixAction => ({ title, command: 'workbench.action.openSettings', args: [id] });
const MANAGE_TRUST: FixAction = { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' };

function describeSource(source: Credentials['source']): string {
  switch (source) {
    case 'secret-storage':
      return 'VS Code secret storage ("Fused: Set API Token")';
    case 'environment':
      return 'the FUSED_AUTH_TOKEN environment variable';
    case 'fused-sdk':
      return "the Fused SDK's ~/.fused/credentials";
  }
}

function describeExpiry(expiresAt: Date | undefined, now: Date): string {
  if (!expiresAt) return 'expiry not known';
  const minutes = Math.round((expiresAt.getTime() - now.getTime()) / 60_000);
  if (minutes <= 0) return `expired at ${expiresAt.toISOString()}`;
  const inWords = minutes < 120 ? `${minutes} min` : minutes < 48 * 60 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} days`;
  return `expires ${expiresAt.toISOString()} (in ${inWords})`;
}

function backendLine(facts: ConnectionFacts): CheckLine {
  const { setting, settingSource, inUse, switched } = facts.backend;
  const configured = `"fusedRuns.api.backend" is "${setting}" (${settingSource})`;
  const name = inUse === 'http' ? 'HTTP' : 'Python SDK';
  const why =
    setting === 'auto'
      ? switched
        ? 'the audit-log path answered 404/405 here, so this session uses the fused SDK'
        : facts.trusted
          ? 'HTTP first; the fused SDK if the audit-log path is unknown here'
          : 'HTTP only: Restricted Mode never starts Python automatically'
      : 'as configured';
  return { status: 'info', label: 'Back end', text: `${name}: ${configured}; ${why}.` };
}

function requestLine(request: RequestFacts, facts: ConnectionFacts): CheckLine {
  const timing = `${request.elapsedMs} ms`;
  const label = request.backend === 'http' ? 'Request (HTTP)' : 'Request (SDK)';
  if (request.ok) {
    const size = request.bytes !== undefined ? `, ${request.bytes} bytes` : '';
    const status = request.status !== undefined ? `${request.status} ` : '';
    return { status: 'ok', label, text: `${request.what} → ${status}OK in ${timing} (${request.records ?? 0} record${request.records === 1 ? '' : 's'}${size})` };
  }
  const answered = request.status !== undefined ? `→ ${request.status} in ${timing}` : `→ failed after ${timing}`;
  const line: CheckLine = { status: 'fail', label, text: `${request.what} ${answered}: ${visibleText(request.message ?? 'unknown error')}` };
  switch (request.kind) {
    case 'not-signed-in':
    case 'authentication':
      return {
        ...line,
        fix: request.backend === 'http' ? 'Set a current API token, or sign in again with the Fused SDK (fused.api.login() in Python).' : 'Sign in again with the Fused SDK (fused.api.login() in Python).',
        actions: request.backend === 'http' ? [SET_TOKEN, USE_SDK_SIGN_IN] : [],
      };
    case 'not-found':
      if (request.endpointMissing) {
        return {
          ...line,
          fix:
            facts.backend.setting === 'http'
              ? 'Set the audit-log path of your deployment, or set "fusedRuns.api.backend" to "auto" or "python-sdk" to use the fused SDK.'
              : facts.python?.ok === false
                ? 'Set the audit-log path of your deployment, or make the fused SDK usable (the Python line below) so "auto" can use it.'
                : 'Set the audit-log path of your deployment; until then "auto" uses the fused SDK.',
          actions: [openSetting('fusedRuns.api.auditLogPath', 'Open Audit-Log Path Setting'), openSetting('fusedRuns.api.backend', 'Open Back End Setting')],
        };
      }
      return line;
    case 'network':
    case 'timeout':
      return {
        ...line,
        fix: facts.baseUrl.loopback
          ? 'Start the local server (npm run server) or correct "fusedRuns.api.baseUrl".'
          : 'Check "fusedRuns.api.baseUrl" and your network; behind a proxy set "http.proxy" (VS Code sends Fused Runs\' requests through it).',
        actions: [openSetting('fusedRuns.api.baseUrl', 'Open Base URL Setting'), openSetting('http.proxy', 'Open Proxy Setting')],
      };
    case 'setup':
      return { ...line, fix: 'Select a Python interpreter that has the fused package.', actions: [SELECT_INTERPRETER, openSetting('fusedRuns.python.interpreter')] };
    case 'validation':
      return { ...line, fix: 'Correct "fusedRuns.api.baseUrl".', actions: [openSetting('fusedRuns.api.baseUrl', 'Open Base URL Setting')] };
    default:
      return { ...line, fix: 'See the Fused Runs log for details and try again later.', actions: [{ title: 'Show Log', command: 'fusedRuns.showLog' }] };
  }
}

export function buildConnectionLines(facts: ConnectionFacts): CheckLine[] {
  const lines: CheckLine[] = [];
  const now = facts.checkedAt;
  if (!facts.trusted) {
    lines.push({
      status: facts.ignoredWorkspaceSettings.length ? 'warn' : 'info',
      label: 'Workspace',
      text: facts.ignoredWorkspaceSettings.length
        ? `Restricted Mode: the workspace's ${facts.ignoredWorkspaceSettings.map((key) => `"${key}"`).join(', ')} ${facts.ignoredWorkspaceSettings.length === 1 ? 'is' : 'are'} ignored; user settings apply.`
        : 'Restricted Mode: connection settings come from your user settings only; Python is never started automatically.',
      fix: facts.ignoredWorkspaceSettings.length ? 'Trust this workspace if its settings should apply.' : undefined,
      actions: facts.ignoredWorkspaceSettings.length ? [MANAGE_TRUST] : undefined,
    });
  }
  lines.push(backendLine(facts));
  const usesHttp = facts.backend.inUse === 'http' || facts.requests.some((request) => request.backend === 'http');
  if (usesHttp) {
    lines.push({ status: 'info', label: 'Base URL', text: `${visibleText(facts.baseUrl.value)} (${facts.baseUrl.source})` });
    lines.push({ status: 'info', label: 'Audit-log path', text: `${visibleText(facts.auditLogPath.value)} (${facts.auditLogPath.source})` });
    if (facts.proxy?.url) lines.push({ status: 'info', label: 'Proxy', text: `${visibleText(facts.proxy.url)} ("http.proxySupport": ${facts.proxy.support})` });
  }
  const credentials = facts.credentials;
  if (credentials.source) {
    const expired = credentials.expiresAt !== undefined && credentials.expiresAt.getTime() <= now.getTime();
    lines.push({
      status: credentials.needed ? (expired ? 'fail' : 'ok') : 'info',
      label: 'Credentials',
      text: `from ${describeSource(credentials.source)}, scheme ${credentials.scheme ?? 'Bearer'}, ${describeExpiry(credentials.expiresAt, now)}${credentials.needed ? '' : ' (not used: the fused SDK signs in by itself)'}`,
      ...(expired && credentials.needed ? { fix: 'Sign in again with the Fused SDK, or set a new API token.', actions: [SET_TOKEN] } : {}),
    });
  } else if (credentials.needed) {
    lines.push({
      status: 'fail',
      label: 'Credentials',
      text: credentials.problem ? visibleText(credentials.problem) : 'none found (no saved token, no FUSED_AUTH_TOKEN, no ~/.fused/credentials).',
      fix: "Set an API token, or sign in with the Fused SDK (fused.api.login() in Python) and use the Fused SDK's sign-in.",
      actions: [SET_TOKEN, USE_SDK_SIGN_IN],
    });
  } else {
    lines.push({ status: 'info', label: 'Credentials', text: "the fused SDK signs in by itself (the extension's own token is not used)." });
  }
  // In the order they ran: HTTP first, then (for the Python back end, or auto after a 404) Python and its request.
  for (const request of facts.requests.filter((r) => r.backend === 'http')) lines.push(requestLine(request, facts));
  if (facts.python) {
    const python = facts.python;
    if (python.ok) {
      lines.push({
        status: 'ok',
        label: 'Python',
        text: `${visibleText(python.executable ?? python.command)} (Python ${python.pythonVersion ?? '?'}; from ${python.origin}): fused ${visibleText(python.fusedVersion ?? '?')}, import took ${python.importMs ?? '?'} ms`,
      });
    } else {
      lines.push({
        status: 'fail',
        label: 'Python',
        text: `${visibleText(python.command)} (from ${python.origin}): ${visibleText(python.message ?? 'failed')}`,
        fix:
          python.problem === 'restricted-mode'
            ? 'Trust the workspace, or choose the Python SDK in your user settings.'
            : python.problem === 'python-not-found'
              ? 'Install Python, or select the interpreter of the environment that has the fused package.'
              : 'Select an interpreter that has the fused package (pip install fused there).',
        actions: python.problem === 'restricted-mode' ? [MANAGE_TRUST] : [SELECT_INTERPRETER, openSetting('fusedRuns.python.interpreter')],
      });
    }
  }
  for (const request of facts.requests.filter((r) => r.backend === 'python-sdk')) lines.push(requestLine(request, facts));
  return lines;
}

/** The document: a heading, one line per check, the fix under each failed one. */
export function formatConnectionReport(lines: CheckLine[], checkedAt: Date, elapsedMs: number): string {
  const width = Math.max(...lines.map((line) => line.label.length));
  const failures = lines.filter((line) => line.status === 'fail').length;
  const out = [`Fused: Check Connection — ${checkedAt.toISOString()} (took ${elapsedMs} ms)`, ''];
  for (const line of lines) {
    out.push(`${MARK[line.status]} ${line.label.padEnd(width)}  ${line.text}`);
    if (line.fix && line.status !== 'ok' && line.status !== 'info') {
      const actions = line.actions?.length ? ` [${line.actions.map((action) => action.title).join(' | ')}]` : '';
      out.push(`  ${''.padEnd(width)}  → ${line.fix}${actions}`);
    }
  }
  out.push('', failures === 0 ? 'All checks passed.' : `${failures} check${failures === 1 ? '' : 's'} failed; the line under each says how to fix it.`);
  return `${out.join('\n')}\n`;
}

/** Reads the `exp` claim of a JWT without verifying it (only to say when a token expires); never returns the token. */
export function jwtExpiry(token: string): Date | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' && Number.isFinite(payload.exp) && payload.exp > 0 ? new Date(payload.exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}
