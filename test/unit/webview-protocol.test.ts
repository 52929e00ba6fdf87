import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildShellHtml, contentSecurityPolicy, createNonce } from '../../src/shared/webviewHtml';
import { jsonInScript, parseBundle } from '../../src/shared/webviewL10n';
import { parseDetailsState, parseWebviewMessage, RECORD_ACTIONS } from '../../src/webview/protocol';

const ID = 'rec-0001';

function refused(value: unknown, pattern: RegExp): void {
  const result = parseWebviewMessage(value, ID);
  assert.equal(result.ok, false, `expected ${JSON.stringify(value)} to be refused`);
  if (!result.ok) assert.match(result.reason, pattern);
}

describe('webview protocol: messages from the webview are validated', () => {
  it('accepts ready, every action for the panel record, and openHeader', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }, ID), { ok: true, message: { type: 'ready' } });
    for (const action of RECORD_ACTIONS) {
      assert.deepEqual(parseWebviewMessage({ type: 'action', action, id: ID }, ID), { ok: true, message: { type: 'action', action, id: ID } });
    }
    assert.deepEqual(parseWebviewMessage({ type: 'openHeader', id: ID, module_name: 'utils' }, ID), {
      ok: true,
      message: { type: 'openHeader', id: ID, module_name: 'utils' },
    });
  });

  it('refuses non-objects and unknown types', () => {
    refused(null, /expected an object, got null/);
    refused('ready', /expected an object, got "ready"/);
    refused([{ type: 'ready' }], /got an array/);
    refused({}, /unknown message type undefined/);
    refused({ type: 'runCommand', command: 'workbench.action.quit' }, /unknown message type "runCommand"/);
    refused({ type: '__proto__' }, /unknown message type/);
  });

  it('refuses an action for another record, a missing id, or a non-string id', () => {
    refused({ type: 'action', action: 'openCode', id: 'rec-0002' }, /"rec-0002" is not this panel's record \(rec-0001\)/);
    refused({ type: 'action', action: 'openCode' }, /id must be a string, got undefined/);
    refused({ type: 'action', action: 'copyId', id: 42 }, /id must be a string, got number 42/);
    refused({ type: 'openHeader', id: 'other', module_name: 'utils' }, /not this panel's record/);
  });

  it('refuses unknown actions and extra keys (no smuggled command arguments)', () => {
    refused({ type: 'action', action: 'executeCommand', id: ID }, /unknown action "executeCommand"/);
    refused({ type: 'action', action: 'toString', id: ID }, /unknown action "toString"/);
    refused({ type: 'action', action: 'openCode', id: ID, args: ['x'] }, /unexpected key\(s\) "args" in a message of type action/);
    refused({ type: 'ready', extra: true }, /unexpected key\(s\) "extra"/);
  });

  it('refuses a module name that is empty, not a string or too long', () => {
    refused({ type: 'openHeader', id: ID, module_name: '' }, /module_name must be a non-empty string/);
    refused({ type: 'openHeader', id: ID, module_name: { a: 1 } }, /got an object/);
    refused({ type: 'openHeader', id: ID, module_name: 'm'.repeat(201) }, /at most 200 characters/);
  });

  it('quotes untrusted values shortly in the reason', () => {
    const result = parseWebviewMessage({ type: 'x'.repeat(500) }, ID);
    assert.equal(result.ok, false);
    if (!result.ok) assert.ok(result.reason.length < 120, result.reason);
  });
});

describe('webview protocol: restored state', () => {
  it('reads the record id back, and nothing else', () => {
    assert.deepEqual(parseDetailsState({ id: ID }), { id: ID });
    assert.deepEqual(parseDetailsState({ id: ID, extra: 1 }), { id: ID });
    assert.equal(parseDetailsState(undefined), undefined);
    assert.equal(parseDetailsState(null), undefined);
    assert.equal(parseDetailsState({ id: '' }), undefined);
    assert.equal(parseDetailsState({ id: '   ' }), undefined);
    assert.equal(parseDetailsState({ id: 'x'.repeat(1025) }), undefined);
    assert.equal(parseDetailsState({ id: 7 }), undefined);
    // An id that is not a UUID is restored like any other: it is only ever sent back as data.
    const odd = 'run`![i](http://127.0.0.1:9/p.png)`[x](command:workbench.action.terminal.new)\u202E/../x';
    assert.deepEqual(parseDetailsState({ id: odd }), { id: odd });
  });
});

