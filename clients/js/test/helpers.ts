import WebSocket from 'ws';
import {
  createRealtimeClient,
  createRestClient,
  RealtimeError,
  RestError,
  type RealtimeClient,
  type RealtimeClientOptions,
  type RealtimeEvent,
  type RestClient,
  type StateChange,
  type SubscribeOptions,
  type Subscription,
  type WebSocketConstructor,
} from '../src/index.js';
import type { TestStack } from './stack.js';

export const WAIT_MS = 30_000;

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    }
    await sleep(50);
  }
}

/** Posts a message as a real client does: on 429 or 503 it waits `Retry-After` and sends it again. */
export async function postPatiently(rest: RestClient, conversationId: string, text: string): Promise<void> {
  for (;;) {
    try {
      await rest.postMessage(conversationId, { text });
      return;
    } catch (error) {
      if (!(error instanceof RestError) || (error.status !== 429 && error.status !== 503)) {
        throw error;
      }
      await sleep((error.retryAfterSeconds ?? 1) * 1000);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A user of the system as an application would hold it: a realtime client and a REST client, with what they saw. */
export class TestUser {
  readonly client: RealtimeClient;
  readonly rest: RestClient;
  readonly states: StateChange[] = [];
  readonly errors: RealtimeError[] = [];
  /** Every subscribe ack, first ones and those after reconnects. */
  readonly acks: { room: string; resumed: boolean }[] = [];
  tokenCalls = 0;

  constructor(
    readonly stack: TestStack,
    readonly name: string,
    options: Partial<RealtimeClientOptions> = {},
  ) {
    const token = async () => {
      this.tokenCalls++;
      return stack.token(name);
    };
    this.client = createRealtimeClient({
      url: stack.edgeWsUrl,
      token,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      // Fast retries: the tests wait for reconnects; jitter stays on, as in production.
      backoff: { initialDelayMs: 200, maxDelayMs: 2_000 },
      ...options,
    });
    this.client.on('state', (change) => this.states.push(change));
    this.client.on('error', (error) => this.errors.push(error));
    this.client.on('subscribed', (ack) => this.acks.push({ room: ack.room, resumed: ack.resumed }));
    this.rest = createRestClient({ chatUrl: stack.chatUrl, token: () => stack.token(name) });
  }

  /**
   * Subscribes, retrying while the edge answers room.not_found: a membership travels chat-service → relay → Kafka
   * → edge, so right after creating a conversation the edge may not know it yet, and a front end tries again.
   */
  async subscribeAsMember<Data = unknown>(
    room: string,
    handler: (event: RealtimeEvent<Data>) => void,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const subscription = this.client.subscribe<Data>(room, handler, options);
      try {
        await subscription.ready;
        return subscription;
      } catch (error) {
        if (!(error instanceof RealtimeError) || error.code !== 'room.not_found' || Date.now() > deadline) {
          throw error;
        }
        await sleep(200);
      }
    }
  }

  resubscribed(room: string): boolean {
    return this.acks.some((ack) => ack.room === room && ack.resumed);
  }

  close(): void {
    this.client.close();
  }
}

/** A conversation of `owner` with `others`, and its room name. */
export async function createConversation(owner: TestUser, others: string[], title = 'SDK test'): Promise<{ id: string; room: string }> {
  const conversation = await owner.rest.createConversation({ title, participants: others });
  return { id: conversation.id, room: `conversation:${conversation.id}` };
}

/** Collects the events a handler received. */
export function collector<Data = unknown>(): { events: RealtimeEvent<Data>[]; handler: (event: RealtimeEvent<Data>) => void } {
  const events: RealtimeEvent<Data>[] = [];
  return { events, handler: (event) => events.push(event) };
}

export interface MessageData {
  messageId: string;
  text: string;
  conversationId: string;
}

export function texts(events: RealtimeEvent<unknown>[]): string[] {
  return events
    .filter((event) => event.event === 'message:new')
    .map((event) => (event.data as MessageData).text);
}

/** A bare WebSocket to the edge (header authentication, no SDK), recording every frame it receives. */
export async function rawConnection(
  stack: TestStack,
  user: string,
): Promise<{ frames: Record<string, unknown>[]; close: () => void }> {
  const socket = new WebSocket(stack.edgeWsUrl, { headers: { Authorization: `Bearer ${await stack.token(user)}` } });
  const frames: Record<string, unknown>[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  await waitFor(`welcome of the plain connection of ${user}`, () => frames.some((f) => f.type === 'welcome'));
  return { frames, close: () => socket.close() };
}
