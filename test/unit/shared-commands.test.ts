// The command contract (src/shared/commands.ts): its ids are package.json's commands, both ways;
// every builder's output is read back by its command's reader; what VS Code passes (tree
// elements, a document's Uri, nothing) is read; any other shape is refused.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { QueryValidationError } from '../../src/api/errors';
import type { AuditLogRecord } from '../../src/api/types';
import {
  COMMANDS,
  commandCall,
  commandLink,
  distinctArg,
  invocation,
  linkedCommands,
  queryArg,
  readDistinctArg,
  readExportOptions,
  readFailingUdfsArg,
  readQueryArg,
  readRunArg,
  readSharedTokenArg,
  readTimeRangeArg,
  readUdfIdArg,
  readUdfNameArg,
  runArg,
  sharedTokenArg,
  timeRangeArg,
  udfIdArg,
  udfNameArg,
  type CommandCall,
  type FailingUdfsArg,
  type RunRowArg,
  type UdfRowArg,
} from '../../src/shared/commands';
import { runPath } from '../../src/shared/runUri';
import { scopeOfQuery, scopeQuery } from '../../src/shared/scope';

const REPO = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; menus: Record<string, { command?: string }[]> };
};

const record: AuditLogRecord = {
  id: '0b3e2a4c-1111-4222-8333-944455556666',
  timestamp: '2026-11-26T00:00:00Z',
  udf_name: 'census_join',
  udf_id: 'u-1',
  shared_token: 'fsh_1',
} as AuditLogRecord;
const runRow: RunRowArg = { kind: 'run', record };
const udfRow = (scope: 'mine' | 'execEnv'): UdfRowArg => ({
  kind: 'udf',
  entry: { name: 'census_join', udfId: 'u-1', latest: record },
  query: { udf_name: 'census_join', ...scopeQuery(scope), limit: 50 },
  title: 'udf_name = census_join',
});

describe('the command contract', () => {
  it("holds exactly package.json's commands (both ways), each id once", () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    const ours = Object.values(COMMANDS).sort();
    assert.equal(new Set(ours).size, ours.length, 'an id is listed twice');
    assert.deepEqual(ours, contributed);
  });

  it('every fusedRuns command a menu names is in the contract', () => {
    const ids = new Set<string>(Object.values(COMMANDS));
    const named = Object.values(manifest.contributes.menus)
      .flat()
      .map((item) => item.command)
      .filter((command): command is string => typeof command === 'string' && command.startsWith('fusedRuns.'));
    assert.ok(named.length > 30, `expected the menus of package.json, found ${named.length}`);
    assert.deepEqual(named.filter((command) => !ids.has(command)), []);
  });

  it("no source file outside the contract spells a command id of ours as a string", () => {
    const ids = Object.values(COMMANDS);
    const offenders: string[] = [];
    const visit = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) visit(full);
        else if (entry.name.endsWith('.ts') && full !== path.join(REPO, 'src', 'shared', 'commands.ts')) {
          const text = fs.readFileSync(full, 'utf8');
          for (const id of ids) if (text.includes(`'${id}'`) || text.includes(`"${id}"`) || text.includes(`\`${id}\``)) offenders.push(`${path.relative(REPO, full)}: ${id}`);
        }
      }
    };
    visit(path.join(REPO, 'src'));
    assert.deepEqual(offenders, []);
  });

  it('commandCall and invocation carry the typed arguments unchanged', () => {
    assert.deepEqual(commandCall(COMMANDS.showDetails, runArg(record)), { command: 'fusedRuns.showDetails', arguments: [{ id: record.id, udf_name: 'census_join' }] });
    assert.deepEqual(invocation(COMMANDS.refresh), ['fusedRuns.refresh']);
    assert.deepEqual(invocation(COMMANDS.watchUdf, udfNameArg('a')), ['fusedRuns.watchUdf', { udf_name: 'a' }]);
  });
});

