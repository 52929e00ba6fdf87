// The documents feature: the read-only fused-run file system, traceback links, ANSI colours
// and the open/compare commands. Registered with one line in extension.ts.
import vscode = require('vscode');
import type { FusedServices } from '../services';
import { AnsiDecorations } from './ansiDecorations';
import { RunDocumentCommands } from './commands';
import { READONLY_MESSAGE, RunFileSystemProvider } from './runFileSystem';
import { RUN_SCHEME } from '../shared/runUri';
import { registerTracebackLinks } from './tracebackLinks';

export function registerRunDocuments(services: FusedServices): vscode.Disposable {
  const files = new RunFileSystemProvider(services);
  return vscode.Disposable.from(
    files,
    vscode.workspace.registerFileSystemProvider(RUN_SCHEME, files, { isReadonly: new vscode.MarkdownString(READONLY_MESSAGE), isCaseSensitive: true }),
    registerTracebackLinks(files),
    new AnsiDecorations(files),
    new RunDocumentCommands(services, files).register(),
  );
}
