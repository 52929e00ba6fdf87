// The one way to tell the user something failed: the error's user message (api/errors'
// userMessage), logged, shown as text (never links) with the actions that fit its kind: Select
// Interpreter / Open Settings for a missing Python or fused package, Set API Token when signed
// out or refused, Retry when trying again can help, Check Connection for network and server
// trouble, and Show Log. A cancellation is not an error: it is logged and not shown.
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { isCancellation, isFusedApiError, isRetryable, userMessage } from '../api/errors';
import { COMMANDS, VSCODE_COMMANDS, invocation } from '../shared/commands';
import { messageText } from '../text/safeText';

export type ReportLog = Pick<vscode.LogOutputChannel, 'info' | 'error' | 'show'>;

export interface ReportOptions {
  /** What failed, shown as "<what> failed: <message>" (a UDF or run name is text, never a link). Omitted: the message alone. */
  what?: string;
  /** Offered as Retry when the error's kind says trying again can help. */
  retry?: () => unknown;
  /** The caller already logged the failure. */
  alreadyLogged?: boolean;
}

/** Logs the failure and shows it (not awaited: the message stays until dismissed). */
export function reportError(log: ReportLog, error: unknown, options: ReportOptions = {}): void {
  const { what, retry } = options;
  if (isCancellation(error)) {
    log.info(`${what ?? 'Fused Runs'}: cancelled.`);
    return;
  }
  const message = userMessage(error);
  if (!options.alreadyLogged) log.error(what ? `${what}: ${message}` : message);
  const [selectInterpreter, openSettings, setApiToken, retryAction, checkConnection, showLog] = [
    l10n.t('Select Interpreter'),
    l10n.t('Open Settings'),
    l10n.t('Set API Token'),
    l10n.t('Retry'),
    l10n.t('Check Connection'),
    l10n.t('Show Log'),
  ];
  const actions: string[] = [];
  const kind = isFusedApiError(error) ? error.kind : undefined;
  // A missing Python or fused package is fixed by choosing an interpreter, not by a token.
  if (kind === 'setup') actions.push(selectInterpreter, openSettings);
  if (kind === 'not-signed-in' || kind === 'authentication') actions.push(setApiToken);
  if (retry && isRetryable(error)) actions.push(retryAction);
  if (kind === 'network' || kind === 'timeout' || kind === 'not-found' || kind === 'authentication') actions.push(checkConnection);
  actions.push(showLog);
  const text = what ? l10n.t('{0} failed: {1}', what, message) : message;
  // `what` may name a UDF and the message may carry a server's detail: text, never links.
  void vscode.window.showErrorMessage(messageText(text), ...actions).then((choice) => {
    if (choice === retryAction) void retry?.();
    else if (choice === setApiToken) void vscode.commands.executeCommand(...invocation(COMMANDS.setApiToken));
    else if (choice === selectInterpreter) void vscode.commands.executeCommand(...invocation(COMMANDS.selectInterpreter));
    else if (choice === openSettings) void vscode.commands.executeCommand(VSCODE_COMMANDS.openSettings, 'fusedRuns.python.interpreter');
    else if (choice === checkConnection) void vscode.commands.executeCommand(...invocation(COMMANDS.checkConnection));
    else if (choice === showLog) log.show(true);
  });
}

/** A results-view query's failure, if it failed (its model already logged it); a cancelled one is not shown. */
export function reportResultsError(log: ReportLog, what: string, snapshot: { readonly error?: { readonly cancelled: boolean; readonly cause: unknown } }, retry: () => unknown): void {
  if (!snapshot.error || snapshot.error.cancelled) return;
  reportError(log, snapshot.error.cause, { what, retry, alreadyLogged: true });
}
