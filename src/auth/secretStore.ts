// The VS Code side of credentials: the token lives in SecretStorage; the resolution order
// (SecretStorage, then FUSED_AUTH_TOKEN, then the Fused SDK's ~/.fused/credentials) is in
// credentials.ts. The token is never logged, shown, or written to settings.
import * as os from 'node:os';
import vscode = require('vscode');
import { COMMANDS, invocation } from '../shared/commands';
import * as l10n from '@vscode/l10n';
import type { Credentials } from '../api/client';
import { messageText } from '../text/safeText';
import { resolveCredentials } from './credentials';
import { DisposableStore } from '../util/disposables';

const SECRET_KEY = 'fusedRuns.apiToken';
/** Context key for `viewsWelcome` and menus. */
const SIGNED_IN_CONTEXT = 'fusedRuns.signedIn';

export class AuthService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private lastProblem: string | undefined;
  private lastSource: Credentials['source'] | undefined;
  private readonly subscriptions = new DisposableStore();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    /** True while the back end in use signs in by itself (the Python SDK): the views then need no token of ours. */
    private readonly tokenOptional: () => boolean = () => false,
  ) {
    this.subscriptions.add(
      this.changed,
      secrets.onDidChange((event) => {
        if (event.key === SECRET_KEY) this.changed.fire();
      }),
    );
  }

  /** Called before every request, so a token set or refreshed elsewhere is picked up at once. */
  async getCredentials(): Promise<Credentials | undefined> {
    const secretToken = await this.secrets.get(SECRET_KEY);
    const { credentials, problem } = await resolveCredentials({
      secretToken,
      env: process.env,
      homeDir: os.homedir(),
      now: new Date(),
    });
    if (problem !== this.lastProblem) {
      this.lastProblem = problem;
      if (problem) this.log.warn(`Credentials: ${problem}`);
    }
    if (credentials?.source !== this.lastSource) {
      this.lastSource = credentials?.source;
      this.log.info(credentials ? `Using Fused credentials from ${describeSource(credentials.source)}.` : 'No Fused credentials found.');
    }
    void vscode.commands.executeCommand('setContext', SIGNED_IN_CONTEXT, credentials !== undefined || this.tokenOptional());
    return credentials;
  }

  /** Why no usable credentials were found (e.g. an expired SDK token), for error rows. */
  get problem(): string | undefined {
    return this.lastProblem;
  }

  async setToken(): Promise<boolean> {
    const token = await vscode.window.showInputBox({
      title: l10n.t('Fused: Set API Token'),
      prompt: l10n.t('Paste your Fused API token. It is kept in VS Code’s secret storage, never in settings.'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? (/\s/.test(value.trim()) ? l10n.t('A token has no spaces.') : undefined) : l10n.t('Enter a token, or press Escape to cancel.')),
    });
    if (token === undefined) return false;
    await this.secrets.store(SECRET_KEY, token.trim());
    this.log.info('API token saved to secret storage.');
    await this.getCredentials();
    return true;
  }

  async signOut(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
    this.log.info('API token removed from secret storage.');
    const remaining = await this.getCredentials();
    if (remaining) {
      void vscode.window.showInformationMessage(
        l10n.t('Signed out of Fused Runs. Credentials from {0} are still in use; remove them there to sign out completely.', describeSource(remaining.source)),
      );
    }
    this.changed.fire();
  }

  /** "Use Fused SDK credentials": clears our own token so ~/.fused/credentials is used. */
  async useSdkCredentials(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
    const credentials = await this.getCredentials();
    if (credentials?.source === 'fused-sdk') {
      void vscode.window.showInformationMessage(l10n.t('Fused Runs now uses your Fused SDK credentials (~/.fused/credentials).'));
    } else if (credentials) {
      void vscode.window.showInformationMessage(l10n.t("Fused Runs uses credentials from {0}, which come before the Fused SDK's.", describeSource(credentials.source)));
    } else {
      // No credentials file: the SDK may still sign in by itself (notebooks, other stores), so
      // offer to let the SDK answer the queries instead.
      const useSdk = l10n.t('Use the Python SDK Back End');
      const checkConnection = l10n.t('Check Connection');
      // The problem quotes a file path from the environment: text only.
      void vscode.window.showWarningMessage(
        messageText(this.lastProblem) ||
          l10n.t('No Fused SDK credentials found in ~/.fused/credentials. Sign in with the fused Python package (fused.api.login()), use the Python SDK back end (it signs in by itself), or run "Fused: Set API Token".'),
        useSdk,
        checkConnection,
      ).then(async (choice) => {
        if (choice === useSdk) {
          await vscode.workspace.getConfiguration('fusedRuns').update('api.backend', 'python-sdk', vscode.ConfigurationTarget.Global);
          this.log.info('"fusedRuns.api.backend" set to "python-sdk" in the user settings.');
        } else if (choice === checkConnection) {
          void vscode.commands.executeCommand(...invocation(COMMANDS.checkConnection));
        }
      });
    }
    this.changed.fire();
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}

function describeSource(source: Credentials['source']): string {
  switch (source) {
    case 'secret-storage':
      return l10n.t('VS Code secret storage');
    case 'environment':
      return l10n.t('the FUSED_AUTH_TOKEN environment variable');
    case 'fused-sdk':
      return l10n.t('the Fused SDK (~/.fused/credentials)');
  }
}
