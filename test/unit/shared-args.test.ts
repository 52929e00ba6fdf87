import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractRunRef } from '../../src/shared/commandArgs';

describe('extractRunRef', () => {
  const record = { id: '0b3e2a4c-1111-4222-8333-944455556666', timestamp: '2026-11-26T00:00:00Z', udf_name: 'dem' };

  it('reads records, tree nodes, id objects and bare ids', () => {
    assert.deepEqual(extractRunRef(record), { id: record.id, udf_name: 'dem', record });
    assert.equal(extractRunRef({ record })?.record, record);
    assert.deepEqual(extractRunRef({ id: record.id, udf_name: 'dem' }), { id: record.id, udf_name: 'dem' });
    assert.deepEqual(extractRunRef({ recordId: record.id }), { id: record.id, udf_name: undefined });
    assert.deepEqual(extractRunRef(record.id), { id: record.id });
  });

  it('rejects what is not a run', () => {
    assert.equal(extractRunRef(undefined), undefined);
    assert.equal(extractRunRef(42), undefined);
    assert.equal(extractRunRef(''), undefined);
    assert.equal(extractRunRef({ id: '  ' }), undefined);
    assert.equal(extractRunRef({ id: 'x'.repeat(1025) }), undefined);
    assert.equal(extractRunRef({ id: 7 }), undefined);
  });

  it('accepts ids that are not UUIDs (a server may hand them out): they open like any other', () => {
    assert.deepEqual(extractRunRef('has spaces in it'), { id: 'has spaces in it' });
    assert.deepEqual(extractRunRef({ id: '<script>' }), { id: '<script>', udf_name: undefined });
  });
});
