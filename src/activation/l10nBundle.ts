// Strings in code go through @vscode/l10n's t(), which pure modules can call (they cannot import
// vscode) and which the exporter (`npm run l10n`, @vscode/l10n-dev) reads into
// l10n/bundle.l10n.json. Here it gets the translations VS Code loaded for the display language
// (vscode.l10n.bundle: undefined in English, where t() formats the English template).
// Each esbuild bundle has its own copy of @vscode/l10n, so each lazily loaded bundle that
// translates calls this when it loads: dist/features.js (the only one today).
import vscode = require('vscode');
import * as l10n from '@vscode/l10n';

export function configureL10n(): void {
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
}
