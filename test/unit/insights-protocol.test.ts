// The insights webview's messages and saved state are untrusted input: checked before the host
// acts. Command arguments from the tree, a hover link or a code lens become one subject.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInsightsMessage, parseInsightsState, subjectKey, subjectOfArgument } from '../../src/insights/protocol';
import { buildShellHtml } from '../../src/shared/webviewHtml';

const day = { kind: 'preset', preset: 'day' } as const;
const known = new Set(['run-1']);

describe('insights messages from the webview', () => {
  it('accepts the known messages with exactly their keys', () => {
    assert.deepEqual(parseInsightsMessage({ type: 'ready' }, known), { ok: true, message: { type: 'ready' } });
    assert.deepEqual(parseInsightsMessage({ type: 'loadMore' }, known), { ok: true, message: { type: 'loadMore' } });
    assert.deepEqual(parseInsightsMessage({ type: 'openRun', id: 'run-1' }, known), { ok: true, message: { type: 'openRun', id: 'run-1' } });
    assert.deepEqual(parseInsightsMessage({ type: 'drawn', points: 10000, ms: 412.5 }, known), { ok: true, message: { type: 'drawn', points: 10000, ms: 412.5 } });
  });

  it('refuses a run the panel did not send, extra keys, unknown types and bad numbers', () => {
    const refused = (value: unknown) => assert.equal(parseInsightsMessage(value, known).ok, false, JSON.stringify(value));
    refused({ type: 'openRun', id: 'run-2' });
    refused({ type: 'openRun', id: 'run-1', command: 'workbench.action.quit' });
    refused({ type: 'ready', extra: 1 });
    refused({ type: 'runCommand' });
    refused({ type: 'drawn', points: -1, ms: 3 });
    refused({ type: 'drawn', points: 1.5, ms: 3 });
    refused({ type: 'drawn', points: 1, ms: Number.NaN });
    refused(null);
    refused(['ready']);
  });
});

describe('insights state and subjects', () => {
  it('restores a saved subject, and drops a tampered one', () => {
    const subject = { kind: 'udf_name', value: 'flaky_geocoder', scope: 'mine', range: day } as const;
    assert.deepEqual(parseInsightsState({ subject, tables: true }), { subject, tables: true });
    assert.equal(parseInsightsState({ subject: { ...subject, scope: 'everyone' } }), undefined);
    assert.equal(parseInsightsState({ subject: { ...subject, value: '  ' } }), undefined);
    assert.equal(parseInsightsState({ subject: { ...subject, range: { kind: 'custom', start: '2026-01-02T00:00:00Z', end: '2026-01-01T00:00:00Z' } } }), undefined);
    assert.equal(parseInsightsState('flaky_geocoder'), undefined);
  });

  it('a tree row, a hover link or a full subject: the tree\u2019s scope and range unless given', () => {
    const tree = { scope: 'execEnv', range: day } as const;
    assert.deepEqual(subjectOfArgument({ kind: 'udf', entry: { key: 'flaky_geocoder', groupBy: 'names' } }, tree), { kind: 'udf_name', value: 'flaky_geocoder', scope: 'execEnv', range: day });
    assert.deepEqual(subjectOfArgument({ kind: 'udf', entry: { key: 'e5f1', groupBy: 'udf_id' } }, tree), { kind: 'udf_id', value: 'e5f1', scope: 'execEnv', range: day });
    assert.deepEqual(subjectOfArgument({ udf_name: 'a' }, tree), { kind: 'udf_name', value: 'a', scope: 'execEnv', range: day });
    const week = { kind: 'udf_name', value: 'a', scope: 'mine', range: { kind: 'preset', preset: 'week' } } as const;
    assert.deepEqual(subjectOfArgument(week, tree), week);
    assert.equal(subjectOfArgument('a', tree), undefined);
    assert.equal(subjectOfArgument({ udf_name: '' }, tree), undefined);
    assert.equal(subjectOfArgument({ kind: 'run', record: {} }, tree), undefined);
  });

  it('one key per UDF, scope and range', () => {
    const a = { kind: 'udf_name', value: 'a', scope: 'mine', range: day } as const;
    assert.equal(subjectKey(a), subjectKey({ ...a }));
    assert.notEqual(subjectKey(a), subjectKey({ ...a, scope: 'execEnv' }));
    assert.notEqual(subjectKey(a), subjectKey({ ...a, range: { kind: 'preset', preset: 'week' } }));
  });
});

describe('the shell page of the insights panel', () => {
  it('has its own title and placeholder, and the same CSP (nonce, no unsafe-inline)', () => {
    const html = buildShellHtml({ cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x/insights.js', styleUri: 'https://x/insights.css', nonce: 'abc123', title: 'UDF insights', placeholder: 'Loading runs…' });
    assert.match(html, /<title>UDF insights<\/title>/);
    assert.match(html, /<p class="placeholder">Loading runs…<\/p>/);
    assert.match(html, /script-src 'nonce-abc123'/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    assert.match(buildShellHtml({ cspSource: 'x', scriptUri: 'a', styleUri: 'b', nonce: 'n', title: '<b>', placeholder: '' }), /<title>&lt;b&gt;<\/title>/);
  });
});
