// Run documents in the real extension host: contents, languages, read-only, missing fields,
// errors, stat, traceback links and both diffs, through the commands a tree row runs.
// Expectations come from the records the local server serves (FUSED_E2E_RECORDS_FILE).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AuditLogRecord } from '../../../src/api/types';
import { runArg, type RunArg } from '../../../src/shared/commands';
import { stripAnsi } from '../../../src/text/ansi';
import { parseRunPath, runPath } from '../../../src/shared/runUri';
import { parseUdfData } from '../../../src/shared/udfData';
import { compareRecords, demoFixtures, type DemoFixtures } from '../../server/generator';
import { waitUntil } from '../harness/wait';

const EXTENSION_ID = 'fused-runs.fused-runs';

function loadRecords(): AuditLogRecord[] {
  const file = process.env.FUSED_E2E_RECORDS_FILE;
  assert.ok(file, 'FUSED_E2E_RECORDS_FILE is not set (run through the harness)');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as AuditLogRecord[];
}

function runUri(record: AuditLogRecord, file: Parameters<typeof runPath>[0]['file']): vscode.Uri {
  return vscode.Uri.from({ scheme: 'fused-run', path: runPath({ recordId: record.id, udfName: record.udf_name, file }) });
}

/** What our callers pass a run command (the contract's RunArg). */
const arg = (record: AuditLogRecord): RunArg => runArg(record);