describe('builders are read back by their readers', () => {
  it('runArg → readRunArg (run commands, Show Details, Copy Record ID, Show Run by ID)', () => {
    assert.deepEqual(readRunArg(runArg(record)), { id: record.id, udf_name: 'census_join' });
    assert.deepEqual(readRunArg(runArg({ id: 'r-2' })), { id: 'r-2' });
    assert.deepEqual(readRunArg(runArg({ id: 'r-3', udf_name: null })), { id: 'r-3', udf_name: null });
    // Through JSON, as a hover link or a webview message carries it.
    assert.deepEqual(readRunArg(JSON.parse(JSON.stringify(runArg(record)))), { id: record.id, udf_name: 'census_join' });
  });
  it('udfNameArg → readUdfNameArg, udfIdArg → readUdfIdArg, with and without a scope', () => {
    assert.deepEqual(readUdfNameArg(udfNameArg('census_join')), { udf_name: 'census_join' });
    assert.deepEqual(readUdfNameArg(udfNameArg('census_join', 'execEnv')), { udf_name: 'census_join', scope: 'execEnv' });
    assert.deepEqual(readUdfIdArg(udfIdArg('u-1', 'mine')), { udf_id: 'u-1', scope: 'mine' });
    assert.deepEqual(readUdfIdArg(udfIdArg('u-1')), { udf_id: 'u-1' });
  });
  it('sharedTokenArg, timeRangeArg, distinctArg, queryArg', () => {
    assert.equal(readSharedTokenArg(sharedTokenArg('fsh_2')), 'fsh_2');
    assert.deepEqual(readTimeRangeArg(timeRangeArg('2025-04-01 00:00:00+00:00', '2025-04-02T00:00:00Z', 'execEnv')), { start: '2025-04-01 00:00:00+00:00', end: '2025-04-02T00:00:00Z', scope: 'execEnv' });
    assert.deepEqual(readTimeRangeArg(timeRangeArg('a', 'b')), { start: 'a', end: 'b' });
    assert.deepEqual(readDistinctArg(distinctArg('ids', 'mine', 5000)), { distinctType: 'ids', scope: 'mine', maxRecordsToScan: 5000 });
    assert.deepEqual(readDistinctArg(distinctArg('names', 'execEnv')), { distinctType: 'names', scope: 'execEnv' });
    assert.deepEqual(readQueryArg(queryArg({ udf_name: 'a', limit: 50 }, 'udf_name = a')), { query: { udf_name: 'a', limit: 50 }, title: 'udf_name = a' });
  });
  it('the status bar’s FailingUdfsArg → readFailingUdfsArg', () => {
    const arg: FailingUdfsArg = {
      scope: 'execEnv',
      start: '2026-11-19T00:00:00.000Z',
      end: '2026-11-26T00:00:00.000Z',
      summaries: [{ udf_name: 'a', failure_count: 2, error_count: 2, incomplete_count: 0, last_failure: '2026-11-25T00:00:00Z', sample_error: 'boom' }],
      truncatedWindows: [{ start: '2026-11-24T02:00:00.000Z', end: '2026-11-25T02:00:00.000Z' }],
    };
    assert.deepEqual(readFailingUdfsArg(JSON.parse(JSON.stringify(arg))), arg);
  });
});

describe('what VS Code passes', () => {
  it('a run row (view/item/context) gives its record, no fetch needed', () => {
    assert.deepEqual(readRunArg(runRow), { id: record.id, udf_name: 'census_join', record });
    assert.deepEqual(readUdfNameArg(runRow), { udf_name: 'census_join' });
    assert.deepEqual(readUdfIdArg(runRow), { udf_id: 'u-1' });
    assert.equal(readSharedTokenArg(runRow), 'fsh_1');
  });
  it("a UDF row gives its name or id and the view's scope, and its query (Export Runs)", () => {
    assert.deepEqual(readUdfNameArg(udfRow('execEnv')), { udf_name: 'census_join', scope: 'execEnv' });
    assert.deepEqual(readUdfIdArg(udfRow('mine')), { udf_id: 'u-1', scope: 'mine' });
    assert.deepEqual(readQueryArg({ ...udfRow('execEnv'), query: { ...udfRow('execEnv').query, page_token: 't9' } }), { query: { udf_name: 'census_join', exec_env: true, limit: 50 }, title: 'udf_name = census_join' });
  });
  it("an editor title's Uri of a fused-run document gives its run; other schemes do not", () => {
    const docPath = runPath({ udfName: 'census_join', recordId: record.id, file: { kind: 'stderr' } });
    assert.deepEqual(readRunArg({ scheme: 'fused-run', path: docPath }), { id: record.id, udf_name: 'census_join' });
    assert.equal(readRunArg({ scheme: 'file', path: docPath }), undefined);
  });
  it('the palette passes nothing: every reader says so', () => {
    for (const read of [readRunArg, readUdfNameArg, readUdfIdArg, readSharedTokenArg, readTimeRangeArg, readDistinctArg, readQueryArg]) assert.equal(read(undefined), undefined, read.name);
    assert.deepEqual(readFailingUdfsArg(undefined), {});
    assert.deepEqual(readExportOptions(undefined), {});
  });
});

