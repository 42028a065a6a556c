/** The pure parts of the SDK: no connection involved. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffDelay, createRealtimeClient, decodeJwtPayload, jwtExpiryMs } from '../src/index.js';
import type { ResyncNeeded, WebSocketConstructor } from '../src/index.js';

function jwt(payload: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'RS256' })}.${encode(payload)}.signature-not-checked`;
}

describe('backoff', () => {
  test('grows by the factor per attempt up to the maximum, each delay within its jitter band', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0.5 };
    const bases = [100, 200, 400, 800, 1_000, 1_000];
    bases.forEach((base, index) => {
      const low = backoffDelay(index + 1, { ...options, random: () => 0 });
      const high = backoffDelay(index + 1, { ...options, random: () => 0.999999 });
      assert.equal(low, base / 2, `attempt ${index + 1} lowest`);
      assert.equal(high, base, `attempt ${index + 1} highest`);
    });
  });

  test('by default a client waits at most 5 s between attempts, so it is back soon after the edge is', () => {
    assert.equal(backoffDelay(30, { random: () => 0.999999 }), 5_000);
    assert.equal(backoffDelay(1, { random: () => 0.999999 }), 500);
  });

  test('two clients drawing different random numbers wait different times', () => {
    const a = backoffDelay(3, { random: () => 0.1 });
    const b = backoffDelay(3, { random: () => 0.9 });
    assert.notEqual(a, b);
  });
});

describe('JWT payload', () => {
  test('exp is read from the payload, in milliseconds, without a signature check', () => {
    assert.equal(jwtExpiryMs(jwt({ sub: 'alice', exp: 1_900_000_000 })), 1_900_000_000_000);
  });

  test('UTF-8 claims survive base64url decoding', () => {
    assert.equal(decodeJwtPayload(jwt({ name: 'Zoë 🚀' }))?.name, 'Zoë 🚀');
  });

  test('a token that is not a JWT has no expiry', () => {
    assert.equal(jwtExpiryMs('opaque-token'), undefined);
    assert.equal(jwtExpiryMs('a.%%%.c'), undefined);
    assert.equal(jwtExpiryMs(jwt({ sub: 'alice' })), undefined);
  });
});

/** A socket the test drives by hand: it records what the client sends and hands it frames. */
class ScriptedSocket {
  static last: ScriptedSocket | undefined;
  readonly sent: Record<string, unknown>[] = [];
  readyState = 1;
  protocol = 'bearer-token-carrier';
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {
    ScriptedSocket.last = this;
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(): void {
    this.readyState = 3;
  }

  receive(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

describe('resync frame', () => {
  test("the edge's seq.gap reaches the room's onResync and the client's resync event, and later events still arrive", async () => {
    const client = createRealtimeClient({
      url: 'ws://edge.test/ws',
      token: async () => jwt({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 3600 }),
      WebSocket: ScriptedSocket as unknown as WebSocketConstructor,
    });
    try {
      const connected = client.connect();
      await waitUntil(() => ScriptedSocket.last !== undefined);
      const socket = ScriptedSocket.last!;
      socket.receive({ type: 'welcome', user: 'alice', rooms: ['user:alice', 'all'] });
      await connected;
      const fromRoom: ResyncNeeded[] = [];
      const fromClient: ResyncNeeded[] = [];
      client.on('resync', (resync) => fromClient.push(resync));
      const seqs: number[] = [];
      const subscription = client.subscribe('conversation:42', (event) => seqs.push(event.seq!), {
        onResync: (resync) => fromRoom.push(resync),
      });
      const subscribe = socket.sent.find((frame) => frame.type === 'subscribe')!;
      socket.receive({ type: 'ack', id: subscribe.id, room: 'conversation:42' });
      await subscription.ready;
      const event = (seq: number) => ({ type: 'event', room: 'conversation:42', event: 'message:new', seq,
        eventId: `e${seq}`, data: {} });
      socket.receive(event(1));
      socket.receive(event(2));
      socket.receive({ type: 'resync', room: 'conversation:42', since: 2, reason: 'seq.gap' });
      socket.receive(event(5));
      socket.receive({ type: 'resync', room: 'conversation:7', since: 1, reason: 'seq.gap' });

      const expected = [{ room: 'conversation:42', since: 2, reason: 'seq.gap' }];
      assert.deepEqual(fromRoom, expected);
      assert.deepEqual(fromClient, expected, 'a room the app does not follow is not reported');
      assert.deepEqual(seqs, [1, 2, 5]);
    } finally {
      client.close();
    }
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(condition());
}
