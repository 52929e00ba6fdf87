// The details webview's HTML shell. It holds no record data at all: the record arrives by
// postMessage and the script lays it out as text. Pure, so the CSP is unit-tested.

import { randomBytes } from 'node:crypto';
import { jsonInScript } from './webviewL10n';

export interface ShellOptions {
  /** `webview.cspSource`: the origin the webview loads extension resources from. */
  cspSource: string;
  /** `webview.asWebviewUri(...)` of dist/webview/details.js and details.css, as strings. */
  scriptUri: string;
  styleUri: string;
  nonce: string;
  /** The page's title and what it shows before its script runs (translated by the host). */
  title: string;
  placeholder: string;
  /**
   * The translations of the display language (`vscode.l10n.bundle`; undefined in English). The
   * page reads them from a JSON data block (see src/webview/app/l10n.ts) and gives them to its own
   * copy of @vscode/l10n, so its `l10n.t` calls speak the language the host does.
   */
  l10nBundle?: Readonly<Record<string, unknown>>;
  /** The display language (`vscode.env.language`), the page's `lang`: screen readers pick their voice by it. */
  language?: string;
}

/** 128 random bits, base64: a fresh one for every HTML the panel gets. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * No inline script or style, nothing from the network: scripts only with the nonce, the one
 * stylesheet only from the extension; no images or fonts at all (the page uses neither, and no
 * codicons). Lit's component styles are constructable stylesheets (adoptedStyleSheets), which
 * `style-src` does not govern, so no 'unsafe-inline' (checked in the real Chromium: no CSP
 * report while the components render styled).
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
}

export function buildShellHtml(options: ShellOptions): string {
  // These come from VS Code and crypto, never from a record; still, refuse anything that could
  // break out of an attribute or (for the CSP source, which may be a list such as
  // "'self' https://*.vscode-cdn.net") add a directive.
  if (/["<>;,\r\n]/.test(options.cspSource)) throw new Error('Refusing to build the details page: the webview CSP source contains a quote, bracket, separator or line break.');
  for (const name of ['scriptUri', 'styleUri', 'nonce'] as const) {
    if (/["'<>\s]/.test(options[name])) throw new Error(`Refusing to build the details page: ${name} contains a quote, bracket or space.`);
  }
  // A language tag is letters, digits and hyphens ("en", "zh-tw", "pt-br"); anything else is not one.
  const language = options.language && /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(options.language) ? options.language : 'en';
  const csp = contentSecurityPolicy(options.cspSource, options.nonce);
  return `<!DOCTYPE html>
<html lang="${language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${options.styleUri}">
<title>${escapeText(options.title)}</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="placeholder">${escapeText(options.placeholder)}</p></main>
<script type="application/json" id="l10n">${jsonInScript(options.l10nBundle ?? {})}</script>
<script nonce="${options.nonce}" src="${options.scriptUri}"></script>
</body>
</html>`;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
