import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PresenceChange, TokenRefreshed, TypingChange } from '../src/index.js';
import { collector, createConversation, TestUser, texts, waitFor } from './helpers.js';
import { TOKEN_LIFETIME_SECONDS, type TestStack } from './stack.js';

export function registerSignalTests(stack: () => TestStack): void {
  describe('typing and presence', () => {
    test('typing is relayed to the other member, start and stop', async () => {
      const alice = new TestUser(stack(), 'alice');
      const bob = new TestUser(stack(), 'bob');
      try {
        const { room } = await createConversation(alice, ['bob']);
        await Promise.all([alice.client.connect(), bob.client.connect()]);
        const atBob: TypingChange[] = [];
        await alice.subscribeAsMember(room, () => undefined);
        await bob.subscribeAsMember(room, () => undefined, { onTyping: (change) => atBob.push(change) });

        assert.equal(alice.client.typing(room, true), true);
        await waitFor('bob sees alice typing', () => atBob.some((t) => t.user === 'alice' && t.typing));
        assert.equal(alice.client.typing(room, false), true);
        await waitFor('bob sees alice stop', () => atBob.some((t) => t.user === 'alice' && !t.typing));
        assert.equal(atBob[0].room, room);
        assert.equal(alice.client.typing('conversation:not-subscribed', true), false, 'not sent outside a subscribed room');
      } finally {
        alice.close();
        bob.close();
      }
    });

    test('a typing indicator without refresh lapses on the receiving side', async () => {
      const alice = new TestUser(stack(), 'alice');
      const bob = new TestUser(stack(), 'bob', { typingTimeoutMs: 1_000 });
      try {
        const { room } = await createConversation(alice, ['bob']);
        await Promise.all([alice.client.connect(), bob.client.connect()]);
        const atBob: { typing: boolean; at: number }[] = [];
        await alice.subscribeAsMember(room, () => undefined);
        await bob.subscribeAsMember(room, () => undefined, {
          onTyping: (change) => atBob.push({ typing: change.typing, at: Date.now() }),
        });
        alice.client.typing(room, true);
        await waitFor('bob sees alice typing', () => atBob.some((t) => t.typing));
        // The edge's own stop comes after its 6 s typing timeout; the client's 1 s lapse must come first.
        await waitFor('the local lapse', () => atBob.some((t) => !t.typing), 4_000);
        const [start, stop] = atBob;
        assert.ok(start.typing && !stop.typing);
        assert.ok(stop.at - start.at >= 900 && stop.at - start.at < 3_000, `lapsed after ${stop.at - start.at} ms`);
      } finally {
        alice.close();
        bob.close();
      }
    });

    test('presence: the ack lists who is online, then joins and leaves arrive', async () => {
      // dave is used by no other test, so his presence is not disturbed by their connections.
      const carol = new TestUser(stack(), 'carol');
      const dave = new TestUser(stack(), 'dave');
      try {
        const { room } = await createConversation(carol, ['dave']);
        await carol.client.connect();
        const atCarol: PresenceChange[] = [];
        const subscription = await carol.subscribeAsMember(room, () => undefined, {
          onPresence: (change) => atCarol.push(change),
        });
        assert.ok(atCarol[0].online.includes('carol'), `snapshot: ${atCarol[0].online}`);
        assert.equal(atCarol[0].user, undefined, 'the first change is the snapshot of the ack');
        assert.ok(!subscription.online.includes('dave'));

        const atDave: PresenceChange[] = [];
        await dave.client.connect();
        await waitFor('carol sees dave join', () => atCarol.some((p) => p.user === 'dave' && p.state === 'joined'));
        assert.ok(subscription.online.includes('dave'));
        await dave.subscribeAsMember(room, () => undefined, { onPresence: (change) => atDave.push(change) });
        assert.deepEqual(atDave[0].online, ['carol', 'dave']);

        dave.close();
        await waitFor('carol sees dave leave', () => atCarol.some((p) => p.user === 'dave' && p.state === 'left'));
        assert.deepEqual(subscription.online, ['carol']);
      } finally {
        carol.close();
        dave.close();
      }
    });
  });

  describe('token lifetime', () => {
    test('the token is refreshed in band before it expires: the connection outlives its first token', async () => {
      const alice = new TestUser(stack(), 'alice');
      const bob = new TestUser(stack(), 'bob');
      try {
        const { id, room } = await createConversation(alice, ['bob']);
        const refreshed: TokenRefreshed[] = [];
        bob.client.on('tokenRefreshed', (change) => refreshed.push(change));
        const welcome = await bob.client.connect();
        const seen = collector();
        await bob.subscribeAsMember(room, seen.handler);
        const firstExpiry = Date.parse(welcome.expiresAt!);

        // Past the first token's expiry: without a refresh the edge would have closed with 4001 by now.
        await waitFor('the first token to expire', () => Date.now() > firstExpiry + 2_500, TOKEN_LIFETIME_SECONDS * 3_000);
        assert.ok(refreshed.length >= 1, 'at least one refresh was acknowledged');
        assert.ok(Date.parse(refreshed.at(-1)!.expiresAt!) > firstExpiry, 'the edge extended the connection');
        assert.ok(bob.tokenCalls >= 2, 'the provider was asked for a new token');
        assert.deepEqual(
          bob.states.map((s) => s.state),
          ['connecting', 'open'],
          'never disconnected',
        );
        await alice.rest.postMessage(id, { text: 'still there?' });
        await waitFor('the message on the refreshed connection', () => texts(seen.events).includes('still there?'));
      } finally {
        alice.close();
        bob.close();
      }
    });

    test('without in-band refresh the edge closes with 4001 at expiry and the client comes back with a new token', async () => {
      const alice = new TestUser(stack(), 'alice');
      const bob = new TestUser(stack(), 'bob', { refreshBeforeExpirySeconds: false });
      try {
        const { id, room } = await createConversation(alice, ['bob']);
        await bob.client.connect();
        const seen = collector();
        await bob.subscribeAsMember(room, seen.handler);
        await waitFor(
          'the 4001 close',
          () => bob.states.some((s) => s.state === 'reconnecting' && s.code === 4001),
          TOKEN_LIFETIME_SECONDS * 3_000,
        );
        await waitFor('open again', () => bob.client.state === 'open');
        await waitFor('re-subscribed', () => bob.resubscribed(room));
        assert.ok(bob.tokenCalls >= 2);
        await alice.rest.postMessage(id, { text: 'after the new token' });
        await waitFor('the message after re-subscribing', () => texts(seen.events).includes('after the new token'));
      } finally {
        alice.close();
        bob.close();
      }
    });
  });
}
