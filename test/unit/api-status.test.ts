import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasError, isFailing, isIncomplete, runStatus } from '../../src/api/status';

describe('run status', () => {
  it('failed when stderr has text, even if cached or incomplete', () => {
    assert.equal(runStatus({ stderr: 'Traceback', execution_time: 1, cache: true }), 'failed');
    assert.equal(runStatus({ stderr: 'Error', execution_time: null }), 'failed');
  });
  it('blank stderr is not an error', () => {
    assert.equal(hasError({ stderr: '  \n\t' }), false);
    assert.equal(hasError({ stderr: null }), false);
    assert.equal(hasError({}), false);
    assert.equal(runStatus({ stderr: ' \n', execution_time: 2 }), 'ok');
  });
  it('incomplete when execution_time is null or absent', () => {
    assert.equal(runStatus({ execution_time: null, cache: true }), 'incomplete');
    assert.equal(runStatus({ stderr: '' }), 'incomplete');
    assert.equal(isIncomplete({ execution_time: 0 }), false);
  });
  it('cached only when cache is true and the run completed cleanly', () => {
    assert.equal(runStatus({ execution_time: 0.01, cache: true }), 'cached');
    assert.equal(runStatus({ execution_time: 0.01, cache: false }), 'ok');
    assert.equal(runStatus({ execution_time: 0.01, cache: null }), 'ok');
  });
  it('isFailing = error or incomplete', () => {
    assert.equal(isFailing({ stderr: 'x', execution_time: 1 }), true);
    assert.equal(isFailing({ stderr: '', execution_time: null }), true);
    assert.equal(isFailing({ stderr: '', execution_time: 3 }), false);
  });
});
