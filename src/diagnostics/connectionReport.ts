// "Fused: Check Connection", the report: from facts gathered by the adapter (checkConnection.ts)
// to lines in the manner of `gh auth status`. Pure (no `vscode`). Every failed line names the
// action that fixes it. Never contains a token.
import * as l10n from '@vscode/l10n';
import { COMMANDS, VSCODE_COMMANDS } from '../shared/commands';
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

// Functions, not constants: the titles are looked up when the report is built (display language).
const setToken = (): FixAction => ({ title: l10n.t('Set API Token'), command: COMMANDS.setApiToken });
const useSdkSignIn = (): FixAction => ({ title: l10n.t("Use the Fused SDK's Sign-in"), command: COMMANDS.useSdkCredentials });
const selectInterpreter = (): FixAction => ({ title: l10n.t('Select Interpreter'), command: COMMANDS.selectInterpreter });
const openSetting = (id: string, title = l10n.t('Open Settings')): FixAction => ({ title, command: VSCODE_COMMANDS.openSettings, args: [id] });
const manageTrust = (): FixAction => ({ title: l10n.t('Manage Workspace Trust'), command: 'workbench.trust.manage' });

/** Where a setting's value came from (config/restricted.ts's SettingSource), in the display language. */
function settingSourceText(source: string): string {
  switch (source) {
    case 'default':
      return l10n.t('default');
    case 'user settings':
      return l10n.t('user settings');
    case 'workspace settings':
      return l10n.t('workspace settings');
    case 'folder settings':
      return l10n.t('folder settings');
    default:
      return source;
  }
}

function describeSource(source: Credentials['source']): string {
  switch (source) {
    case 'secret-storage':
      return l10n.t('VS Code secret storage ("Fused: Set API Token")');
    case 'environment':
      return l10n.t('the FUSED_AUTH_TOKEN environment variable');
    case 'fused-sdk':
      return l10n.t("the Fused SDK's ~/.fused/credentials");
  }
}

function describeExpiry(expiresAt: Date | undefined, now: Date): string {
  if (!expiresAt) return l10n.t('expiry not known');
  const minutes = Math.round((expiresAt.getTime() - now.getTime()) / 60_000);
  if (minutes <= 0) return l10n.t('expired at {0}', expiresAt.toISOString());
  const inWords = minutes < 120 ? l10n.t('{0} min', minutes) : minutes < 48 * 60 ? l10n.t('{0} h', Math.round(minutes / 60)) : l10n.t('{0} days', Math.round(minutes / 1440));
  return l10n.t('expires {0} (in {1})', expiresAt.toISOString(), inWords);
}

function backendLine(facts: ConnectionFacts): CheckLine {
  const { setting, settingSource, inUse, switched } = facts.backend;
  const configured = l10n.t('"fusedRuns.api.backend" is "{0}" ({1})', setting, settingSourceText(settingSource));
  const name = inUse === 'http' ? 'HTTP' : l10n.t('Python SDK');
  const why =
    setting === 'auto'
      ? switched
        ? l10n.t('the audit-log path answered 404/405 here, so this session uses the fused SDK')
        : facts.trusted
          ? l10n.t('HTTP first; the fused SDK if the audit-log path is unknown here')
          : l10n.t('HTTP only: Restricted Mode never starts Python automatically')
      : l10n.t('as configured');
  return { status: 'info', label: l10n.t('Back end'), text: l10n.t('{0}: {1}; {2}.', name, configured, why) };
}

