// The user's Python, as VS Code knows it: the interpreter the Python extension selected for the
// workspace (through @vscode/python-extension, loaded only when the Python back end starts; no
// extensionDependencies, since the HTTP back end needs no Python), the explicit setting, or PATH.
// In Restricted Mode the Python extension's choice is not used: it may point into the untrusted
// workspace (a .venv there), and starting it would run that workspace's code.
import * as path from 'node:path';
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';
import type { PythonExtension } from '@vscode/python-extension';
import type { PythonCommand } from '../api/pythonSdkSource';
import { SECTION, updateUserSetting } from '../config/settings';
import { interpreterCandidates } from './interpreters';
import { DisposableStore } from '../util/disposables';

const PYTHON_EXTENSION_ID = 'ms-python.python';

export class PythonEnvironments implements vscode.Disposable {
  private api: Promise<PythonExtension | undefined> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** The Python extension's selected environment changed (only after the API was first used). */
  readonly onDidChangeSelection = this.changed.event;
  private readonly subscriptions = new DisposableStore(this.changed);

  constructor(private readonly log: vscode.LogOutputChannel) {}

  get pythonExtensionInstalled(): boolean {
    return vscode.extensions.getExtension(PYTHON_EXTENSION_ID) !== undefined;
  }

  /** The interpreters to try, in order, for the current settings (see interpreters.ts). */
  async candidates(setting: string): Promise<PythonCommand[]> {
    const selected = setting.trim() || !vscode.workspace.isTrusted ? undefined : await this.selectedInterpreter();
    return interpreterCandidates({ setting, pythonExtension: selected, platform: process.platform });
  }

  /** The Python extension's selected interpreter for the first workspace folder, if it is installed. */
  async selectedInterpreter(): Promise<string | undefined> {
    const api = await this.loadApi();
    if (!api) return undefined;
    try {
      const resource = vscode.workspace.workspaceFolders?.[0];
      const active = api.environments.getActiveEnvironmentPath(resource);
      const resolved = await api.environments.resolveEnvironment(active);
      return resolved?.executable.uri?.fsPath ?? active.path;
    } catch (error) {
      this.log.warn(`Could not read the Python extension's selected interpreter: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** "Select Interpreter": the Python extension's picker, or a file picker that writes our setting. */
  async selectInterpreter(): Promise<void> {
    if (this.pythonExtensionInstalled && vscode.workspace.isTrusted) {
      await vscode.commands.executeCommand('python.setInterpreter');
      return;
    }
    const picked = await vscode.window.showOpenDialog({
      title: l10n.t('Select the Python interpreter that has the fused package'),
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      openLabel: l10n.t('Use This Python'),
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (!picked?.[0]) return;
    await updateUserSetting('python.interpreter', picked[0].fsPath);
    this.log.info(`"${SECTION}.python.interpreter" set to ${picked[0].fsPath} (user settings).`);
  }

  private loadApi(): Promise<PythonExtension | undefined> {
    this.api ??= (async () => {
      if (!this.pythonExtensionInstalled) return undefined;
      try {
        // Loaded here, not at activation: only the Python back end needs it.
        const { PythonExtension: Api } = await import('@vscode/python-extension');
        const api = await Api.api();
        this.subscriptions.add(
          api.environments.onDidChangeActiveEnvironmentPath((event) => {
            this.log.info(`The Python extension selected another interpreter (${path.basename(event.path)}); restarting the fused SDK worker.`);
            this.changed.fire();
          }),
        );
        return api;
      } catch (error) {
        this.log.warn(`The Python extension's API is not available: ${(error as Error).message}`);
        return undefined;
      }
    })();
    return this.api;
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}
