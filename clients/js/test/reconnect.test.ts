import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ResyncNeeded } from '../src/index.js';
import { collector, createConversation, sleep, TestUser, texts, waitFor } from './helpers.js';
import type { TestStack } from './stack.js';

export function registerReconnectTests(stack: () => TestStack): void {
  describe('reconnect', () => {
    test('disconnected by a service (4003), the client stays closed until the app connects again, then re-subscribes', async () => {
      const alice = new TestUser(stack(), 'alice');
      const bob = new TestUser(stack(), 'bob');
      try {
        const { id, room } = await createConversation(alice, ['bob']);
        await bob.client.connect();
        const seen = collector();
        const subscription = await bob.subscribeAsMember(room, seen.handler);
        await alice.rest.postMessage(id, { text: 'one' });
        await waitFor('the first message', () => texts(seen.events).includes('one'));

        const response = await fetch(`${stack().edgeUrl}/api/v1/users/bob/disconnect`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${await stack().serviceToken()}` },
        });
        assert.equal(response.status, 202, "the disconnect is accepted and travels to every edge instance");
        await waitFor('the 4003 close', () => bob.client.state === 'closed');
        assert.deepEqual(bob.states.at(-1), {
          state: 'closed',
          previous: 'open',
          code: 4003,
          reason: 'disconnected by the server',
        });
        await sleep(1_500);
        assert.equal(bob.client.state, 'closed', 'no automatic reconnect after 4003');
        assert.equal(subscription.active, true, 'the subscription waits for the next connect');

        await bob.client.connect();
        await waitFor('re-subscribed', () => bob.resubscribed(room));
        await alice.rest.postMessage(id, { text: 'two' });
        await waitFor('the message after connecting again', () => texts(seen.events).includes('two'));
        assert.deepEqual(texts(seen.events), ['one', 'two']);
      } finally {
        alice.close();
        bob.close();
      }
    });

    test('a room of which nothing was seen before a reconnect is flagged for reload: there is no position to resume from', async () => {
      const alice = new TestUser(stack(), 'alice');
      const bob = new TestUser(stack(), 'bob');
      try {
        const { room } = await createConversation(alice, ['bob']);
        await bob.client.connect();
        const resyncs: ResyncNeeded[] = [];
        const quiet = await bob.subscribeAsMember(room, () => undefined, { onResync: (resync) => resyncs.push(resync) });
        assert.equal(quiet.lastSeq, undefined);
        assert.deepEqual(resyncs, [], 'a first subscribe without since needs no reload');

        const response = await fetch(`${stack().edgeUrl}/api/v1/users/bob/disconnect`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${await stack().serviceToken()}` },
        });
        assert.equal(response.status, 202, "the disconnect is accepted and travels to every edge instance");
        await waitFor('closed', () => bob.client.state === 'closed');
        await bob.client.connect();
        await waitFor('re-subscribed', () => bob.resubscribed(room));
        assert.deepEqual(resyncs, [{ room, reason: 'resume.no_position' }]);
      } finally {
        alice.close();
        bob.close();
      }
    });

    test('edge killed and restarted: the client comes back, events stay in order and once, and a gap is never silent', async () => {
      const alice = new TestUser(stack(), 'alice');
      const bob = new TestUser(stack(), 'bob');
      try {
        const { id, room } = await createConversation(alice, ['bob']);
        await bob.client.connect();
        const seen = collector();
        const resyncs: ResyncNeeded[] = [];
        await bob.subscribeAsMember(room, seen.handler, { onResync: (resync) => resyncs.push(resync) });
        const first = await alice.rest.postMessage(id, { text: 'before the crash' });
        await waitFor('the first message', () => texts(seen.events).includes('before the crash'));

        await stack().command('kill realtime-edge');
        await waitFor('the client notices', () => bob.client.state === 'reconnecting');
        // chat-service keeps taking messages while the edge is down.
        await alice.rest.postMessage(id, { text: 'while down 1' });
        await alice.rest.postMessage(id, { text: 'while down 2' });
        await stack().command('restart realtime-edge');
        await waitFor('open again', () => bob.client.state === 'open', 60_000);
        await waitFor('re-subscribed', () => bob.resubscribed(room));

        await alice.rest.postMessage(id, { text: 'after the restart' });
        await waitFor('the live message after the restart', () => texts(seen.events).includes('after the restart'));

        const received = texts(seen.events);
        const seqs = seen.events.map((e) => e.seq!);
        assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in seq order');
        assert.equal(new Set(seqs).size, seqs.length, 'each once');
        const missed = ['while down 1', 'while down 2'].filter((text) => !received.includes(text));
        if (missed.length > 0) {
          // Not replayed: then the app must have been told, with the position to reload from.
          assert.deepEqual(resyncs.map((r) => [r.room, r.since]), [[room, first.seq]]);
          const reload = await bob.rest.listMessages(id, { after: resyncs[0].since, limit: 50 });
          assert.deepEqual(
            reload.items.map((m) => m.text),
            ['while down 1', 'while down 2', 'after the restart'],
            'what the app reloads fills the gap',
          );
        } else {
          assert.deepEqual(received, ['before the crash', 'while down 1', 'while down 2', 'after the restart']);
        }
        const closes = bob.states.filter((s) => s.state === 'reconnecting');
        assert.ok(closes.length >= 1);
        assert.ok(closes[0].delayMs! >= 100 && closes[0].delayMs! <= 200, `first delay ${closes[0].delayMs}: 200 ms with jitter 0.5`);
        assert.deepEqual(
          closes.map((s) => s.attempt),
          closes.map((_, index) => index + 1),
          'attempts count up until the edge is back',
        );
      } finally {
        alice.close();
        bob.close();
      }
    });

    test('resume: after an edge restart the events missed meanwhile arrive once, in order, without a resync', async () => {
      const alice = new TestUser(stack(), 'alice');
      const bob = new TestUser(stack(), 'bob');
      try {
        const { id, room } = await createConversation(alice, ['bob']);
        await bob.client.connect();
        const seen = collector();
        const resyncs: ResyncNeeded[] = [];
        await bob.subscribeAsMember(room, seen.handler, { onResync: (resync) => resyncs.push(resync) });
        await alice.rest.postMessage(id, { text: 'a' });
        await waitFor('a', () => texts(seen.events).includes('a'));
        await stack().command('kill realtime-edge');
        for (const text of ['b', 'c', 'd']) {
          await alice.rest.postMessage(id, { text });
        }
        await stack().command('restart realtime-edge');
        await waitFor('open again', () => bob.client.state === 'open', 60_000);
        await waitFor('re-subscribed', () => bob.resubscribed(room));
        await alice.rest.postMessage(id, { text: 'e' });
        await waitFor('e', () => texts(seen.events).includes('e'));
        assert.deepEqual(texts(seen.events), ['a', 'b', 'c', 'd', 'e']);
        assert.deepEqual(resyncs, []);
      } finally {
        alice.close();
        bob.close();
      }
    });
    test('the own room resumes in the upgrade: notifications missed while away, and those that keep coming, arrive once and in order, no resync', async () => {
      const alice = new TestUser(stack(), 'alice');
      const bob = new TestUser(stack(), 'bob');
      let posting = true;
      try {
        const welcome = await bob.client.connect();
        const own = `user:${welcome.user}`;
        const seen = collector();
        const resyncs: ResyncNeeded[] = [];
        await bob.client.subscribe(own, seen.handler, { onResync: (resync) => resyncs.push(resync) }).ready;
        const { id } = await createConversation(alice, ['bob']);
        await waitFor('the first notification', () => seen.events.length >= 1);

        const response = await fetch(`${stack().edgeUrl}/api/v1/users/${welcome.user}/disconnect`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${await stack().serviceToken()}` },
        });
        assert.equal(response.status, 202);
        await waitFor('closed', () => bob.client.state === 'closed');
        for (const text of ['away 1', 'away 2', 'away 3']) {
          await alice.rest.postMessage(id, { text });
        }
        // Notifications keep coming while bob reconnects: live ones must not overtake the replay.
        let posted = 0;
        const poster = (async () => {
          while (posting) {
            await alice.rest.postMessage(id, { text: `live ${++posted}` });
            await sleep(50);
          }
        })();
        await bob.client.connect();
        await waitFor('resumed', () => bob.resubscribed(own));
        await sleep(500);
        posting = false;
        await poster;
        const last = await alice.rest.postMessage(id, { text: 'the last one' });
        await waitFor('the last notification', () =>
          seen.events.some((event) => JSON.stringify(event.data).includes(last.id)), 60_000);

        const seqs = seen.events.map((event) => event.seq!);
        const expected = Array.from({ length: seqs.length }, (_, index) => seqs[0] + index);
        assert.deepEqual(seqs, expected, 'every seq of the own room once, in order, none missing');
        assert.ok(seqs.length >= 1 + 3 + posted + 1, `${seqs.length} notifications for ${posted} live posts`);
        assert.deepEqual(resyncs, []);
      } finally {
        posting = false;
        alice.close();
        bob.close();
      }
    });
  });
}