function requestLine(request: RequestFacts, facts: ConnectionFacts): CheckLine {
  const timing = l10n.t('{0} ms', request.elapsedMs);
  const label = request.backend === 'http' ? l10n.t('Request (HTTP)') : l10n.t('Request (SDK)');
  if (request.ok) {
    const records = request.records ?? 0;
    const counted = records === 1 ? l10n.t('{0} record', records) : l10n.t('{0} records', records);
    const size = request.bytes !== undefined ? l10n.t(', {0} bytes', request.bytes) : '';
    const status = request.status !== undefined ? `${request.status} ` : '';
    return { status: 'ok', label, text: l10n.t('{0} → {1}OK in {2} ({3})', request.what, status, timing, counted + size) };
  }
  const answered = request.status !== undefined ? l10n.t('→ {0} in {1}', request.status, timing) : l10n.t('→ failed after {0}', timing);
  const line: CheckLine = { status: 'fail', label, text: `${request.what} ${answered}: ${visibleText(request.message ?? l10n.t('unknown error'))}` };
  switch (request.kind) {
    case 'not-signed-in':
    case 'authentication':
      return {
        ...line,
        fix:
          request.backend === 'http'
            ? l10n.t('Set a current API token, or sign in again with the Fused SDK (fused.api.login() in Python).')
            : l10n.t('Sign in again with the Fused SDK (fused.api.login() in Python).'),
        actions: request.backend === 'http' ? [setToken(), useSdkSignIn()] : [],
      };
    case 'not-found':
      if (request.endpointMissing) {
        return {
          ...line,
          fix:
            facts.backend.setting === 'http'
              ? l10n.t('Set the audit-log path of your deployment, or set "fusedRuns.api.backend" to "auto" or "python-sdk" to use the fused SDK.')
              : facts.python?.ok === false
                ? l10n.t('Set the audit-log path of your deployment, or make the fused SDK usable (the Python line below) so "auto" can use it.')
                : l10n.t('Set the audit-log path of your deployment; until then "auto" uses the fused SDK.'),
          actions: [openSetting('fusedRuns.api.auditLogPath', l10n.t('Open Audit-Log Path Setting')), openSetting('fusedRuns.api.backend', l10n.t('Open Back End Setting'))],
        };
      }
      return line;
    case 'network':
    case 'timeout':
      return {
        ...line,
        fix: facts.baseUrl.loopback
          ? l10n.t('Start the local server (npm run server) or correct "fusedRuns.api.baseUrl".')
          : l10n.t('Check "fusedRuns.api.baseUrl" and your network; behind a proxy set "http.proxy" (VS Code sends Fused Runs\' requests through it).'),
        actions: [openSetting('fusedRuns.api.baseUrl', l10n.t('Open Base URL Setting')), openSetting('http.proxy', l10n.t('Open Proxy Setting'))],
      };
    case 'setup':
      return { ...line, fix: l10n.t('Select a Python interpreter that has the fused package.'), actions: [selectInterpreter(), openSetting('fusedRuns.python.interpreter')] };
    case 'validation':
      return { ...line, fix: l10n.t('Correct "fusedRuns.api.baseUrl".'), actions: [openSetting('fusedRuns.api.baseUrl', l10n.t('Open Base URL Setting'))] };
    default:
      return { ...line, fix: l10n.t('See the Fused Runs log for details and try again later.'), actions: [{ title: l10n.t('Show Log'), command: COMMANDS.showLog }] };
  }
}

