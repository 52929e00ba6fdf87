// Settings the query commands read. Values are clamped to the API's caps, so a hand-edited
// settings.json can never make the UI send a limit over 300.
import vscode = require('vscode');
import { LIMITS } from '../api/types';

export const DEFAULT_RESULTS_PAGE_SIZE = 50;
export const DEFAULT_EXPORT_MAX_RECORDS = 10_000;
export const MAX_EXPORT_RECORDS = 1_000_000;

function clampInteger(value: unknown, fallback: number, min: number, max: number): number {
  const number = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : fallback;
  return Math.min(max, Math.max(min, number));
}

/** Runs per page in the Query Results view (`fusedRuns.results.pageSize`, 1..300). */
export function resultsPageSize(): number {
  const value = vscode.workspace.getConfiguration('fusedRuns').get<unknown>('results.pageSize', DEFAULT_RESULTS_PAGE_SIZE);
  return clampInteger(value, DEFAULT_RESULTS_PAGE_SIZE, 1, LIMITS.maxLimit);
}

/** Record budget of one export (`fusedRuns.export.maxRecords`). */
export function exportMaxRecords(): number {
  const value = vscode.workspace.getConfiguration('fusedRuns').get<unknown>('export.maxRecords', DEFAULT_EXPORT_MAX_RECORDS);
  return clampInteger(value, DEFAULT_EXPORT_MAX_RECORDS, 1, MAX_EXPORT_RECORDS);
}
