// What activate() returns when VS Code runs the extension for its own extension-host tests
// (ExtensionMode.Test: a development extension loaded together with extensionTestsPath). In every
// other mode activate() returns undefined, so no other extension and no user can reach this.
// It hands out the objects the tests drive; nothing here is used by the extension itself.
import type { RecordDetailsPanels } from './webview/detailsPanel';
import type { UdfTreeProvider } from './views/udfTree';

export interface FusedRunsTestApi {
  /** The Fused Runs tree's data provider (the same object VS Code's TreeView asks). */
  readonly udfTree: UdfTreeProvider;
  /** The run-details panels: `deliver(recordId, message)` posts to the host as that panel's webview would. */
  readonly recordDetails: Pick<RecordDetailsPanels, 'deliver'>;
}