export function buildConnectionLines(facts: ConnectionFacts): CheckLine[] {
  const lines: CheckLine[] = [];
  const now = facts.checkedAt;
  if (!facts.trusted) {
    lines.push({
      status: facts.ignoredWorkspaceSettings.length ? 'warn' : 'info',
      label: l10n.t('Workspace'),
      text: facts.ignoredWorkspaceSettings.length
        ? facts.ignoredWorkspaceSettings.length === 1
          ? l10n.t("Restricted Mode: the workspace's {0} is ignored; user settings apply.", facts.ignoredWorkspaceSettings.map((key) => `"${key}"`).join(', '))
          : l10n.t("Restricted Mode: the workspace's {0} are ignored; user settings apply.", facts.ignoredWorkspaceSettings.map((key) => `"${key}"`).join(', '))
        : l10n.t('Restricted Mode: connection settings come from your user settings only; Python is never started automatically.'),
      fix: facts.ignoredWorkspaceSettings.length ? l10n.t('Trust this workspace if its settings should apply.') : undefined,
      actions: facts.ignoredWorkspaceSettings.length ? [manageTrust()] : undefined,
    });
  }
  lines.push(backendLine(facts));
  const usesHttp = facts.backend.inUse === 'http' || facts.requests.some((request) => request.backend === 'http');
  if (usesHttp) {
    lines.push({ status: 'info', label: l10n.t('Base URL'), text: `${visibleText(facts.baseUrl.value)} (${settingSourceText(facts.baseUrl.source)})` });
    lines.push({ status: 'info', label: l10n.t('Audit-log path'), text: `${visibleText(facts.auditLogPath.value)} (${settingSourceText(facts.auditLogPath.source)})` });
    if (facts.proxy?.url) lines.push({ status: 'info', label: l10n.t('Proxy'), text: `${visibleText(facts.proxy.url)} ("http.proxySupport": ${facts.proxy.support})` });
  }
  const credentials = facts.credentials;
  if (credentials.source) {
    const expired = credentials.expiresAt !== undefined && credentials.expiresAt.getTime() <= now.getTime();
    lines.push({
      status: credentials.needed ? (expired ? 'fail' : 'ok') : 'info',
      label: l10n.t('Credentials'),
      text:
        l10n.t('from {0}, scheme {1}, {2}', describeSource(credentials.source), credentials.scheme ?? 'Bearer', describeExpiry(credentials.expiresAt, now)) +
        (credentials.needed ? '' : l10n.t(' (not used: the fused SDK signs in by itself)')),
      ...(expired && credentials.needed ? { fix: l10n.t('Sign in again with the Fused SDK, or set a new API token.'), actions: [setToken()] } : {}),
    });
  } else if (credentials.needed) {
    lines.push({
      status: 'fail',
      label: l10n.t('Credentials'),
      text: credentials.problem ? visibleText(credentials.problem) : l10n.t('none found (no saved token, no FUSED_AUTH_TOKEN, no ~/.fused/credentials).'),
      fix: l10n.t("Set an API token, or sign in with the Fused SDK (fused.api.login() in Python) and use the Fused SDK's sign-in."),
      actions: [setToken(), useSdkSignIn()],
    });
  } else {
    lines.push({ status: 'info', label: l10n.t('Credentials'), text: l10n.t("the fused SDK signs in by itself (the extension's own token is not used).") });
  }
  // In the order they ran: HTTP first, then (for the Python back end, or auto after a 404) Python and its request.
  for (const request of facts.requests.filter((r) => r.backend === 'http')) lines.push(requestLine(request, facts));
  if (facts.python) {
    const python = facts.python;
    if (python.ok) {
      lines.push({
        status: 'ok',
        label: 'Python',
        text: l10n.t(
          '{0} (Python {1}; from {2}): fused {3}, import took {4} ms',
          visibleText(python.executable ?? python.command),
          python.pythonVersion ?? '?',
          python.origin,
          visibleText(python.fusedVersion ?? '?'),
          python.importMs ?? '?',
        ),
      });
    } else {
      lines.push({
        status: 'fail',
        label: 'Python',
        text: l10n.t('{0} (from {1}): {2}', visibleText(python.command), python.origin, visibleText(python.message ?? l10n.t('failed'))),
        fix:
          python.problem === 'restricted-mode'
            ? l10n.t('Trust the workspace, or choose the Python SDK in your user settings.')
            : python.problem === 'python-not-found'
              ? l10n.t('Install Python, or select the interpreter of the environment that has the fused package.')
              : l10n.t('Select an interpreter that has the fused package (pip install fused there).'),
        actions: python.problem === 'restricted-mode' ? [manageTrust()] : [selectInterpreter(), openSetting('fusedRuns.python.interpreter')],
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
  const out = [l10n.t('Fused: Check Connection — {0} (took {1} ms)', checkedAt.toISOString(), elapsedMs), ''];
  for (const line of lines) {
    out.push(`${MARK[line.status]} ${line.label.padEnd(width)}  ${line.text}`);
    if (line.fix && line.status !== 'ok' && line.status !== 'info') {
      const actions = line.actions?.length ? ` [${line.actions.map((action) => action.title).join(' | ')}]` : '';
      out.push(`  ${''.padEnd(width)}  → ${line.fix}${actions}`);
    }
  }
  out.push(
    '',
    failures === 0
      ? l10n.t('All checks passed.')
      : failures === 1
        ? l10n.t('{0} check failed; the line under each says how to fix it.', failures)
        : l10n.t('{0} checks failed; the line under each says how to fix it.', failures),
  );
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
