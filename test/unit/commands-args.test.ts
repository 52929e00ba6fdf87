import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryValidationError } from '../../src/api/errors';
import { execEnvFromArg, queryFromArg, sharedTokenFromArg, udfIdFromArg, udfNameFromArg } from '../../src/commands/queryArgs';

const record = { id: 'r1', timestamp: '2026-11-26T00:00:00Z', udf_name: 'census_join', udf_id: 'u-1', shared_token: 'fsh_1' };

describe('query command arguments', () => {
  it('reads a UDF name from a hover string, a record, a tree node and keyword objects', () => {
    assert.equal(udfNameFromArg('census_join'), 'census_join');
    assert.equal(udfNameFromArg(record), 'census_join');
    assert.equal(udfNameFromArg({ record }), 'census_join');
    assert.equal(udfNameFromArg({ latest: record }), 'census_join');
    assert.equal(udfNameFromArg({ udfName: 'x' }), 'x');
    assert.equal(udfNameFromArg({ kind: 'udf', entry: { key: 'u-1', groupBy: 'ids', latest: record } }), 'census_join');
    assert.equal(udfIdFromArg({ kind: 'udf', entry: { key: 'u-1', groupBy: 'ids', latest: record } }), 'u-1');
    assert.equal(udfNameFromArg({ udf_name: 'outer', record: { ...record, udf_name: 'inner' } }), 'outer');
    assert.equal(udfNameFromArg('  '), undefined);
    assert.equal(udfNameFromArg(undefined), undefined);
    assert.equal(udfNameFromArg({ udf_name: 42 }), undefined);
  });
  it('reads UDF ids and shared tokens the same way', () => {
    assert.equal(udfIdFromArg({ record }), 'u-1');
    assert.equal(udfIdFromArg({ udfId: 'u-2' }), 'u-2');
    assert.equal(sharedTokenFromArg(record), 'fsh_1');
    assert.equal(sharedTokenFromArg('fsh_2'), 'fsh_2');
    assert.equal(sharedTokenFromArg({ record: { ...record, shared_token: null } }), undefined);
  });
  it('reads the scope from every shape', () => {
    assert.equal(execEnvFromArg({ execEnv: true }), true);
    assert.equal(execEnvFromArg({ exec_env: false }), false);
    assert.equal(execEnvFromArg({ scope: 'execEnv' }), true);
    assert.equal(execEnvFromArg({ query: { exec_env: true } }), true);
    assert.equal(execEnvFromArg('census_join'), undefined);
  });
  it('validates a tree query and drops its page token', () => {
    assert.deepEqual(queryFromArg({ query: { udf_name: 'a', limit: 50, page_token: 't9' }, title: 'udf_name = a' }), { query: { udf_name: 'a', limit: 50 }, title: 'udf_name = a' });
    assert.equal(queryFromArg({ record }), undefined);
    assert.throws(() => queryFromArg({ query: { udf_name: 'a', limit: 301 } }), (error: unknown) => error instanceof QueryValidationError && error.field === 'limit');
    assert.throws(() => queryFromArg({ query: { udf_name: 'a', udf_id: 'b' } }), /Only one of id, udf_id, udf_name or shared_token/);
  });
});
