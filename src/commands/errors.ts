// One way to tell the user a query failed: the client's actionable message, logged, with the
// actions that can help (Retry, Set API Token, Show Log). Cancellation is not an error.
import vscode = require('vscode');
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
  const actions: string[] = [];
  const kind = isFusedApiError(error) ? error.kind : undefined;
  // A missing Python or fused package is fixed by choosing an interpreter, not by a token.
  if (kind === 'setup') actions.push('Select Interpreter', 'Open Settings');
  if (kind === 'not-signed-in' || kind === 'authentication') actions.push('Set API Token');
  if (retry && isRetryable(error)) actions.push('Retry');
  if (kind === 'network' || kind === 'timeout' || kind === 'not-found' || kind === 'authentication') actions.push('Check Connection');
  actions.push('Show Log');
  // `what` may name a UDF and the message may carry a server's detail: text, never links.
  void vscode.window.showErrorMessage(messageText(`${what} failed: ${message}`), ...actions).then((choice) => {
    if (choice === 'Retry') void retry?.();
    else if (choice === 'Set API Token') void vscode.commands.executeCommand('fusedRuns.setApiToken');
    else if (choice === 'Select Interpreter') void vscode.commands.executeCommand('fusedRuns.selectInterpreter');
    else if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'fusedRuns.python.interpreter');
    else if (choice === 'Check Connection') void vscode.commands.executeCommand('fusedRuns.checkConnection');
    else if (choice === 'Show Log') services.log.show(true);
  });
}
