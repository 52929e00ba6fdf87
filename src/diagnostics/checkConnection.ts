// "Fused: Check Connection": gathers the facts (settings and where they came from, credentials,
// the user's Python, one small timed request) and opens the report (connectionReport.ts) as a
// read-only document; failed checks also offer their fixes as buttons. Runs in a few seconds:
// no retries, and short time limits of its own.
import vscode = require('vscode');
import { COMMANDS } from '../shared/commands';
import * as l10n from '@vscode/l10n';
import { FusedApiError, NotFoundError, SetupError, userMessage } from '../api/errors';
import { PythonSdkSource, describeCommand } from '../api/pythonSdkSource';
import { readConnectionSettings, type ConnectionSettings } from '../config/settings';
import { isLoopbackUrl } from '../config/restricted';
import type { Backend } from '../connection/backendChoice';
import { describeInterpreterOrigin } from '../python/interpreters';
import type { FusedServices } from '../services';
import {
  buildConnectionLines,
  formatConnectionReport,
  jwtExpiry,
  type CheckLine,
  type ConnectionFacts,
  type PythonFacts,
  type RequestFacts,
} from './connectionReport';

const SCHEME = 'fused-check';
export const REPORT_URI = vscode.Uri.from({ scheme: SCHEME, path: '/Fused Connection Check.log' });
/** Check Connection's own limits: it must answer in seconds even when a request would hang. */
const HTTP_LIMIT_MS = 10_000;
const PYTHON_LIMIT_MS = 20_000;

export function registerCheckConnection(services: FusedServices): vscode.Disposable {
  let report = `${l10n.t('Run "Fused: Check Connection" to fill this document.')}\n`;
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const provider: vscode.TextDocumentContentProvider = { onDidChange: changed.event, provideTextDocumentContent: () => report };
  const command = vscode.commands.registerCommand(COMMANDS.checkConnection, async () => {
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: l10n.t('Fused: checking the connection…'), cancellable: true },
      async (_progress, token) => {
        const abort = new AbortController();
        const subscription = token.onCancellationRequested(() => abort.abort());
        try {
          return await runCheck(services, abort.signal);
        } finally {
          subscription.dispose();
        }
      },
    );
    report = outcome.text;
    changed.fire(REPORT_URI);
    for (const line of outcome.text.trimEnd().split('\n')) services.log.info(`Check Connection: ${line}`);
    const document = await vscode.workspace.openTextDocument(REPORT_URI);
    await vscode.window.showTextDocument(document, { preview: false });
    offerFixes(outcome.lines);
  });
  return vscode.Disposable.from(changed, vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider), command);
}

/** Failed checks' fixes as buttons (the document names them too). */
function offerFixes(lines: CheckLine[]): void {
  const failed = lines.filter((line) => line.status === 'fail');
  if (failed.length === 0) return;
  const actions = failed.flatMap((line) => line.actions ?? []).filter((action, index, all) => all.findIndex((other) => other.title === action.title) === index).slice(0, 3);
  void vscode.window
    .showWarningMessage(
      failed.length === 1
        ? l10n.t('Fused: Check Connection found {0} problem ({1}).', failed.length, failed.map((line) => line.label).join(', '))
        : l10n.t('Fused: Check Connection found {0} problems ({1}).', failed.length, failed.map((line) => line.label).join(', ')),
      ...actions.map((action) => action.title),
    )
    .then((choice) => {
      const action = actions.find((candidate) => candidate.title === choice);
      if (action) void vscode.commands.executeCommand(action.command, ...(action.args ?? []));
    });
}

