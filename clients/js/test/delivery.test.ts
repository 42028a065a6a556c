import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RestError, type RealtimeEvent } from '../src/index.js';
import {
  collector,
  createConversation,
  rawConnection,
  sleep,
  TestUser,
  texts,
  waitFor,
  type MessageData,
} from './helpers.js';
import type { TestStack } from './stack.js';

export function registerDeliveryTests(stack: () => TestStack): void {
  describe('delivery', () => {
    test('a message posted over REST reaches every subscribed member, and not a non-member', async () => {
      const alice = new TestUser(stack(), 'alice');
      const bob = new TestUser(stack(), 'bob');
      const carol = new TestUser(stack(), 'carol');
      try {
        const { id, room } = await createConversation(alice, ['bob']);
        await Promise.all([alice.client.connect(), bob.client.connect(), carol.client.connect()]);
        const atAlice = collector<MessageData>();
        const atBob = collector<MessageData>();
        await alice.subscribeAsMember(room, atAlice.handler);
        await bob.subscribeAsMember(room, atBob.handler);
        const atCarol = collector();
        carol.client.on('event', atCarol.handler);

        const posted = await alice.rest.postMessage(id, { text: 'Ship it on Friday?', clientMessageId: 'sdk-1' });

        for (const seen of [atAlice, atBob]) {
          await waitFor('message:new', () => seen.events.some((e) => e.event === 'message:new'));
          const event = seen.events.find((e) => e.event === 'message:new')!;
          assert.equal(event.room, room);
          assert.equal(event.seq, posted.seq, 'seq is the conversation stream version the REST answer gave');
          assert.equal(event.actor, 'alice');
          assert.equal(event.data.messageId, posted.id);
          assert.equal(event.data.text, 'Ship it on Friday?');
          assert.ok(event.eventId);
        }
        await sleep(1_000);
        assert.deepEqual(texts(atCarol.events), []);
      } finally {
        alice.close();
        bob.close();
        carol.close();
      }
    });

    test('events arrive in seq order, each once', async () => {
      const alice = new TestUser(stack(), 'alice');
      const bob = new TestUser(stack(), 'bob');
      try {
        const { id, room } = await createConversation(alice, ['bob']);
        await bob.client.connect();
        const seen = collector();
        await bob.subscribeAsMember(room, seen.handler);
        const expected: string[] = [];
        for (let i = 1; i <= 8; i++) {
          expected.push(`m${i}`);
          await alice.rest.postMessage(id, { text: `m${i}` });
        }
        await waitFor('eight messages', () => texts(seen.events).length >= 8);
        await sleep(500);
        assert.deepEqual(texts(seen.events), expected);
        const seqs = seen.events.map((e) => e.seq!);
        assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
        assert.equal(new Set(seqs).size, seqs.length);
      } finally {
        alice.close();
        bob.close();
      }
    });

    test('an event up to the seq the app already has (loaded over REST) is dropped, later ones delivered', async () => {
      const alice = new TestUser(stack(), 'alice');
      const bob = new TestUser(stack(), 'bob');
      try {
        const { id, room } = await createConversation(alice, ['bob']);
        await bob.client.connect();
        // The app's REST load raced ahead of the live stream: it already holds the conversation's first message,
        // seq 2 (seq 1 is the conversation's creation), when the live event of that message arrives.
        const latest = 0;
        const live = collector();
        const plain = collector();
        const withHistory = await bob.subscribeAsMember(room, live.handler, { since: latest + 2 });
        assert.equal(withHistory.lastSeq, latest + 2);
        const other = new TestUser(stack(), 'bob');
        try {
          await other.client.connect();
          await other.subscribeAsMember(room, plain.handler);
          const first = await alice.rest.postMessage(id, { text: 'already loaded' });
          const second = await alice.rest.postMessage(id, { text: 'new' });
          assert.equal(first.seq, latest + 2, 'the seq the test pretended the app had loaded');
          await waitFor('both messages at the plain client', () => texts(plain.events).length === 2);
          await waitFor('the new message', () => texts(live.events).includes('new'));
          await sleep(300);
          assert.deepEqual(texts(plain.events), ['already loaded', 'new'], 'the edge sent both');
          assert.deepEqual(texts(live.events), ['new'], 'the SDK dropped the one the app had');
          assert.equal(withHistory.lastSeq, second.seq);
        } finally {
          other.close();
        }
      } finally {
        alice.close();
        bob.close();
      }
    });

    test('the REST helper: history, edit, react, mark read, delete, each seen live by the other member', async () => {
      const alice = new TestUser(stack(), 'alice');
      const bob = new TestUser(stack(), 'bob');
      try {
        const { id, room } = await createConversation(alice, ['bob'], 'REST helper');
        await bob.client.connect();
        const seen = collector<Record<string, unknown>>();
        await bob.subscribeAsMember(room, seen.handler);

        const first = await alice.rest.postMessage(id, { text: 'hello @bob', clientMessageId: 'rest-1' });
        const retried = await alice.rest.postMessage(id, { text: 'hello @bob', clientMessageId: 'rest-1' });
        assert.equal(retried.id, first.id, 'the same clientMessageId posts once');
        assert.deepEqual(first.mentions, ['bob']);
        const edited = await alice.rest.editMessage(id, first.id, 'hello again @bob');
        assert.ok(edited.editedAt);
        const reacted = await bob.rest.react(id, first.id, ':thumbsup:');
        assert.deepEqual(reacted.reactions, [{ emoji: ':thumbsup:', count: 1, mine: true }]);
        const read = await bob.rest.markRead(id, first.id);
        assert.equal(read.unreadCount, 0);
        const second = await alice.rest.postMessage(id, { text: 'to be deleted' });
        await alice.rest.deleteMessage(id, second.id);

        const expected = ['message:new', 'message:edited', 'message:reaction', 'message:read', 'message:new', 'message:deleted'];
        // From the first post on: conversation:created may come live too, or not. The edge reads memberships and the
        // conversation's events from different topics, so bob's subscribe can be acknowledged before or after the
        // edge read the conversation's creation.
        const fromFirstPost = () => seen.events.filter((e) => e.seq! >= first.seq);
        await waitFor('six live events', () => fromFirstPost().length >= expected.length);
        await sleep(300);
        assert.deepEqual(fromFirstPost().map((e) => e.event), expected);
        const seqs = seen.events.map((e) => e.seq!);
        assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));

        const history = await bob.rest.listMessages(id, { limit: 10 });
        assert.deepEqual(history.items.map((m) => [m.text, m.deleted]), [[null, true], ['hello again @bob', false]]);
        const conversations = await bob.rest.listConversations();
        assert.ok(conversations.items.some((c) => c.id === id));
        await assert.rejects(alice.rest.editMessage(id, 'no-such-message', 'x'), (error: unknown) => {
          assert.ok(error instanceof RestError);
          assert.equal(error.status, 404);
          return true;
        });
      } finally {
        alice.close();
        bob.close();
      }
    });

    test('a producer retry (same eventId) reaches the app once: the edge drops it, and after an edge restart the SDK does', async () => {
      const bob = new TestUser(stack(), 'bob');
      try {
        await bob.client.connect();
        const seen = collector();
        await bob.client.subscribe('user:bob', seen.handler).ready;
        const serviceToken = await stack().serviceToken();
        const publish = async (eventId: string, text: string) => {
          // The edge's server API, called again with the same id as a service retrying after a timeout would.
          const response = await fetch(`${stack().edgeUrl}/api/v1/rooms/user:bob/events`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${serviceToken}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ type: 'records.reminder.due.v1', id: eventId, data: { text } }),
          });
          assert.equal(response.status, 202, await response.text());
        };
        const everything: RealtimeEvent[] = [];
        bob.client.on('event', (event) => everything.push(event));
        // A plain WebSocket beside the SDK shows what the edge really sent.
        const raw = await rawConnection(stack(), 'bob');
        await publish('reminder-1', 'first');
        await publish('reminder-1', 'first');
        await publish('reminder-2', 'second');
        await waitFor('the second reminder on the plain WebSocket', () =>
          raw.frames.some((f) => f.eventId === 'reminder-2'));
        // One room's events keep their order: a repeat sent by the edge would have come before reminder-2.
        assert.equal(raw.frames.filter((f) => f.eventId === 'reminder-1').length, 1, 'the edge sends a retry once');
        raw.close();

        // A restarted edge no longer knows what it delivered: the repeat goes out again, and the SDK drops it.
        await stack().command('kill realtime-edge');
        await waitFor('the client notices', () => bob.client.state === 'reconnecting');
        await stack().command('restart realtime-edge');
        await waitFor('open again', () => bob.client.state === 'open', 60_000);
        const rawAfter = await rawConnection(stack(), 'bob');
        await publish('reminder-1', 'first');
        await publish('reminder-3', 'third');
        await waitFor('the third reminder on the plain WebSocket', () =>
          rawAfter.frames.some((f) => f.eventId === 'reminder-3'));
        assert.equal(rawAfter.frames.filter((f) => f.eventId === 'reminder-1').length, 1,
          'the restarted edge sent the repeat');
        rawAfter.close();
        await waitFor('the third reminder in the app', () => seen.events.some((e) => e.eventId === 'reminder-3'));
        // Only this test's events: bob's room also gets his notifications from earlier tests, which a loaded
        // notification-service may publish while this one runs.
        const reminders = seen.events.filter((e) => e.eventId.startsWith('reminder-'));
        assert.deepEqual(
          reminders.map((e) => e.eventId),
          ['reminder-1', 'reminder-2', 'reminder-3'],
        );
        assert.equal(reminders[0].seq, undefined, 'server API events carry no seq: de-duplicated by eventId');
        assert.equal(everything.filter((e) => e.eventId.startsWith('reminder-')).length, 3);
      } finally {
        bob.close();
      }
    });
  });
}
