// Settings that decide where the token goes or which program runs. In Restricted Mode (an
// untrusted workspace) only their user-level values count: a repository's .vscode/settings.json
// must not point the token at another server or make us start a program. VS Code also ignores
// workspace values of the `restrictedConfigurations` listed in package.json; this reads them
// explicitly through `inspect()` so the rule holds whatever the host does. Pure (no `vscode`).

/** The shape of `WorkspaceConfiguration.inspect()` that matters here. */
export interface InspectedSetting<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export type SettingSource = 'default' | 'user settings' | 'workspace settings' | 'folder settings';

export interface ResolvedSetting<T> {
  value: T;
  source: SettingSource;
  /** A workspace value that was not used because the workspace is not trusted. */
  ignoredWorkspaceValue?: T;
}

export const RESTRICTED_SETTINGS = ['fusedRuns.python.interpreter', 'fusedRuns.api.backend', 'fusedRuns.api.baseUrl', 'fusedRuns.api.auditLogPath'] as const;

export function resolveSetting<T>(inspected: InspectedSetting<T> | undefined, fallback: T, trusted: boolean): ResolvedSetting<T> {
  const workspace = inspected?.workspaceFolderValue !== undefined ? inspected.workspaceFolderValue : inspected?.workspaceValue;
  const workspaceSource: SettingSource = inspected?.workspaceFolderValue !== undefined ? 'folder settings' : 'workspace settings';
  if (workspace !== undefined && trusted) return { value: workspace, source: workspaceSource };
  const ignored = workspace !== undefined && !trusted ? { ignoredWorkspaceValue: workspace } : {};
  if (inspected?.globalValue !== undefined) return { value: inspected.globalValue, source: 'user settings', ...ignored };
  return { value: inspected?.defaultValue ?? fallback, source: 'default', ...ignored };
}

/** Loopback hosts: the local demo server (the welcome view shows its hint only then). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}
