// The documents feature: the read-only fused-run file system, traceback links, ANSI colours
// and the open/compare commands. Registered with one line in extension.ts.
import vscode = require('vscode');
import type { FeatureHost } from '../activation/lazyHost';
import type { FusedServices } from '../services';
import { AnsiDecorations } from './ansiDecorations';
import { RunDocumentCommands } from './commands';
import { RunFileSystemProvider } from './runFileSystem';
import { registerTracebackLinks } from './tracebackLinks';

export function registerRunDocuments(services: FusedServices, host: FeatureHost): vscode.Disposable {
  const files = new RunFileSystemProvider(services);
  return vscode.Disposable.from(
    files,
    // Activation registered the fused-run scheme (read-only, with its message); it forwards here.
    host.setRunFileSystem(files),
    registerTracebackLinks(files),
    new AnsiDecorations(files),
    new RunDocumentCommands(services, files).register(),
  );
}
