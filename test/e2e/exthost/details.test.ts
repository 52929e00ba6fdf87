// The run-details panel's host side in the real extension host: every message its webview can
// send is checked before the host acts. Through the test API, messages reach the panel exactly
// as its webview's would (the same receive path), so each valid one is seen acting (a document
// opens, the record is read again) and each forged one is seen refused with its reason and
// doing nothing: no editor, no request. (The UI suite posts forged messages through the real
// webview channel too; this covers every kind of message and its effect, without pixels.)
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AuditLogRecord } from '../../../src/api/types';
import { stripAnsi } from '../../../src/text/ansi';
import { parseUdfData } from '../../../src/shared/udfData';
import type { FusedRunsTestApi } from '../../../src/testApi';
import { demoFixtures } from '../../server/generator';
import { waitUntil } from '../harness/wait';
import { loadRecords, requestsOf, server, testApi } from './support';

function openTabs(): string[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((tab) => tab.label));
}

describe('run details panel messages (extension host)', function () {
  let api: FusedRunsTestApi;
  let records: AuditLogRecord[];
  /** A failed run of mine whose udf_data has header modules: every action has something to open. */
  let record: AuditLogRecord;
  let other: AuditLogRecord;

  before(async () => {
    api = await testApi();
    records = loadRecords();
    const fixtures = demoFixtures(records);
    const found = records.find((r) => r.user_email === fixtures.demoEmail && r.stderr && parseUdfData(r.udf_data).headers.length > 0 && (r.udf_data?.length ?? 0) < 100_000);
    assert.ok(found, 'the data set has a failed run with header modules');
    record = found;
    other = records.find((r) => r.id === fixtures.plainCodeId)!;
  });

  beforeEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('fusedRuns.showDetails', { id: record.id, udf_name: record.udf_name });
    // The panel's title becomes "<udf name> · <time>" once the record has arrived.
    await waitUntil(() => openTabs().some((label) => label.startsWith(`${record.udf_name} · `) && !label.endsWith('loading…')), {
      timeout: 30_000,
      message: () => `the details panel shows its record (tabs: ${JSON.stringify(openTabs())})`,
    });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('acts on valid messages: open stderr, refresh (reads the record again), open a header module, ready', async () => {
    const deliver = (message: unknown) => api.recordDetails.deliver(record.id, message);

    assert.deepEqual(await deliver({ type: 'action', action: 'openStderr', id: record.id }), { accepted: true });
    const stderr = vscode.window.activeTextEditor?.document;
    assert.ok(stderr && stderr.uri.scheme === 'fused-run' && stderr.uri.path.endsWith('/stderr.log') && stderr.uri.path.includes(record.id), `stderr opened: ${stderr?.uri.toString()}`);
    assert.equal(stderr.getText(), stripAnsi(record.stderr ?? '').text);

    await server.resetStats();
    assert.deepEqual(await deliver({ type: 'action', action: 'refresh', id: record.id }), { accepted: true });
    await waitUntil(async () => requestsOf(await server.stats(), (shape) => shape === 'id') === 1, { timeout: 15_000, message: 'Refresh reads the record by id' });

    const header = parseUdfData(record.udf_data).headers[0];
    assert.deepEqual(await deliver({ type: 'openHeader', id: record.id, module_name: header.module_name }), { accepted: true });
    const module = vscode.window.activeTextEditor?.document;
    assert.ok(module && module.uri.path.endsWith(`/headers/${header.module_name}.py`), `the header module opened: ${module?.uri.toString()}`);
    assert.equal(module.getText(), header.source_code);

    // A (re)loaded webview says ready: the host sends what it has, without reading it again.
    await server.resetStats();
    assert.deepEqual(await deliver({ type: 'ready' }), { accepted: true });
    assert.equal((await server.stats()).requests, 0, 'ready is answered from what the panel holds');
  });

  it('refuses forged messages with their reason and does nothing for them', async () => {
    const deliver = (message: unknown) => api.recordDetails.deliver(record.id, message);
    const tabsBefore = openTabs();
    await server.resetStats();
    const forged: [unknown, RegExp][] = [
      [{ type: 'action', action: 'openCode', id: other.id }, /is not this panel's record/],
      [{ type: 'action', action: 'openCode' }, /id/],
      [{ type: 'action', action: 'workbench.action.quit', id: record.id }, /unknown action "workbench\.action\.quit"/],
      [{ type: 'action', action: 'openCode', id: record.id, args: ['file:///etc/passwd'] }, /unexpected key\(s\) "args"/],
      [{ type: 'runCommand', command: 'workbench.action.quit' }, /unknown message type "runCommand"/],
      [{ type: 'ready', extra: 1 }, /unexpected key\(s\) "extra"/],
      [{ type: 'openHeader', id: record.id, module_name: '' }, /module_name must be a non-empty string/],
      [{ type: 'openHeader', id: record.id, module_name: 'x'.repeat(10_000) }, /module_name must be a non-empty string/],
      [{ type: 'openHeader', id: other.id, module_name: 'anything' }, /is not this panel's record/],
      ['openCode', /expected an object, got "openCode"/],
      [null, /expected an object/],
      [['action', 'openCode'], /expected an object/],
      [42, /expected an object/],
    ];
    for (const [message, reason] of forged) {
      const outcome = await deliver(message);
      assert.equal(outcome.accepted, false, `accepted ${JSON.stringify(message).slice(0, 120)}`);
      assert.match(outcome.reason ?? '', reason, `reason for ${JSON.stringify(message).slice(0, 120)}`);
    }
    // A well-formed request for a module this run does not have is accepted but opens nothing.
    assert.deepEqual(await deliver({ type: 'openHeader', id: record.id, module_name: 'no_such_module' }), { accepted: true });
    assert.deepEqual(openTabs(), tabsBefore, 'no forged message opened anything');
    assert.equal((await server.stats()).requests, 0, 'no forged message reached the server');

    // The same path does act on a valid message, so the refusals above mean something.
    assert.deepEqual(await deliver({ type: 'action', action: 'openStdout', id: record.id }), { accepted: true });
    assert.ok(vscode.window.activeTextEditor?.document.uri.path.endsWith('/stdout.log'));
  });

  it('a message for a record without an open panel is an error, not a silent success', async () => {
    await assert.rejects(api.recordDetails.deliver(`no-panel-${Date.now()}`, { type: 'ready' }), /no details panel is open/);
  });
});
