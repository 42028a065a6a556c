import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RealtimeError, type Unsubscribed } from '../src/index.js';
import { collector, createConversation, sleep, TestUser, texts, waitFor } from './helpers.js';
import type { TestStack } from './stack.js';

export function registerConnectionTests(stack: () => TestStack): void {
  describe('connection', () => {
    test('connect resolves with the welcome of the token user, through connecting and open', async () => {
      const alice = new TestUser(stack(), 'alice');
      try {
        const welcome = await alice.client.connect();
        assert.equal(welcome.user, 'alice');
        assert.ok(welcome.rooms.includes('user:alice'), `rooms: ${welcome.rooms}`);
        assert.ok(welcome.expiresAt, 'the welcome carries the token expiry');
        assert.equal(alice.client.state, 'open');
        assert.equal(alice.client.user, 'alice');
        assert.deepEqual(
          alice.states.map((s) => s.state),
          ['connecting', 'open'],
        );
      } finally {
        alice.close();
      }
      assert.equal(alice.client.state, 'closed');
      assert.deepEqual(alice.states.at(-1), { state: 'closed', previous: 'open', code: 1000, reason: 'client closed' });
    });

    test('a refused token is retried with a new one from the provider rather than given up', async () => {
      let calls = 0;
      const user = new TestUser(stack(), 'bob', {
        token: async () => {
          calls++;
          // The first token is not a JWT the edge accepts: the upgrade is refused with 401.
          return calls === 1 ? 'not-a-token' : stack().token('bob');
        },
      });
      try {
        const welcome = await user.client.connect();
        assert.equal(welcome.user, 'bob');
        assert.equal(calls, 2);
        assert.deepEqual(
          user.states.map((s) => s.state),
          ['connecting', 'reconnecting', 'open'],
        );
      } finally {
        user.close();
      }
    });

    test('close() during the connection attempt stops it: connect rejects, no reconnect follows', async () => {
      const user = new TestUser(stack(), 'carol');
      const connecting = user.client.connect();
      // The token request is in flight (or the upgrade is): the attempt must be abandoned, not completed.
      await sleep(5);
      user.close();
      await assert.rejects(connecting, { code: 'client.closed' });
      await sleep(1_500);
      assert.equal(user.client.state, 'closed');
      assert.deepEqual(
        user.states.map((s) => s.state),
        ['connecting', 'closed'],
      );
    });

    test('close() while the WebSocket is still opening abandons it cleanly', async () => {
      const token = await stack().token('carol');
      const user = new TestUser(stack(), 'carol', { token: () => token });
      const connecting = user.client.connect();
      // The token is at hand, so the WebSocket is created at once and is still in its handshake here.
      await new Promise((resolve) => setImmediate(resolve));
      user.close();
      await assert.rejects(connecting, { code: 'client.closed' });
      await sleep(1_500);
      assert.deepEqual(
        user.states.map((s) => s.state),
        ['connecting', 'closed'],
      );
    });

    test('subscribe is acknowledged for a member and refused with room.not_found otherwise; the connection stays usable', async () => {
      const alice = new TestUser(stack(), 'alice');
      const carol = new TestUser(stack(), 'carol');
      try {
        const { room } = await createConversation(alice, ['bob']);
        await alice.client.connect();
        await carol.client.connect();

        const ack = await (await alice.subscribeAsMember(room, () => undefined)).ready;
        assert.equal(ack.room, room);

        // Give the membership time to reach the edge, so carol's refusal is about her, not about timing.
        await sleep(500);
        const refused = carol.client.subscribe(room, () => undefined);
        await assert.rejects(refused.ready, (error: unknown) => {
          assert.ok(error instanceof RealtimeError);
          assert.equal(error.code, 'room.not_found');
          assert.equal(error.room, room);
          return true;
        });
        assert.equal(refused.active, false);

        const malformed = carol.client.subscribe('conversation:no such room!', () => undefined);
        await assert.rejects(malformed.ready, { code: 'room.not_found' });

        assert.equal(carol.client.state, 'open');
        const own = await carol.client.subscribe('user:carol', () => undefined).ready;
        assert.equal(own.room, 'user:carol');
      } finally {
        alice.close();
        carol.close();
      }
    });

    test('removed from the conversation, the member is told and the subscription ends', async () => {
      const alice = new TestUser(stack(), 'alice');
      const bob = new TestUser(stack(), 'bob');
      try {
        const { id, room } = await createConversation(alice, ['bob']);
        await bob.client.connect();
        const removed: Unsubscribed[] = [];
        const seen = collector();
        const subscription = await bob.subscribeAsMember(room, seen.handler, {
          onUnsubscribed: (change) => removed.push(change),
        });
        await alice.rest.removeParticipant(id, 'bob');
        await waitFor('the unsubscribed frame', () => removed.length > 0);
        assert.deepEqual(removed, [{ room, reason: 'membership.revoked' }]);
        assert.equal(subscription.active, false);
        await alice.rest.postMessage(id, { text: 'bob is gone' });
        await sleep(1_500);
        assert.deepEqual(texts(seen.events), []);
        assert.equal(bob.client.state, 'open');
      } finally {
        alice.close();
        bob.close();
      }
    });

    test('after unsubscribe the handler gets nothing more from the room', async () => {
      const alice = new TestUser(stack(), 'alice');
      const bob = new TestUser(stack(), 'bob');
      try {
        const { id, room } = await createConversation(alice, ['bob']);
        await bob.client.connect();
        const seen = collector();
        const subscription = await bob.subscribeAsMember(room, seen.handler);
        await alice.rest.postMessage(id, { text: 'before' });
        await waitFor('the first message', () => texts(seen.events).includes('before'));

        await subscription.unsubscribe();
        assert.equal(subscription.active, false);
        const everything = collector();
        bob.client.on('event', everything.handler);
        await alice.rest.postMessage(id, { text: 'after' });
        await sleep(1_500);
        assert.deepEqual(texts(seen.events), ['before']);
        assert.deepEqual(texts(everything.events), [], 'the edge stopped sending the room');
      } finally {
        alice.close();
        bob.close();
      }
    });
  });
}
