import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DisposableStore } from '../../src/util/disposables';

function recorder(log: string[], name: string, fail = false) {
  return {
    dispose() {
      log.push(name);
      if (fail) throw new Error(`${name} failed`);
    },
  };
}

describe('DisposableStore', () => {
  it('disposes what was added, in the order added, once', () => {
    const log: string[] = [];
    const store = new DisposableStore(recorder(log, 'a'));
    store.add(recorder(log, 'b'), recorder(log, 'c'));
    store.dispose();
    store.dispose();
    assert.deepEqual(log, ['a', 'b', 'c']);
  });

  it('disposes at once what is added after it was disposed', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.dispose();
    store.add(recorder(log, 'late'));
    assert.deepEqual(log, ['late']);
  });

  it('one that throws does not keep the others alive, and its error is not swallowed', () => {
    const log: string[] = [];
    const store = new DisposableStore(recorder(log, 'a', true), recorder(log, 'b'));
    assert.throws(() => store.dispose(), /a failed/);
    assert.deepEqual(log, ['a', 'b']);
    const two = new DisposableStore(recorder(log, 'c', true), recorder(log, 'd', true));
    assert.throws(() => two.dispose(), (error: unknown) => error instanceof AggregateError && error.errors.length === 2);
  });
});