export async function runCheck(services: FusedServices, signal: AbortSignal): Promise<{ text: string; lines: CheckLine[] }> {
  const started = Date.now();
  const checkedAt = new Date();
  const settings = readConnectionSettings();
  const inUse: Backend = settings.backend === 'python-sdk' ? 'python-sdk' : settings.backend === 'http' ? 'http' : services.autoSwitched ? 'python-sdk' : 'http';
  const credentials = await services.auth.getCredentials();
  const http = vscode.workspace.getConfiguration('http');
  const proxyUrl = http.get<string>('proxy', '').trim();
  const facts: ConnectionFacts = {
    checkedAt,
    trusted: settings.trusted,
    ignoredWorkspaceSettings: Object.entries(settings.resolved)
      .filter(([, resolved]) => resolved.ignoredWorkspaceValue !== undefined)
      .map(([key]) => (key === 'pythonInterpreter' ? 'fusedRuns.python.interpreter' : `fusedRuns.api.${key}`)),
    backend: { setting: settings.backend, settingSource: settings.resolved.backend.source, inUse, switched: settings.backend === 'auto' && inUse === 'python-sdk' },
    baseUrl: { value: settings.baseUrl, source: settings.resolved.baseUrl.source, loopback: isLoopbackUrl(settings.baseUrl) },
    auditLogPath: { value: settings.auditLogPath, source: settings.resolved.auditLogPath.source },
    proxy: proxyUrl ? { url: withoutUserInfo(proxyUrl), support: http.get<string>('proxySupport', 'override') } : undefined,
    credentials: {
      needed: inUse === 'http',
      source: credentials?.source,
      scheme: credentials?.scheme,
      expiresAt: credentials ? (credentials.expiresAt ?? jwtExpiry(credentials.token)) : undefined,
      problem: credentials ? undefined : services.auth.problem,
    },
    requests: [],
  };
  if (inUse === 'http') {
    const request = await httpRequest(services, settings, signal);
    facts.requests.push(request);
    if (!request.ok && request.endpointMissing && settings.backend === 'auto') {
      // What `auto` would do next: ask the SDK (never in Restricted Mode).
      if (settings.trusted) await pythonChecks(services, settings, facts, signal);
      else facts.python = { ok: false, command: 'Python', origin: l10n.t('the auto back end'), message: l10n.t('not started in Restricted Mode.'), problem: 'restricted-mode' };
    }
  } else {
    await pythonChecks(services, settings, facts, signal);
  }
  const lines = buildConnectionLines(facts);
  return { text: formatConnectionReport(lines, checkedAt, Date.now() - started), lines };
}

async function httpRequest(services: FusedServices, settings: ConnectionSettings, signal: AbortSignal): Promise<RequestFacts> {
  const started = Date.now();
  let what = `GET ${settings.baseUrl}${settings.auditLogPath}?limit=1`;
  try {
    const client = services.createHttpClient(settings, { timeoutMs: Math.min(settings.timeoutMs, HTTP_LIMIT_MS), maxAttempts: 1 });
    what = `GET ${client.description}?limit=1`;
    try {
      const answer = await client.timedQuery({ limit: 1 }, { signal });
      return { backend: 'http', what, ok: true, status: answer.status, elapsedMs: answer.elapsedMs, records: answer.page.items.length, bytes: answer.bytes };
    } finally {
      await client.close();
    }
  } catch (error) {
    return { backend: 'http', what, ok: false, elapsedMs: Date.now() - started, ...failure(error) };
  }
}

async function pythonChecks(services: FusedServices, settings: ConnectionSettings, facts: ConnectionFacts, signal: AbortSignal): Promise<void> {
  const interpreters = await services.python.candidates(settings.pythonInterpreter);
  const command = interpreters.map(describeCommand).join(', then ');
  const origin = interpreters[0] ? describeInterpreterOrigin(interpreters[0].origin) : 'nowhere';
  const sdk = new PythonSdkSource({ interpreters, timeoutMs: Math.min(settings.timeoutMs * 2, PYTHON_LIMIT_MS), logger: services.log });
  try {
    let python: PythonFacts;
    try {
      const info = await sdk.probe({ signal });
      python = {
        ok: true,
        command: describeCommand(info.command),
        origin: describeInterpreterOrigin(info.command.origin),
        executable: info.executable,
        pythonVersion: info.pythonVersion,
        fusedVersion: info.fusedVersion,
        importMs: info.importMs,
      };
    } catch (error) {
      python = { ok: false, command, origin, message: userMessage(error), problem: error instanceof SetupError ? error.problem : 'other' };
    }
    facts.python = python;
    if (!python.ok) return;
    const started = Date.now();
    try {
      const page = await sdk.query({ limit: 1 }, { signal });
      facts.requests.push({ backend: 'python-sdk', what: 'fused.api.log(limit=1)', ok: true, elapsedMs: Date.now() - started, records: page.items.length });
    } catch (error) {
      facts.requests.push({ backend: 'python-sdk', what: 'fused.api.log(limit=1)', ok: false, elapsedMs: Date.now() - started, ...failure(error) });
    }
  } finally {
    await sdk.close();
  }
}

function failure(error: unknown): Pick<RequestFacts, 'message' | 'kind' | 'status' | 'endpointMissing'> {
  if (error instanceof FusedApiError) {
    const status = (error as { status?: unknown }).status;
    return {
      message: error.message,
      kind: error.kind,
      status: typeof status === 'number' && status > 0 ? status : undefined,
      endpointMissing: error instanceof NotFoundError && error.endpointMissing,
    };
  }
  return { message: userMessage(error) };
}

/** A proxy URL may carry a user name and password: never shown. */
function withoutUserInfo(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = '***';
      parsed.password = '';
    }
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}
