import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseMaxRecordsToScan,
  sharedTokenFromInput,
  validateRecordIdInput,
  validateSharedTokenInput,
  validateUdfIdInput,
  validateUdfNameInput,
} from '../../src/prompts/queryInput';


describe('record id input', () => {
  it('accepts a UUID, with surrounding spaces', () => {
    assert.equal(validateRecordIdInput('3f2b9c1e-8d4a-4c55-9a63-0b1f7e2d4c10'), undefined);
    assert.equal(validateRecordIdInput('  3f2b9c1e-8d4a-4c55-9a63-0b1f7e2d4c10 '), undefined);
  });
  it('names the problem for blank, spaced, hostile and overlong ids', () => {
    assert.match(validateRecordIdInput('') ?? '', /Enter an audit record id/);
    assert.match(validateRecordIdInput('   ') ?? '', /Enter an audit record id/);
    // Ids that are not UUIDs are accepted: a server may hand them out, and they open like any other.
    assert.equal(validateRecordIdInput('abc def'), undefined);
    assert.equal(validateRecordIdInput('<script>'), undefined);
    assert.equal(validateRecordIdInput('a'.repeat(1024)), undefined);
    assert.match(validateRecordIdInput('a'.repeat(1025)) ?? '', /at most 1024/);
    assert.match(validateRecordIdInput('abc\u0007') ?? '', /control characters/);
  });
});

describe('UDF name, UDF id and shared token input', () => {
  it('accepts ordinary values', () => {
    assert.equal(validateUdfNameInput('census_join'), undefined);
    assert.equal(validateUdfNameInput('Überblick — ünïcode'), undefined);
    assert.equal(validateUdfIdInput('0b3e2a4c-1111-4222-8333-944455556666'), undefined);
    assert.equal(validateSharedTokenInput('fsh_4kq9Zx'), undefined);
  });
  it('rejects blank, padded, control and over-long text with a reason', () => {
    assert.match(validateUdfNameInput('') ?? '', /Enter a UDF name/);
    assert.match(validateUdfNameInput(' census') ?? '', /leading or trailing spaces/);
    assert.match(validateUdfNameInput('x\ny') ?? '', /control characters/);
    assert.match(validateUdfNameInput('x'.repeat(513)) ?? '', /513 characters long; at most 512/);
    assert.match(validateUdfIdInput(' a') ?? '', /leading or trailing spaces/);
    assert.equal(validateUdfIdInput('{}'), undefined, 'any id a server lists can be typed');
    assert.match(validateSharedTokenInput('') ?? '', /Enter a shared token/);
    assert.match(validateSharedTokenInput('fsh abc') ?? '', /no spaces/);
  });
  it('takes the token out of a pasted share link', () => {
    assert.equal(sharedTokenFromInput('https://www.fused.io/server/v1/realtime-shared/fsh_4kq9Zx/run/file?x=1'), 'fsh_4kq9Zx');
    assert.equal(sharedTokenFromInput('https://example.test/shared/fsh_A%2DB'), 'fsh_A-B');
    assert.equal(sharedTokenFromInput('  fsh_plain  '), 'fsh_plain');
  });
});

describe('max_records_to_scan input', () => {
  it('accepts 1..5000, with separators', () => {
    assert.deepEqual(parseMaxRecordsToScan('1'), { value: 1 });
    assert.deepEqual(parseMaxRecordsToScan('5,000'), { value: 5000 });
    assert.deepEqual(parseMaxRecordsToScan(' 2_500 '), { value: 2500 });
  });
  it('refuses the rest, saying why', () => {
    assert.match((parseMaxRecordsToScan('5001') as { problem: string }).problem, /at most 5000.*5001 is over the cap/);
    assert.match((parseMaxRecordsToScan('0') as { problem: string }).problem, /at least 1/);
    assert.match((parseMaxRecordsToScan('1.5') as { problem: string }).problem, /not a whole number/);
    assert.match((parseMaxRecordsToScan('-3') as { problem: string }).problem, /not a whole number/);
    assert.match((parseMaxRecordsToScan('') as { problem: string }).problem, /Enter how many/);
  });
});
