// The watch's rules with fixed clocks (new runs, since-when, grouping, the grace for runs that
// may still be running, what survives a reload), and one poll against the real local server:
// one request for every watched name, the per-name fallback when the scope was too busy.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { AuditLogClient } from '../../src/api/client';
import type { AuditLogRecord } from '../../src/api/types';
import {
  GROUP_WINDOW_MS,
  INCOMPLETE_GRACE_MS,
  MIN_WATCH_SECONDS,
  OVERLAP_MS,
  applyRuns,
  newEntry,
  notificationText,
  readFromMs,
  reviveWatchList,
  testWatchMinimumSeconds,
  watchDelayMs,
  type WatchEntry,
} from '../../src/watch/watchModel';
import { pollWatched } from '../../src/watch/watchPoller';
import { clientFor } from '../contract/helpers';
import { startFusedServer, type FusedTestServer } from '../server/server';

const T0 = new Date('2026-11-20T12:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
let seq = 0;
function run(name: string, minutes: number, extra: Partial<AuditLogRecord> = {}): AuditLogRecord {
  seq++;
  return { id: `w-${String(seq).padStart(5, '0')}`, timestamp: at(minutes).toISOString(), udf_name: name, execution_time: 1, stderr: '', cache: false, ...extra };
}
const failing = (name: string, minutes: number, error = "KeyError: 'lat'") => run(name, minutes, { stderr: `Traceback (most recent call last):\n  File "x.py", line 3, in udf\n${error}\n`, execution_time: 0.2 });

describe('applyRuns', () => {
  it('announces a new failing run once, with its exception; a success announces nothing', () => {
    const entry = newEntry('flaky_geocoder', 'mine', T0);
    const ok = applyRuns(entry, [run('flaky_geocoder', 1)], at(2));
    assert.equal(ok.notification, undefined);
    const failed = applyRuns(ok.entry, [failing('flaky_geocoder', 3)], at(4));
    assert.equal(failed.notification?.text, "flaky_geocoder failed: KeyError: 'lat'");
    assert.equal(failed.notification?.count, 1);
    // The same run read again (the overlap re-reads it) is not announced again.
    const again = applyRuns(failed.entry, [failing('flaky_geocoder', 3)].map((r) => ({ ...r, id: failed.notification?.latest.id ?? '' })), at(20));
    assert.equal(again.notification, undefined);
  });

  it('never announces runs older than the moment watching began, nor other UDFs', () => {
    const entry = newEntry('flaky_geocoder', 'mine', T0);
    const result = applyRuns(entry, [failing('flaky_geocoder', -1), failing('other_udf', 2)], at(3));
    assert.equal(result.notification, undefined);
    assert.deepEqual(result.entry.held, []);
  });

  it('groups: failures found together make one notification with their count and span', () => {
    const entry = newEntry('flaky_geocoder', 'mine', T0);
    const result = applyRuns(entry, [failing('flaky_geocoder', 1), failing('flaky_geocoder', 4, 'ValueError: x'), failing('flaky_geocoder', 10)], at(11));
    assert.equal(result.notification?.count, 3);
    assert.equal(result.notification?.text, "flaky_geocoder failed: KeyError: 'lat' (3 failures in 9 min)");
  });

  it('groups: failures within the window after an announcement wait, then come as one', () => {
    const first = applyRuns(newEntry('flaky_geocoder', 'mine', T0), [failing('flaky_geocoder', 1)], at(2));
    assert.ok(first.notification);
    const second = applyRuns(first.entry, [failing('flaky_geocoder', 3)], at(4));
    assert.equal(second.notification, undefined, 'held within the window');
    const third = applyRuns(second.entry, [failing('flaky_geocoder', 5, 'ValueError: late')], at(6));
    assert.equal(third.notification, undefined);
    assert.equal(third.entry.held.length, 2);
    const after = applyRuns(third.entry, [], new Date(at(2).getTime() + GROUP_WINDOW_MS));
    assert.equal(after.notification?.text, 'flaky_geocoder failed: ValueError: late (2 failures in 2 min)');
    assert.deepEqual(after.entry.held, []);
  });

  it('a run without a result yet is looked at again; announced as "did not finish" only after the grace', () => {
    const entry = newEntry('flaky_geocoder', 'mine', T0);
    const young = run('flaky_geocoder', 1, { execution_time: null, stderr: null });
    const first = applyRuns(entry, [young], at(2));
    assert.equal(first.notification, undefined);
    assert.deepEqual(first.entry.pending, [[young.id, at(1).getTime()]]);
    assert.ok(readFromMs(first.entry) <= at(1).getTime(), 'the next poll reads back to the pending run');
    // It finished meanwhile: nothing to announce.
    const finished = applyRuns(first.entry, [{ ...young, execution_time: 5 }], at(5));
    assert.equal(finished.notification, undefined);
    assert.deepEqual(finished.entry.pending, []);
    // Still without a result after the grace: it did not finish.
    const stuck = applyRuns(first.entry, [young], new Date(at(1).getTime() + INCOMPLETE_GRACE_MS + 1));
    assert.match(stuck.notification?.text ?? '', /^flaky_geocoder failed: \(did not finish\)/);
  });

  it('remembers only the overlap of seen ids and survives a reload through its JSON', () => {
    let entry: WatchEntry = newEntry('flaky_geocoder', 'mine', T0);
    for (let minute = 1; minute <= 60; minute++) entry = applyRuns(entry, [run('flaky_geocoder', minute)], at(minute)).entry;
    assert.ok(entry.seen.every(([, ms]) => ms >= entry.cursorMs - OVERLAP_MS));
    assert.equal(entry.cursorMs, at(60).getTime());
    const revived = reviveWatchList(JSON.parse(JSON.stringify([entry, { name: 'x' }, 'junk', { ...entry }])));
    assert.deepEqual(revived, [entry], 'bad and duplicate entries dropped');
    // The last run, read again after a reload, is not new.
    assert.equal(applyRuns(revived[0], [failing('flaky_geocoder', 60)].map((r) => ({ ...r, id: entry.seen[entry.seen.length - 1][0] })), at(61)).notification, undefined);
  });

  it('notification text, the interval floor, backoff, and the test-only minimum', () => {
    assert.equal(notificationText('a', 'E', 2, 3 * 3_600_000), 'a failed: E (2 failures in 3 h)');
    assert.equal(notificationText('a', 'E', 1000, 0), 'a failed: E (1,000 failures in 1 min)');
    assert.equal(watchDelayMs(10, 0), MIN_WATCH_SECONDS * 1000);
    assert.equal(watchDelayMs(120, 0), 120_000);
    assert.equal(watchDelayMs(120, 2), 480_000);
    assert.equal(watchDelayMs(120, 9), 600_000, 'backoff stops at 10 min');
    assert.equal(watchDelayMs(120, 0, 900_000), 900_000, 'Retry-After wins when longer');
    assert.equal(watchDelayMs(1, 0, undefined, 2), 2000);
    assert.equal(testWatchMinimumSeconds(undefined), 60);
    assert.equal(testWatchMinimumSeconds('2'), 2);
    for (const junk of ['0', '60', '600', '-1', '2.5', 'x', '']) assert.equal(testWatchMinimumSeconds(junk), 60, junk);
  });
});

describe('pollWatched against the local server', () => {
  let server: FusedTestServer;
  let client: AuditLogClient;
  const NOW = new Date();
  before(async () => {
    server = await startFusedServer({ records: 300, seed: 5, now: NOW });
    client = clientFor(server, { retry: { maxAttempts: 1 } });
  });
  afterEach(() => server.resetStats());
  after(async () => {
    await client.close();
    await server.close();
  });

  const demo = () => {
    const user = server.users.find((u) => u.token === server.token);
    assert.ok(user);
    return user;
  };
  const injected = (name: string, msAgo: number, failed: boolean): AuditLogRecord => {
    seq++;
    const user = demo();
    return {
      id: `poll-${seq}-${name}`,
      timestamp: new Date(Date.now() - msAgo).toISOString(),
      udf_name: name,
      user_email: user.email,
      user_id: user.user_id,
      exec_env_id: user.exec_env_id,
      execution_time: 0.3,
      cache: false,
      stderr: failed ? "Traceback (most recent call last):\n  File \"x.py\", line 1, in udf\nKeyError: 'lat'\n" : '',
    };
  };

  it('one request for every watched name of a scope, each new failure announced once', async () => {
    const since = new Date(Date.now() - 60_000);
    let entries = [newEntry('watch_a', 'mine', since), newEntry('watch_b', 'mine', since), newEntry('watch_c', 'mine', since)];
    server.addRecords([injected('watch_a', 1000, true), injected('watch_b', 900, false), injected('watch_c', 800, true), injected('watch_c', 700, true)]);
    const first = await pollWatched(client, entries, new Date());
    assert.equal(first.requests, 1);
    assert.equal(server.stats().byQuery.all, 1, 'one unfiltered query');
    assert.deepEqual(first.fallbackNames, []);
    assert.deepEqual(first.notifications.map((n) => [n.name, n.count]), [['watch_a', 1], ['watch_c', 2]]);
    entries = first.entries;
    const second = await pollWatched(client, entries, new Date());
    assert.deepEqual(second.notifications, [], 'nothing twice');
  });

  it('falls back to one query per name the shared read did not reach when the scope was busier than the budget', async () => {
    const since = new Date(Date.now() - 10 * 60_000);
    const entries = [newEntry('busy_watch_a', 'mine', since), newEntry('busy_watch_b', 'mine', since)];
    // An older failure of b, then 700 runs of another UDF after it: a 2-page budget (600) cannot reach back to b's failure.
    const burst = Array.from({ length: 700 }, (_, i) => injected('noisy_udf', 60_000 - i * 10, false));
    server.addRecords([injected('busy_watch_b', 5 * 60_000, true), ...burst]);
    const result = await pollWatched(client, entries, new Date(), { pages: 2 });
    assert.deepEqual(result.fallbackNames.sort(), ['busy_watch_a', 'busy_watch_b']);
    assert.equal(result.requests, 2 + 2, 'two shared pages, then one query per uncovered name');
    assert.deepEqual(result.notifications.map((n) => n.name), ['busy_watch_b']);
    assert.equal(server.stats().byQuery.udf_name, 2);
  });

  it('one watched name in a scope is read with its own filter', async () => {
    const entries = [newEntry('solo_watch', 'execEnv', new Date(Date.now() - 60_000))];
    server.addRecords([injected('solo_watch', 500, true)]);
    const result = await pollWatched(client, entries, new Date());
    assert.equal(result.requests, 1);
    assert.equal(server.stats().byQuery['udf_name+exec_env'], 1);
    assert.equal(result.notifications[0]?.text, "solo_watch failed: KeyError: 'lat'");
  });
});
