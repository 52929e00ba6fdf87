import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractRunRef } from '../../src/commands/args';

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
    assert.equal(extractRunRef('has spaces in it'), undefined);
    assert.equal(extractRunRef({ id: '<script>' }), undefined);
  });
});
