// Ids of what package.json contributes that activation itself registers (src/activation) and the
// features use. No imports: the activation bundle includes this file and nothing else of ours.

/** The run documents' scheme: fused-run:/<udf_name>/<record_id>/<file>. */
export const RUN_SCHEME = 'fused-run';
/** The UDF tree's view. */
export const UDF_TREE_VIEW_ID = 'fusedRuns.udfs';
/** The record-details webview panel (its serializer restores panels after a reload). */
export const DETAILS_VIEW_TYPE = 'fusedRuns.recordDetails';
/** The workspace's watched UDFs (workspaceState): a non-empty list resumes its polls once the window has started. */
export const WATCH_STATE_KEY = 'fusedRuns.watch.entries';
