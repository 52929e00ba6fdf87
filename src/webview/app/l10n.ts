// The page's translations. The host puts the display language's bundle (vscode.l10n.bundle) in a
// JSON data block of the HTML it builds (src/shared/webviewHtml.ts: `<script type="application/json"
// id="l10n">`, escaped so a translation cannot end the element); this module reads it and gives
// it to the page's own copy of @vscode/l10n, so `l10n.t` here and in the pure modules the page
// imports (views/presentation, text/counts) speaks the host's language. English: `{}`, and
// `l10n.t` formats the English template.
//
// Each page script imports this module FIRST: ES modules run in import order, so the bundle is
// configured before any other module's top level runs.
import * as l10n from '@vscode/l10n';
import { parseBundle } from '../../shared/webviewL10n';

const contents = parseBundle(document.getElementById('l10n')?.textContent);
if (contents) l10n.config({ contents });
