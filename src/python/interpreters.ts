// Which Python the Python back end runs, in order of preference. Pure (no `vscode`): the adapter
// (pythonEnvironment.ts) reads the setting and the Python extension's choice and passes them in.
import * as l10n from '@vscode/l10n';
import type { PythonCommand } from '../api/pythonSdkSource';

export interface InterpreterChoiceInput {
  /** `fusedRuns.python.interpreter` as it applies ('' = not set: use the Python extension's). */
  setting: string;
  /** The interpreter the Python extension selected for this workspace, when it is installed and may be used. */
  pythonExtension?: string;
  platform: NodeJS.Platform;
}

/**
 * An explicit setting wins; then the Python extension's selection; without either, what is on
 * PATH: `python3`, `python`, and on Windows the launcher `py -3`.
 */
export function interpreterCandidates(input: InterpreterChoiceInput): PythonCommand[] {
  const setting = input.setting.trim();
  if (setting) return [{ command: setting, args: [], origin: 'setting' }];
  const selected = input.pythonExtension?.trim();
  if (selected) return [{ command: selected, args: [], origin: 'python-extension' }];
  const onPath: PythonCommand[] = [
    { command: 'python3', args: [], origin: 'path' },
    { command: 'python', args: [], origin: 'path' },
  ];
  if (input.platform === 'win32') onPath.push({ command: 'py', args: ['-3'], origin: 'path' });
  return onPath;
}

/** Why this interpreter, in words (Check Connection, log). */
export function describeInterpreterOrigin(origin: PythonCommand['origin']): string {
  switch (origin) {
    case 'setting':
      return '"fusedRuns.python.interpreter"';
    case 'python-extension':
      return l10n.t("the Python extension's selected interpreter");
    case 'path':
      return l10n.t('PATH, as no interpreter is selected');
  }
}