describe('webview shell HTML', () => {
  const options = {
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/details.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/details.css',
    nonce: 'bm9uY2Utbm9uY2Utbm9uY2U=',
    title: 'Run details',
    placeholder: 'Loading run…',
  };

  it('has a strict CSP: nothing by default, scripts by nonce only, no unsafe-inline or eval', () => {
    const csp = contentSecurityPolicy(options.cspSource, options.nonce);
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-bm9uY2Utbm9uY2Utbm9uY2U='(;|$)/);
    assert.match(csp, /style-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.doesNotMatch(csp, /img-src|font-src|connect-src/, 'images, fonts and fetches fall back to none');
  });

  it('loads only the bundled script (with the nonce) and stylesheet, and holds no inline script or style', () => {
    const html = buildShellHtml(options);
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(options.cspSource, options.nonce)}">`));
    // Two script elements: the bundled script (with the nonce) and the translations' JSON data block, which is never run.
    assert.deepEqual(html.match(/<script\b[^>]*>/g), ['<script type="application/json" id="l10n">', `<script nonce="${options.nonce}" src="${options.scriptUri}">`]);
    assert.ok(html.includes(`<script nonce="${options.nonce}" src="${options.scriptUri}"></script>`));
    assert.ok(html.includes(`<link rel="stylesheet" href="${options.styleUri}">`));
    assert.doesNotMatch(html, /<style\b|style="/);
  });

  it('refuses values that would break out of an attribute', () => {
    assert.throws(() => buildShellHtml({ ...options, scriptUri: 'x" onload="alert(1)' }), /scriptUri contains a quote, bracket or space/);
    assert.throws(() => buildShellHtml({ ...options, nonce: "a'b" }), /nonce/);
    assert.throws(() => buildShellHtml({ ...options, cspSource: "'self'; script-src *" }), /CSP source contains/);
    assert.throws(() => buildShellHtml({ ...options, cspSource: 'x" onload="y' }), /CSP source contains/);
  });

  it('accepts a CSP source that lists several origins (code-server gives "\'self\' https://…")', () => {
    const html = buildShellHtml({ ...options, cspSource: "'self' https://*.vscode-cdn.net" });
    assert.ok(html.includes("style-src 'self' https://*.vscode-cdn.net;"));
  });

  it("gives the page the display language's translations in a data block that no translation can break out of", () => {
    const hostile = {
      'Retry': '</script><script>alert(1)</script>',
      'Open {0}': '<!-- {0} öffnen & \u2028 "quoted" \\ ',
      'Refresh': '</SCRIPT >\u2029',
    };
    const html = buildShellHtml({ ...options, l10nBundle: hostile, language: 'de' });
    // The browser ends a script element's text at the first "</script" (any case): there must be
    // exactly the two real ones, and no comment opener inside the data block.
    assert.equal(html.match(/<\/script/gi)?.length, 2);
    const block = /<script type="application\/json" id="l10n">([^]*?)<\/script>/.exec(html)?.[1];
    assert.ok(block !== undefined);
    assert.doesNotMatch(block, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(block), hostile);
    assert.match(html, /^<!DOCTYPE html>\n<html lang="de">/);
    // English (no bundle): an empty object, and the page keeps its English templates.
    assert.match(buildShellHtml(options), /<script type="application\/json" id="l10n">\{\}<\/script>/);
    assert.match(buildShellHtml(options), /<html lang="en">/);
  });

  it('reads the data block back as the page does: translations only, anything malformed means English', () => {
    assert.deepEqual(parseBundle(jsonInScript({ Retry: 'Wiederholen', 'Sign in/the button': { message: 'Anmelden', comment: ['the button'] }, odd: 3 })), { Retry: 'Wiederholen', 'Sign in/the button': 'Anmelden' });
    assert.equal(parseBundle('{}'), undefined);
    assert.equal(parseBundle(''), undefined);
    assert.equal(parseBundle(null), undefined);
    assert.equal(parseBundle('[1]'), undefined);
    assert.equal(parseBundle('{"a":'), undefined);
  });

  it('takes a language tag for lang and nothing else', () => {
    assert.match(buildShellHtml({ ...options, language: 'zh-tw' }), /<html lang="zh-tw">/);
    assert.match(buildShellHtml({ ...options, language: 'en" onload="x' }), /<html lang="en">/);
  });

  it('creates a fresh 128-bit nonce each time', () => {
    const a = createNonce();
    const b = createNonce();
    assert.notEqual(a, b);
    assert.equal(Buffer.from(a, 'base64').length, 16);
  });
});
