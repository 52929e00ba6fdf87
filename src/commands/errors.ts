// One way to tell the user a query failed: the client's actionable message, logged, with the
// actions that can help (Retry, Set API Token, Show Log). Cancellation is not an error.
import vscode = require('vscode');
import { CancelledError, isFusedApiError } from '../api/errors';
import type { FusedServices } from '../services';
import type { ResultsSnapshot } from '../views/results/resultsModel';
import { isRetryable } from '../views/results/resultsView';

export function isCancellation(error: unknown): boolean {
  return error instanceof CancelledError || (error instanceof Error && error.name === 'AbortError');
}

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
  const message = error instanceof Error ? error.message : String(error);
  if (!options.alreadyLogged) services.log.error(`${what}: ${message}`);
  const actions: string[] = [];
  const signInProblem = isFusedApiError(error) && (error.kind === 'not-signed-in' || error.kind === 'authentication');
  if (signInProblem) actions.push('Set API Token');
  if (retry && isRetryable(error)) actions.push('Retry');
  actions.push('Show Log');
  void vscode.window.showErrorMessage(`${what} failed: ${message}`, ...actions).then((choice) => {
    if (choice === 'Retry') void retry?.();
    else if (choice === 'Set API Token') void vscode.commands.executeCommand('fusedRuns.setApiToken');
    else if (choice === 'Show Log') services.log.show(true);
  });
}