describe('other shapes are refused (no more guessing through nested or snake/camel keys)', () => {
  it('run commands', () => {
    assert.equal(readRunArg(record.id), undefined, 'a bare id string');
    assert.equal(readRunArg({ recordId: record.id }), undefined);
    assert.equal(readRunArg({ runRef: { id: record.id } }), undefined);
    assert.equal(readRunArg({ record }), undefined, 'a record wrapped without kind: run');
    assert.equal(readRunArg({ id: '  ' }), undefined);
    assert.equal(readRunArg({ id: 'x'.repeat(1025) }), undefined);
    assert.equal(readRunArg({ id: 7 }), undefined);
    assert.equal(readRunArg(42), undefined);
  });
  it('UDF commands', () => {
    assert.equal(readUdfNameArg('census_join'), undefined, 'a bare string');
    assert.equal(readUdfNameArg({ udfName: 'x' }), undefined);
    assert.equal(readUdfNameArg({ latest: record }), undefined);
    assert.equal(readUdfNameArg({ udf_name: '  ' }), undefined);
    assert.equal(readUdfIdArg({ udfId: 'u-2' }), undefined);
    assert.equal(readSharedTokenArg('fsh_2'), undefined);
    assert.equal(readSharedTokenArg({ sharedToken: 'fsh_2' }), undefined);
    assert.equal(readUdfNameArg({ udf_name: 'a', execEnv: true })?.scope, undefined, 'execEnv is not a scope');
  });
  it('queries, ranges and lists', () => {
    assert.equal(readTimeRangeArg({ start_timestamp: 'a', end_timestamp: 'b' }), undefined);
    assert.equal(readDistinctArg({ distinctType: 'names', execEnv: true }), undefined, 'a scope is required');
    assert.equal(readQueryArg({ record }), undefined);
    assert.throws(() => readQueryArg(queryArg({ udf_name: 'a', limit: 301 })), (error: unknown) => error instanceof QueryValidationError && error.field === 'limit');
    assert.throws(() => readQueryArg(queryArg({ udf_name: 'a', udf_id: 'b' })), /Only one of id, udf_id, udf_name or shared_token/);
    assert.deepEqual(readFailingUdfsArg({ summaries: [{ udf_name: 'a' }], days: -1, sort: 'size', scope: 'team', execEnv: true }), {});
    assert.deepEqual(readFailingUdfsArg({ summaries: [], truncatedWindows: [{ start: 'x', end: 1 }] }), { summaries: [] });
    assert.deepEqual(readExportOptions({ format: 'xml', target: 3 }), {});
  });
});

describe('one Scope, one conversion', () => {
  it('scopeQuery and scopeOfQuery are inverse; Mine leaves exec_env out', () => {
    assert.deepEqual(scopeQuery('mine'), {});
    assert.deepEqual(scopeQuery('execEnv'), { exec_env: true });
    for (const scope of ['mine', 'execEnv'] as const) assert.equal(scopeOfQuery(scopeQuery(scope)), scope);
    assert.equal(scopeOfQuery({ exec_env: false }), 'mine');
  });
});

describe('command links', () => {
  let render: (markdown: string) => string;
  before(async () => {
    const { Marked } = await import('marked');
    const marked = new Marked({ gfm: true });
    render = (markdown) => marked.parse(markdown, { async: false }) as string;
  });

  it('carry our typed arguments, which cannot end the link early', () => {
    const hostileArg = runArg({ id: 'a)b"c\'d](command:workbench.action.terminal.new)![i](http://127.0.0.1:9/p.png)', udf_name: 'x](command:fusedRuns.signOut)\n<img src=x>' });
    const call = commandCall(COMMANDS.showDetails, hostileArg);
    const html = render(commandLink('Details [x](y)', call));
    const anchors = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
    assert.equal(anchors.length, 1, html);
    assert.ok(anchors[0].startsWith('command:fusedRuns.showDetails?'), anchors[0]);
    assert.ok(!html.includes('<img'), html);
    const query = anchors[0].slice('command:fusedRuns.showDetails?'.length).replace(/&amp;/g, '&');
    const args = JSON.parse(decodeURIComponent(query)) as unknown[];
    assert.deepEqual(args, [hostileArg]);
    assert.deepEqual(readRunArg(args[0]), { id: hostileArg.id, udf_name: hostileArg.udf_name });
    assert.throws(() => commandLink('x', { command: 'a b', arguments: [] } as unknown as CommandCall), /Not a command id/);
  });

  it('a hover trusts exactly the commands it links, each once', () => {
    const calls = [commandCall(COMMANDS.showDetails, runArg(record)), commandCall(COMMANDS.openCode, runArg(record)), commandCall(COMMANDS.showDetails, runArg({ id: 'r-2' }))];
    assert.deepEqual(linkedCommands(calls), ['fusedRuns.showDetails', 'fusedRuns.openCode']);
  });
});
