import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditLogRecord } from '../../src/api/types';
import { WeightedLru } from '../../src/cache/lru';
import { RecordCache } from '../../src/cache/recordCache';
import { abortSignalFor } from '../../src/util/cancellation';

describe('WeightedLru', () => {
  it('evicts least recently used entries by count and by weight', () => {
    const lru = new WeightedLru<string, string>(3, 10, (v) => v.length);
    lru.set('a', 'xx');
    lru.set('b', 'xx');
    lru.set('c', 'xx');
    lru.get('a');
    lru.set('d', 'xx');
    assert.equal(lru.has('b'), false, 'b was least recently used');
    assert.equal(lru.has('a'), true);
    lru.set('e', 'xxxxxxxx');
    assert.ok(lru.weight <= 10, `weight ${lru.weight}`);
    assert.equal(lru.has('e'), true);
    lru.set('huge', 'x'.repeat(50));
    assert.equal(lru.size, 1, 'an entry over the weight bound is kept alone');
  });
});

describe('RecordCache', () => {
  const record = (id: string): AuditLogRecord => ({ id, timestamp: '2026-11-26T00:00:00Z', stderr: 'e' });

  it('shares one fetch between concurrent callers and caches the result', async () => {
    let fetches = 0;
    const cache = new RecordCache(async (id) => {
      fetches++;
      await new Promise((r) => setTimeout(r, 5));
      return record(id);
    });
    const [a, b] = await Promise.all([cache.get('r1'), cache.get('r1')]);
    assert.equal(a, b);
    await cache.get('r1');
    assert.equal(fetches, 1);
    await cache.refresh('r1');
    assert.equal(fetches, 2);
  });

  it('does not cache failures', async () => {
    let calls = 0;
    const cache = new RecordCache(async (id) => {
      calls++;
      if (calls === 1) throw new Error('boom');
      return record(id);
    });
    await assert.rejects(cache.get('r2'), /boom/);
    assert.equal((await cache.get('r2')).id, 'r2');
  });

  it('lets one caller give up without cancelling the others', async () => {
    let release: (r: AuditLogRecord) => void = () => undefined;
    const cache = new RecordCache(() => new Promise((resolve) => (release = resolve)));
    const controller = new AbortController();
    const abandoned = cache.get('r3', controller.signal);
    const kept = cache.get('r3');
    controller.abort();
    await assert.rejects(abandoned);
    release(record('r3'));
    assert.equal((await kept).id, 'r3');
  });
});

describe('abortSignalFor', () => {
  it('aborts when the token is cancelled, and not before', () => {
    const listeners: (() => void)[] = [];
    const token = { isCancellationRequested: false, onCancellationRequested: (l: () => void) => (listeners.push(l), { dispose: () => undefined }) };
    const { signal } = abortSignalFor(token);
    assert.equal(signal.aborted, false);
    listeners.forEach((l) => l());
    assert.equal(signal.aborted, true);
    assert.equal(abortSignalFor({ ...token, isCancellationRequested: true }).signal.aborted, true);
  });
});
