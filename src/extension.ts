// The activation entry (dist/extension.js): it registers what package.json contributes and
// nothing else. Every feature lives in the feature bundle (dist/features.js, src/features.ts),
// which LazyFeatures requires on first use: a command, the tree view shown, a hover or an open
// Python file, code lenses, a run document, a restored details or insights panel, a watch list
// to resume.
import vscode = require('vscode');
import { LazyFeatures } from './activation/lazyHost';

export function activate(context: vscode.ExtensionContext): unknown {
  const features = new LazyFeatures(context, `${__dirname}/features.js`);
  context.subscriptions.push(features);
  // VS Code's own extension tests drive the features through the API they return.
  return context.extensionMode === vscode.ExtensionMode.Test ? features.loadNow() : undefined;
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
