// One way to tell the user a query failed: the client's actionable message, logged, with the
// actions that can help (Retry, Set API Token, Show Log). Cancellation is not an error.
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import { COMMANDS, VSCODE_COMMANDS, invocation } from '../shared/commands';
import { isCancellation, isFusedApiError, userMessage } from '../api/errors';
import { messageText } from '../text/safeText';
import type { FusedServices } from '../services';
import type { ResultsSnapshot } from '../views/results/resultsModel';
import { isRetryable } from '../views/results/resultsView';

// The one cancellation check lives with the errors it recognises.
export { isCancellation };

/** Shows the error of a results-view query, if it failed (the model already logged it). */
export function reportResultsError(services: FusedServices, what: string, snapshot: ResultsSnapshot, retry: () => unknown): void {
  if (!snapshot.error || snapshot.error.cancelled) return;
  reportQueryError(services, what, snapshot.error.cause, retry, { alreadyLogged: true });
}

/** Logs the failure and shows it (not awaited: the message stays until dismissed). */
export function reportQueryError(services: FusedServices, what: string, error: unknown, retry?: () => unknown, options: { alreadyLogged?: boolean } = {}): void {
  if (isCancellation(error)) {
    services.log.info(`${what}: cancelled.`);
    return;
  }
  const message = userMessage(error);
  if (!options.alreadyLogged) services.log.error(`${what}: ${message}`);
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
  // `what` may name a UDF and the message may carry a server's detail: text, never links.
  void vscode.window.showErrorMessage(messageText(l10n.t('{0} failed: {1}', what, message)), ...actions).then((choice) => {
    if (choice === retryAction) void retry?.();
    else if (choice === setApiToken) void vscode.commands.executeCommand(...invocation(COMMANDS.setApiToken));
    else if (choice === selectInterpreter) void vscode.commands.executeCommand(...invocation(COMMANDS.selectInterpreter));
    else if (choice === openSettings) void vscode.commands.executeCommand(VSCODE_COMMANDS.openSettings, 'fusedRuns.python.interpreter');
    else if (choice === checkConnection) void vscode.commands.executeCommand(...invocation(COMMANDS.checkConnection));
    else if (choice === showLog) services.log.show(true);
  });
}