async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('run documents (extension host)', function () {
  let records: AuditLogRecord[];
  let byId: Map<string, AuditLogRecord>;
  let fixtures: DemoFixtures;

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    records = loadRecords();
    byId = new Map(records.map((r) => [r.id, r]));
    fixtures = demoFixtures(records);
  });

  afterEach(closeAll);

  it('opens the code of a serialized (JSON) udf_data run as Python, beside, not as a preview', async () => {
    const record = byId.get(fixtures.jsonUdfDataId)!;
    const editor = (await vscode.commands.executeCommand('fusedRuns.openCode', arg(record))) as vscode.TextEditor;
    assert.ok(editor, 'openCode returned no editor');
    const parsed = parseUdfData(record.udf_data);
    assert.equal(parsed.kind, 'serialized');
    assert.equal(editor.document.getText(), parsed.code);
    assert.equal(editor.document.languageId, 'python');
    assert.equal(editor.document.uri.scheme, 'fused-run');
    assert.deepEqual(parseRunPath(editor.document.uri.path), { recordId: record.id, udfName: record.udf_name, file: { kind: 'code' } });
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.equal(tab?.isPreview, false);
  });

  it('opens plain-code udf_data as Python, verbatim', async () => {
    const record = byId.get(fixtures.plainCodeId)!;
    const editor = (await vscode.commands.executeCommand('fusedRuns.openCode', arg(record))) as vscode.TextEditor;
    assert.equal(editor.document.getText(), record.udf_data);
    assert.equal(editor.document.languageId, 'python');
  });

  it('opens stderr and stdout with the log language, ANSI stripped, hostile text as text', async () => {
    const failed = byId.get(fixtures.failedJsonId)!;
    const stderr = (await vscode.commands.executeCommand('fusedRuns.openStderr', arg(failed))) as vscode.TextEditor;
    assert.equal(stderr.document.languageId, 'log');
    assert.equal(stderr.document.getText(), stripAnsi(failed.stderr ?? '').text);
    assert.match(stderr.document.getText(), /^Traceback \(most recent call last\):/);

    const ansi = byId.get(fixtures.ansiId)!;
    const stdout = (await vscode.commands.executeCommand('fusedRuns.openStdout', arg(ansi))) as vscode.TextEditor;
    assert.equal(stdout.document.languageId, 'log');
    assert.ok(ansi.stdout?.includes('\u001b['), 'the fixture has ANSI codes');
    assert.equal(stdout.document.getText().includes('\u001b'), false, 'escape codes were not stripped');
    assert.equal(stdout.document.getText(), stripAnsi(ansi.stdout ?? '').text);

    const hostile = byId.get(fixtures.hostileId)!;
    const hostileOut = (await vscode.commands.executeCommand('fusedRuns.openStdout', arg(hostile))) as vscode.TextEditor;
    assert.ok(hostileOut.document.getText().includes('<script>alert(1)</script>'));
  });

  it('is read-only: the file system refuses writes and editor edits change nothing', async () => {
    const record = byId.get(fixtures.jsonUdfDataId)!;
    const editor = (await vscode.commands.executeCommand('fusedRuns.openCode', arg(record))) as vscode.TextEditor;
    const before = editor.document.getText();
    assert.equal(vscode.workspace.fs.isWritableFileSystem('fused-run'), false);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(editor.document.uri, new TextEncoder().encode('x = 1\n'))), /recorded Fused runs|NoPermissions|read.?only/i);
    // VS Code's API resolves `edit` to true even when the read-only editor drops the edit, so
    // the proof is the text: unchanged, and the document not dirty.
    await editor.edit((builder) => builder.insert(new vscode.Position(0, 0), 'tampered = True\n')).then(
      () => undefined,
      () => undefined,
    );
    assert.equal(editor.document.getText(), before, 'an edit of a read-only document was applied');
    assert.equal(editor.document.isDirty, false);
  });

  it('stat reports the real size and the run timestamp as a stable mtime', async () => {
    const record = byId.get(fixtures.unicodeId)!;
    const uri = runUri(record, { kind: 'stdout' });
    const stat = await vscode.workspace.fs.stat(uri);
    const text = stripAnsi(record.stdout ?? '').text;
    assert.equal(stat.size, Buffer.byteLength(text, 'utf8'));
    assert.equal(stat.mtime, Date.parse(record.timestamp));
    assert.equal((await vscode.workspace.fs.stat(uri)).mtime, stat.mtime);
    assert.equal(stat.type, vscode.FileType.File);
  });

  it('missing and null fields open documents that say so', async () => {
    const allNull = byId.get(fixtures.allNullId)!;
    const code = await vscode.workspace.openTextDocument(runUri(allNull, { kind: 'code' }));
    assert.match(code.getText(), /^# This run recorded no code: udf_data is null\./);
    const incomplete = byId.get(fixtures.incompleteId)!;
    const stderr = await vscode.workspace.openTextDocument(runUri(incomplete, { kind: 'stderr' }));
    assert.match(stderr.getText(), /^# This run recorded no stderr: stderr is null\.\n# The run never reported an execution time/);
    const sparse = byId.get(fixtures.sparseId)!;
    const sparseOut = await vscode.workspace.openTextDocument(runUri(sparse, { kind: 'stdout' }));
    assert.equal(sparseOut.uri.path.startsWith('/~/'), true, 'a record without udf_name uses ~');
    assert.match(sparseOut.getText(), /^# This run recorded no stdout/);
  });

  it('a header module opens as its own Python document; the run folder lists its documents', async () => {
    const record = records.find((r) => r.user_email === fixtures.demoEmail && parseUdfData(r.udf_data).headers.length > 0 && (r.udf_data?.length ?? 0) < 100_000);
    assert.ok(record, 'the data set has a run with header modules');
    const header = parseUdfData(record.udf_data).headers[0];
    const document = await vscode.workspace.openTextDocument(runUri(record, { kind: 'header', module: header.module_name }));
    assert.equal(document.getText(), header.source_code);
    assert.equal(document.languageId, 'python');
    const folder = vscode.Uri.from({ scheme: 'fused-run', path: path.posix.dirname(runUri(record, { kind: 'code' }).path) });
    const entries = (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name);
    assert.deepEqual(entries, ['code.py', 'stderr.log', 'stdout.log', 'udf_data.txt', 'headers']);
  });

  it('an unknown record is an error carrying the client message, not an empty document', async () => {
    const uri = vscode.Uri.from({ scheme: 'fused-run', path: '/ghost/00000000-0000-4000-8000-000000000000/code.py' });
    await assert.rejects(Promise.resolve(vscode.workspace.openTextDocument(uri)), (error: Error) => {
      assert.match(error.message, /No audit-log record with id 00000000-0000-4000-8000-000000000000/);
      assert.doesNotMatch(error.message, /nonexistent file/, 'VS Code replaced the client message with its own');
      return true;
    });
  });

  it('401 and a dropped connection surface as errors carrying the client message', async () => {
    const origin = new URL(process.env.FUSED_E2E_BASE_URL ?? '').origin;
    const setFaults = (faults: unknown) => fetch(`${origin}/__admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
    const clearFaults = () => fetch(`${origin}/__admin/faults`, { method: 'DELETE' });
    // Ids nobody fetched before, so the request reaches the (faulty) server.
    const uri = (n: number) => vscode.Uri.from({ scheme: 'fused-run', path: `/faulty/0000000${n}-0000-4000-8000-000000000000/stderr.log` });
    try {
      await setFaults({ status: 401 });
      await assert.rejects(Promise.resolve(vscode.workspace.openTextDocument(uri(1))), (error: Error) => {
        assert.match(error.message, /Fused rejected the API token \(401\)/);
        return true;
      });
      await setFaults({ resetConnection: true });
      await assert.rejects(Promise.resolve(vscode.workspace.openTextDocument(uri(2))), (error: Error) => {
        assert.doesNotMatch(error.message, /nonexistent file/);
        assert.match(error.message, /connection|reset|network|closed/i);
        return true;
      });
    } finally {
      await clearFaults();
    }
    // The same id opens (as an error naming the missing record) once the server is healthy again: nothing stuck in a cache.
    await assert.rejects(Promise.resolve(vscode.workspace.openTextDocument(uri(2))), /No audit-log record with id 00000002/);
  });

  it('hostile names round-trip through a real vscode.Uri (string form included)', () => {
    for (const name of ['a/b', '100% x', 'café 😀', '<img src=x onerror=alert(1)>', '~', '..', 'q?x#y']) {
      const uri = vscode.Uri.from({ scheme: 'fused-run', path: runPath({ recordId: 'r-1', udfName: name, file: { kind: 'stderr' } }) });
      const again = vscode.Uri.parse(uri.toString());
      assert.equal(again.path, uri.path);
      assert.equal(parseRunPath(again.path).udfName, name);
    }
  });

  it('traceback frames in stderr link to code.py of the same run at the failing line', async () => {
    const record = byId.get(fixtures.failedJsonId)!;
    const uri = runUri(record, { kind: 'stderr' });
    await vscode.window.showTextDocument(uri);
    const links = (await vscode.commands.executeCommand('vscode.executeLinkProvider', uri)) as vscode.DocumentLink[];
    // The frame of the UDF itself, as Python printed it.
    const frame = /File "(\/tmp\/udf_[0-9a-f]+\.py)", line (\d+), in udf/.exec(record.stderr ?? '');
    assert.ok(frame, 'the fixture traceback has a UDF frame');
    const line = Number(frame[2]);
    const codeLinks = links.filter((link) => link.target && parseRunPath(link.target.path).file.kind === 'code');
    assert.ok(codeLinks.length >= 1, `no link to code.py among ${links.length} links`);
    assert.equal(codeLinks[0].target?.fragment, `L${line}`);
    assert.equal(parseRunPath(codeLinks[0].target!.path).recordId, record.id);
    assert.equal(links.some((link) => link.target && /executor\.py/.test(link.target.path)), false, 'a runtime frame was linked');
    // The line it points at is the one the traceback quotes.
    const quoted = (record.stderr ?? '').split('\n')[(record.stderr ?? '').split('\n').findIndex((l) => l.includes(frame[0])) + 1].trim();
    const code = parseUdfData(record.udf_data).code ?? '';
    assert.equal(code.split('\n')[line - 1].trim(), quoted);
  });

  it('a frame in a header module links to that module\'s document at its line', async () => {
    const record = records.find((r) => r.user_email === fixtures.demoEmail && /_headers\/[\w.]+\.py", line \d+/.test(r.stderr ?? '') && parseUdfData(r.udf_data).headers.length > 0);
    assert.ok(record, 'the data set has a traceback through a header module');
    const frame = /_headers\/([\w.]+)\.py", line (\d+)/.exec(record.stderr ?? '')!;
    const uri = runUri(record, { kind: 'stderr' });
    await vscode.workspace.openTextDocument(uri);
    const links = (await vscode.commands.executeCommand('vscode.executeLinkProvider', uri)) as vscode.DocumentLink[];
    const headerLink = links.find((link) => link.target && parseRunPath(link.target.path).file.kind === 'header');
    assert.ok(headerLink?.target, `no header link among ${links.length}`);
    assert.deepEqual(parseRunPath(headerLink.target.path).file, { kind: 'header', module: frame[1] });
    assert.equal(headerLink.target.fragment, `L${frame[2]}`);
    const module = parseUdfData(record.udf_data).headers.find((h) => h.module_name === frame[1])!;
    const quoted = (record.stderr ?? '').split('\n')[(record.stderr ?? '').split('\n').findIndex((l) => l.includes(frame[0])) + 1].trim();
    assert.equal(module.source_code.split('\n')[Number(frame[2]) - 1].trim(), quoted);
  });

  it('the ~10 MB stderr opens (timed)', async function () {
    if (!fixtures.hugeId) this.skip();
    const record = byId.get(fixtures.hugeId!)!;
    const started = Date.now();
    const editor = (await vscode.commands.executeCommand('fusedRuns.openStderr', arg(record))) as vscode.TextEditor;
    const elapsed = Date.now() - started;
    console.log(`[fused-exthost]   10 MB stderr (${record.stderr?.length} chars) opened in ${elapsed} ms`);
    assert.equal(editor.document.getText().length, stripAnsi(record.stderr ?? '').text.length);
    assert.equal(editor.document.languageId, 'log');
  });

  it('fetches a record once for all its documents; a large record is dropped when its last document closes', async () => {
    const origin = new URL(process.env.FUSED_E2E_BASE_URL ?? '').origin;
    const idRequests = async () => ((await (await fetch(`${origin}/__admin/stats`)).json()) as { byQuery: Record<string, number> }).byQuery.id ?? 0;
    // VS Code may keep a closed document's model for minutes; the tabs are what the user closed.
    const waitUntilClosed = async (uris: vscode.Uri[]) => {
      const shown = () =>
        vscode.window.tabGroups.all.some((group) =>
          group.tabs.some((tab) => tab.input instanceof vscode.TabInputText && uris.some((u) => u.toString() === (tab.input as vscode.TabInputText).uri.toString())),
        );
      await waitUntil(() => !shown(), { timeout: 10_000, message: 'the tabs close' });
    };
    // A large record (stderr over 100 KB); other suites in this host may have cached it already.
    const large = byId.get(fixtures.largeStderrId)!;
    const before = await idRequests();
    for (const command of ['fusedRuns.openCode', 'fusedRuns.openStderr', 'fusedRuns.openStdout', 'fusedRuns.openUdfData']) {
      await vscode.commands.executeCommand(command, arg(large));
    }
    assert.ok((await idRequests()) - before <= 1, 'the record was fetched more than once for its four documents');
    const uris = vscode.window.visibleTextEditors.map((e) => e.document.uri).filter((u) => u.scheme === 'fused-run');
    await closeAll();
    await waitUntilClosed(uris);
    const afterClose = await idRequests();
    await vscode.commands.executeCommand('fusedRuns.openStderr', arg(large));
    await vscode.commands.executeCommand('fusedRuns.openStdout', arg(large));
    assert.equal((await idRequests()) - afterClose, 1, 'a large record was not dropped when its last document closed (or was fetched twice)');

    // A small record stays cached for the tree, hovers and details: reopening costs no request.
    const small = byId.get(fixtures.cachedId)!;
    await vscode.commands.executeCommand('fusedRuns.openStdout', arg(small));
    const afterSmall = await idRequests();
    const smallUri = vscode.window.activeTextEditor!.document.uri;
    await closeAll();
    await waitUntilClosed([smallUri]);
    await vscode.commands.executeCommand('fusedRuns.openStdout', arg(small));
    assert.equal(await idRequests(), afterSmall, 'a small record was fetched again');
  });

  it('"Reload Run from Server" fetches the record again and keeps its documents open', async () => {
    const origin = new URL(process.env.FUSED_E2E_BASE_URL ?? '').origin;
    const idRequests = async () => ((await (await fetch(`${origin}/__admin/stats`)).json()) as { byQuery: Record<string, number> }).byQuery.id ?? 0;
    const record = byId.get(fixtures.warningOnlyId)!;
    const editor = (await vscode.commands.executeCommand('fusedRuns.openStderr', arg(record))) as vscode.TextEditor;
    const before = await idRequests();
    await vscode.commands.executeCommand('fusedRuns.reloadRunDocuments', editor.document.uri);
    assert.equal((await idRequests()) - before, 1);
    assert.equal(vscode.window.activeTextEditor?.document.getText(), stripAnsi(record.stderr ?? '').text);
  });

  it('"Open Run udf_data as Recorded" shows the payload verbatim as plain text', async () => {
    const record = byId.get(fixtures.jsonUdfDataId)!;
    const editor = (await vscode.commands.executeCommand('fusedRuns.openUdfData', arg(record))) as vscode.TextEditor;
    assert.equal(editor.document.getText(), record.udf_data);
    assert.equal(editor.document.languageId, 'plaintext');
  });

  it('"Compare with Previous Run" diffs the latest earlier run of the same UDF whose code differs', async () => {
    const mine = records.filter((r) => r.user_email === fixtures.demoEmail && r.udf_id && r.udf_data).sort((a, b) => compareRecords(b, a));
    const codeOf = (r: AuditLogRecord) => {
      const parsed = parseUdfData(r.udf_data);
      return (parsed.code ?? parsed.raw).replace(/\r\n?/g, '\n');
    };
    // A run whose immediately previous run has the same code but an older one differs (the search must skip).
    let chosen: { current: AuditLogRecord; previous: AuditLogRecord } | undefined;
    for (const current of mine) {
      const earlier = mine.filter((r) => r.udf_id === current.udf_id && Date.parse(r.timestamp) < Date.parse(current.timestamp));
      const differing = earlier.find((r) => codeOf(r) !== codeOf(current));
      if (differing && earlier[0] !== differing && earlier.indexOf(differing) < 200) {
        chosen = { current, previous: differing };
        break;
      }
    }
    assert.ok(chosen, 'the data set has a UDF whose code changed');
    await vscode.commands.executeCommand('fusedRuns.compareWithPreviousRun', arg(chosen.current));
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputTextDiff, 'the active tab is not a diff');
    assert.equal(parseRunPath(input.original.path).recordId, chosen.previous.id);
    assert.equal(parseRunPath(input.modified.path).recordId, chosen.current.id);
    assert.match(vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '', /↔/);
  });

  it('"Compare Run Code with Local File" diffs the run code against the active local editor', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the harness opens a workspace folder');
    const local = vscode.Uri.joinPath(folder.uri, 'local_udf.py');
    await vscode.workspace.fs.writeFile(local, new TextEncoder().encode('@fused.udf\ndef udf():\n    return 42\n'));
    const localEditor = await vscode.window.showTextDocument(local);
    const record = byId.get(fixtures.plainCodeId)!;
    // Run documents open beside the user's code, and later ones join them in that group.
    const stderr = (await vscode.commands.executeCommand('fusedRuns.openStderr', arg(record))) as vscode.TextEditor;
    assert.ok(localEditor.viewColumn !== undefined && stderr.viewColumn !== undefined && stderr.viewColumn > localEditor.viewColumn, 'stderr did not open beside the code');
    const stdout = (await vscode.commands.executeCommand('fusedRuns.openStdout', arg(record))) as vscode.TextEditor;
    assert.equal(stdout.viewColumn, stderr.viewColumn, 'stdout opened in yet another column');
    await vscode.window.showTextDocument(local, { viewColumn: localEditor.viewColumn });
    await vscode.commands.executeCommand('fusedRuns.compareWithLocalFile', arg(record));
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputTextDiff, 'the active tab is not a diff');
    assert.equal(input.original.scheme, 'fused-run');
    assert.equal(parseRunPath(input.original.path).recordId, record.id);
    assert.equal(input.modified.toString(), local.toString());
  });
});
