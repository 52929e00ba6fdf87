// waitUntil, the e2e harness's one way to wait: returns the first value that holds, treats a
// throwing probe as "not yet", and on timeout names what it waited for and what it last saw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitUntil, WaitTimeoutError } from '../e2e/harness/wait';

describe('waitUntil', () => {
  it('returns the first truthy value of the probe, as soon as it holds (no poll after it)', async () => {
    let calls = 0;
    const value = await waitUntil(() => (++calls >= 3 ? { calls } : false), { message: 'three calls' });
    assert.deepEqual(value, { calls: 3 });
    assert.equal(calls, 3);
  });

  it('returns at once, without waiting, when the condition already holds', async () => {
    let calls = 0;
    // A 60 s interval: had it waited once, the test would time out.
    assert.equal(await waitUntil(async () => (++calls, 'ready'), { message: 'ready', interval: 60_000 }), 'ready');
    assert.equal(calls, 1);
  });

  it('treats 0 and the empty string as values, and undefined, null and false as "not yet"', async () => {
    assert.equal(await waitUntil(() => 0, { message: 'zero' }), 0);
    assert.equal(await waitUntil(() => '', { message: 'empty' }), '');
    const seen: unknown[] = [];
    const answers = [undefined, null, false, 'done'];
    assert.equal(await waitUntil(() => (seen.push(answers[seen.length]), answers[seen.length - 1]), { message: 'done' }), 'done');
    assert.equal(seen.length, 4);
  });

  it('polls again after a probe throws, and reports the last error on timeout', async () => {
    let calls = 0;
    assert.equal(await waitUntil(() => { if (++calls < 3) throw new Error('not rendered'); return 'rendered'; }, { message: 'rendered' }), 'rendered');
    await assert.rejects(
      waitUntil(() => { throw new Error('element is detached'); }, { timeout: 120, message: 'the link is clickable' }),
      (error: unknown) => error instanceof WaitTimeoutError && /timed out after 120 ms waiting until the link is clickable; last poll threw: element is detached/.test(error.message),
    );
  });

  it('on timeout names the condition, described by a function with what it last saw', async () => {
    let rows = 0;
    await assert.rejects(
      waitUntil(() => { rows++; return false; }, { timeout: 100, message: () => `the tree shows 5 rows (it shows ${rows})` }),
      (error: unknown) => error instanceof WaitTimeoutError && /waiting until the tree shows 5 rows \(it shows \d+\)$/.test(error.message) && error.lastValue === false,
    );
    assert.ok(rows >= 2, 'it polled more than once');
  });
});
