import { backoffDelay, type BackoffOptions } from './backoff.js';
import { Emitter, safeCall } from './emitter.js';
import { decodeJwtPayload, jwtExpiryMs } from './jwt.js';
import {
  clearTimer,
  runtime,
  setTimer,
  type TimerHandle,
  type WebSocketConstructor,
  type WebSocketLike,
} from './runtime.js';
import {
  RealtimeError,
  type ClientEvents,
  type ConnectionState,
  type PresenceChange,
  type RealtimeEvent,
  type ResyncNeeded,
  type StateChange,
  type SubscribeAck,
  type TypingChange,
  type Unsubscribed,
  type Welcome,
} from './types.js';

export interface RealtimeClientOptions {
  /** The edge's WebSocket URL, e.g. `wss://edge.example.com/ws`. */
  url: string;
  /**
   * Returns a valid access token (JWT). Called for every connection attempt and again before the token expires,
   * for the in-band refresh: it must return a fresh token then, not a cached one close to expiry.
   */
  token: () => Promise<string> | string;
  /** A WebSocket implementation; the global `WebSocket` by default (browsers). In Node: `import WebSocket from 'ws'`. */
  WebSocket?: WebSocketConstructor;
  backoff?: BackoffOptions;
  /**
   * Send the refreshed token this many seconds before the current one expires (at the latest halfway through its
   * remaining life). Default 30. `false`: never refresh in band; the edge then closes with 4001 at expiry and the
   * client reconnects with a new token.
   */
  refreshBeforeExpirySeconds?: number | false;
  /**
   * Whether to reconnect after a connection closed or an attempt failed (never called after `close()`). By default
   * every close reconnects except {@link NO_RECONNECT_CODES}: 1008 (the token's subject can never be a user of this
   * edge) and 4003 (a service disconnected the user on purpose; the protocol says not to come back by itself).
   */
  shouldReconnect?: (close: { code: number; reason: string }) => boolean;
  /**
   * A typing indicator of another user that is not refreshed for this long is reported as stopped. The edge sends
   * the stop itself, except when the instance holding the typist's connection dies. Default 8 s (the edge's typing
   * timeout is 6 s, and it passes on a refresh at least every 3 s).
   */
  typingTimeoutMs?: number;
  /** How long a connection attempt may take until the welcome frame, before it counts as failed. Default 15 s. */
  openTimeoutMs?: number;
}

export interface SubscribeOptions {
  /**
   * The last seq of this room the application already has (e.g. from a REST history load): events up to it are
   * dropped, and the edge is asked to replay what came after it.
   */
  since?: number;
  /** The room's state must be reloaded: events were missed and could not be replayed. */
  onResync?: (resync: ResyncNeeded) => void;
  /** Presence of the room's members: a snapshot at every (re)subscribe, then each join and leave. */
  onPresence?: (presence: PresenceChange) => void;
  onTyping?: (typing: TypingChange) => void;
  /** The edge took the connection out of the room (e.g. `membership.revoked`); the subscription is over. */
  onUnsubscribed?: (unsubscribed: Unsubscribed) => void;
  /** A re-subscribe after a reconnect was refused (e.g. the user left the room meanwhile); the subscription is over. */
  onError?: (error: RealtimeError) => void;
}

export interface Subscription {
  readonly room: string;
  /** Settles with the first ack of this subscription, or rejects with the edge's error (`room.not_found`, ...). */
  readonly ready: Promise<SubscribeAck>;
  /** False once unsubscribed, refused, or taken out of the room by the edge. */
  readonly active: boolean;
  /** The room's members online now (rooms with presence), sorted. */
  readonly online: string[];
  /** The highest seq of the room delivered so far. */
  readonly lastSeq: number | undefined;
  unsubscribe(): Promise<void>;
}

export interface RealtimeClient {
  readonly state: ConnectionState;
  /** The connected user's id, once a welcome arrived. */
  readonly user: string | undefined;
  /** Resolves with the welcome of the first successful connection; rejects if the client is closed before. */
  connect(): Promise<Welcome>;
  /** Closes for good: no reconnect, every subscription ends. `connect()` may be called again afterwards. */
  close(): void;
  subscribe<Data = unknown>(
    room: string,
    handler: (event: RealtimeEvent<Data>) => void,
    options?: SubscribeOptions,
  ): Subscription;
  /** Tells the room's other members that the user is (or stopped) typing. Returns false when it could not be sent. */
  typing(room: string, on: boolean): boolean;
  on<K extends keyof ClientEvents>(name: K, listener: (payload: ClientEvents[K]) => void): () => void;
}

/** Closes after which the client does not reconnect by itself (see `shouldReconnect`). */
export const NO_RECONNECT_CODES: readonly number[] = [1008, 4003];

const OPEN = 1;
const SEQUENCED_ROOM = /^(conversation|project|user):/;
/** Event ids remembered per room for de-duplication of events without seq. */
const SEEN_IDS_PER_ROOM = 512;
const MIN_REFRESH_DELAY_MS = 1_000;

export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient {
  return new Client(options);
}

interface Cursor {
  lastSeq?: number;
  seenIds: Set<string>;
}

type Pending =
  | { kind: 'subscribe'; room: string; since?: number; resumed: boolean }
  | { kind: 'unsubscribe'; room: string; done: () => void }
  | { kind: 'refresh'; token: string };

class Handle implements Subscription {
  readonly ready: Promise<SubscribeAck>;
  active = true;
  settled = false;
  resolve!: (ack: SubscribeAck) => void;
  reject!: (error: RealtimeError) => void;

  constructor(
    readonly client: Client,
    readonly room: string,
    readonly handler: (event: RealtimeEvent) => void,
    readonly options: SubscribeOptions,
  ) {
    this.ready = new Promise<SubscribeAck>((resolve, reject) => {
      this.resolve = (ack) => {
        this.settled = true;
        resolve(ack);
      };
      this.reject = (error) => {
        this.settled = true;
        reject(error);
      };
    });
    // An application that never awaits `ready` must not get an unhandled rejection (fatal in Node).
    this.ready.catch(() => undefined);
  }

  get online(): string[] {
    return this.client.onlineOf(this.room);
  }

  get lastSeq(): number | undefined {
    return this.client.lastSeqOf(this.room);
  }

  unsubscribe(): Promise<void> {
    return this.client.release(this);
  }
}

interface RoomEntry {
  room: string;
  handles: Set<Handle>;
  /** Acknowledged on the current connection. */
  subscribed: boolean;
  everAcked: boolean;
  lastAck?: SubscribeAck;
  online: Set<string>;
  /** The `since` the application gave for the first subscribe. */
  since?: number;
}

class Client implements RealtimeClient {
  private readonly emitter = new Emitter<ClientEvents>();
  private readonly WebSocketImpl: WebSocketConstructor;
  private readonly rooms = new Map<string, RoomEntry>();
  private readonly cursors = new Map<string, Cursor>();
  private readonly pending = new Map<string, Pending>();
  /**
   * The user's own room when this connection's upgrade names its position (`?since=`): the edge joins that room on
   * connect, so it is resumed there, and the `resumed` frame stands for the ack of a subscribe with `id`.
   */
  private ownResume: { room: string; since: number; id: string } | undefined;

  private currentState: ConnectionState = 'idle';
  private ws: WebSocketLike | undefined;
  private welcome: Welcome | undefined;
  /** Bumped by every attempt and by close(): callbacks of an older attempt see a different number and stop. */
  private generation = 0;
  private attempt = 0;
  private nextFrameId = 0;
  private deliberatelyClosed = false;
  private reconnectTimer: TimerHandle | undefined;
  private welcomeTimer: TimerHandle | undefined;
  private refreshTimer: TimerHandle | undefined;
  /** When the connection's current token expires (epoch ms). */
  private tokenExpiryMs: number | undefined;
  /** room → user → the timer that reports a typing indicator as stopped when no refresh came. */
  private readonly typingTimers = new Map<string, Map<string, TimerHandle>>();
  private connectWaiters: { resolve: (w: Welcome) => void; reject: (e: RealtimeError) => void }[] = [];

  constructor(private readonly options: RealtimeClientOptions) {
    const impl = options.WebSocket ?? runtime.WebSocket;
    if (!impl) {
      throw new TypeError('no WebSocket implementation: pass one as the WebSocket option (in Node: the ws package)');
    }
    this.WebSocketImpl = impl;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  get user(): string | undefined {
    return this.welcome?.user;
  }

  on<K extends keyof ClientEvents>(name: K, listener: (payload: ClientEvents[K]) => void): () => void {
    return this.emitter.on(name, listener);
  }

  connect(): Promise<Welcome> {
    if (this.currentState === 'open' && this.welcome) {
      return Promise.resolve(this.welcome);
    }
    const promise = new Promise<Welcome>((resolve, reject) => this.connectWaiters.push({ resolve, reject }));
    // A caller that fires connect() and forgets it must not get an unhandled rejection when close() comes first.
    promise.catch(() => undefined);
    if (this.currentState === 'idle' || this.currentState === 'closed') {
      this.deliberatelyClosed = false;
      this.attempt = 0;
      void this.openSocket();
    }
    return promise;
  }

  close(): void {
    // Also after a close without reconnect (4003): the subscriptions kept for a later connect() end here.
    this.deliberatelyClosed = true;
    this.generation++;
    this.stopTimers();
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      detach(ws);
      try {
        ws.close(1000, 'client closed');
      } catch {
        // Already closing: nothing more to do.
      }
    }
    this.settleUnsubscribeWaiters();
    this.pending.clear();
    const closedError = new RealtimeError('client.closed', 'the client was closed');
    for (const entry of this.rooms.values()) {
      for (const handle of entry.handles) {
        handle.active = false;
        if (!handle.settled) {
          handle.reject(closedError);
        }
      }
    }
    this.rooms.clear();
    this.cursors.clear();
    this.rejectConnectWaiters(closedError);
    if (this.currentState !== 'closed') {
      this.setState('closed', { code: 1000, reason: 'client closed' });
    }
  }

  subscribe<Data = unknown>(
    room: string,
    handler: (event: RealtimeEvent<Data>) => void,
    options: SubscribeOptions = {},
  ): Subscription {
    const handle = new Handle(this, room, handler as (event: RealtimeEvent) => void, options);
    if (options.since !== undefined) {
      const cursor = this.cursorOf(room);
      cursor.lastSeq = Math.max(cursor.lastSeq ?? options.since, options.since);
    }
    let entry = this.rooms.get(room);
    if (!entry) {
      entry = { room, handles: new Set(), subscribed: false, everAcked: false, online: new Set(), since: options.since };
      this.rooms.set(room, entry);
      entry.handles.add(handle);
      if (this.currentState === 'open') {
        this.sendSubscribe(entry);
      }
    } else {
      entry.handles.add(handle);
      if (entry.subscribed && entry.lastAck) {
        handle.resolve(entry.lastAck);
      }
    }
    return handle;
  }

  typing(room: string, on: boolean): boolean {
    const entry = this.rooms.get(room);
    if (this.currentState !== 'open' || !entry?.subscribed) {
      return false;
    }
    return this.send({ type: 'typing', room, typing: on });
  }

  // ---- used by Handle

  onlineOf(room: string): string[] {
    return [...(this.rooms.get(room)?.online ?? [])].sort();
  }

  lastSeqOf(room: string): number | undefined {
    return this.cursors.get(room)?.lastSeq;
  }

  release(handle: Handle): Promise<void> {
    if (!handle.active) {
      return Promise.resolve();
    }
    handle.active = false;
    if (!handle.settled) {
      handle.reject(new RealtimeError('unsubscribed', 'unsubscribed before the subscription was acknowledged', handle.room));
    }
    const entry = this.rooms.get(handle.room);
    if (!entry || !entry.handles.delete(handle) || entry.handles.size > 0) {
      return Promise.resolve();
    }
    this.rooms.delete(handle.room);
    this.cursors.delete(handle.room);
    if (this.currentState !== 'open') {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const id = this.frameId('u');
      this.pending.set(id, { kind: 'unsubscribe', room: handle.room, done: resolve });
      if (!this.send({ type: 'unsubscribe', id, room: handle.room })) {
        this.pending.delete(id);
        resolve();
      }
    });
  }

  // ---- connection

  private async openSocket(): Promise<void> {
    const generation = ++this.generation;
    if (this.attempt === 0) {
      this.setState('connecting', {});
    }
    let token: string;
    try {
      token = await this.options.token();
    } catch (error) {
      if (generation !== this.generation) {
        return;
      }
      this.emitter.emit('error', new RealtimeError('token.provider_failed', `the token provider failed: ${String(error)}`));
      this.afterClose(0, 'token provider failed');
      return;
    }
    if (generation !== this.generation) {
      return;
    }
    let ws: WebSocketLike;
    try {
      // Browsers cannot set an Authorization header on a WebSocket; the edge reads it from this subprotocol.
      ws = new this.WebSocketImpl(this.upgradeUrl(token), [
        'bearer-token-carrier',
        encodeURIComponent(`quarkus-http-upgrade#Authorization#Bearer ${token}`),
      ]);
    } catch (error) {
      this.emitter.emit('error', new RealtimeError('connect.failed', `could not open a WebSocket: ${String(error)}`));
      this.afterClose(0, 'could not open a WebSocket');
      return;
    }
    this.ws = ws;
    ws.onopen = () => undefined;
    ws.onerror = () => undefined; // a close event follows every error; that is where the outcome is decided
    ws.onmessage = (message) => {
      if (this.ws === ws && typeof message.data === 'string') {
        this.onFrame(message.data, token);
      }
    };
    ws.onclose = (event) => {
      if (this.ws === ws) {
        this.ws = undefined;
        this.afterClose(event.code, event.reason ?? '');
      }
    };
    const timeout = this.options.openTimeoutMs ?? 15_000;
    this.welcomeTimer = setTimer(() => {
      if (this.ws === ws && this.currentState !== 'open') {
        this.ws = undefined;
        detach(ws);
        try {
          ws.close();
        } catch {
          // The attempt is abandoned either way.
        }
        this.afterClose(1006, `no welcome within ${timeout} ms`);
      }
    }, timeout);
  }

  /** A connection (or an attempt) ended without close(): reconnect or stop. */
  private afterClose(code: number, reason: string): void {
    this.stopTimers();
    this.settleUnsubscribeWaiters();
    this.pending.clear();
    for (const entry of this.rooms.values()) {
      entry.subscribed = false;
    }
    if (this.deliberatelyClosed) {
      return;
    }
    const reconnect = this.options.shouldReconnect
      ? this.options.shouldReconnect({ code, reason })
      : !NO_RECONNECT_CODES.includes(code);
    if (!reconnect) {
      const error = new RealtimeError('connection.closed', `the edge closed the connection: ${code} ${reason}`);
      this.rejectConnectWaiters(error);
      this.setState('closed', { code, reason });
      return;
    }
    this.attempt++;
    const delayMs = backoffDelay(this.attempt, this.options.backoff);
    this.setState('reconnecting', { code, reason, attempt: this.attempt, delayMs });
    const generation = this.generation;
    this.reconnectTimer = setTimer(() => {
      if (generation === this.generation && !this.deliberatelyClosed) {
        void this.openSocket();
      }
    }, delayMs);
  }

  private onFrame(text: string, token: string): void {
    let frame: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return;
      }
      frame = parsed as Record<string, unknown>;
    } catch {
      return;
    }
    switch (frame.type) {
      case 'welcome':
        this.onWelcome(frame as unknown as Welcome, token);
        break;
      case 'ack':
        this.onAck(frame);
        break;
      case 'resync':
        this.onResync(frame);
        break;
      case 'resumed':
        if (this.ownResume !== undefined && frame.room === this.ownResume.room) {
          const { id } = this.ownResume;
          this.ownResume = undefined;
          this.onAck({ ...frame, id });
        }
        break;
      case 'error':
        this.onError(frame);
        break;
      case 'event':
        this.onEvent(frame as unknown as RealtimeEvent);
        break;
      case 'presence':
        this.onPresence(frame);
        break;
      case 'typing':
        this.onTyping(frame);
        break;
      case 'unsubscribed':
        this.onUnsubscribed(frame);
        break;
      default:
      // Unknown frame types are ignored: the protocol adds new ones over time.
    }
  }

  private onWelcome(welcome: Welcome, token: string): void {
    clearTimer(this.welcomeTimer);
    this.welcomeTimer = undefined;
    this.welcome = welcome;
    this.attempt = 0;
    this.setState('open', {});
    this.emitter.emit('welcome', welcome);
    const waiters = this.connectWaiters;
    this.connectWaiters = [];
    waiters.forEach((waiter) => waiter.resolve(welcome));
    for (const entry of this.rooms.values()) {
      this.sendSubscribe(entry);
    }
    const expiry = jwtExpiryMs(token) ?? parseTime(welcome.expiresAt);
    if (expiry !== undefined) {
      this.scheduleRefresh(expiry);
    }
  }

  /** Where a (re)subscribe of the room resumes from, if anywhere. */
  private sinceFor(entry: RoomEntry): number | undefined {
    // A first subscribe asks for a replay only from where the application says it is: events of an automatic room
    // seen before the subscribe were live, nothing is missing there. After a reconnect: from the last seq seen.
    return !SEQUENCED_ROOM.test(entry.room)
      ? undefined
      : entry.everAcked
        ? this.cursors.get(entry.room)?.lastSeq
        : entry.since === undefined
          ? undefined
          : this.cursors.get(entry.room)?.lastSeq;
  }

  /** The edge URL, with `since` of the user's own room when the application follows it and has a position there. */
  private upgradeUrl(token: string): string {
    this.ownResume = undefined;
    const sub = decodeJwtPayload(token)?.sub;
    const entry = typeof sub === 'string' ? this.rooms.get(`user:${sub}`) : undefined;
    const since = entry === undefined ? undefined : this.sinceFor(entry);
    if (entry === undefined || since === undefined) {
      return this.options.url;
    }
    this.ownResume = { room: entry.room, since, id: this.frameId('s') };
    return `${this.options.url}${this.options.url.includes('?') ? '&' : '?'}since=${since}`;
  }

  private sendSubscribe(entry: RoomEntry): void {
    if (this.ownResume?.room === entry.room && !this.pending.has(this.ownResume.id)) {
      // Resumed by the upgrade: no subscribe, the `resumed` frame answers.
      const { id, since } = this.ownResume;
      this.pending.set(id, { kind: 'subscribe', room: entry.room, since, resumed: entry.everAcked });
      return;
    }
    const id = this.frameId('s');
    const since = this.sinceFor(entry);
    this.pending.set(id, { kind: 'subscribe', room: entry.room, since, resumed: entry.everAcked });
    const frame: Record<string, unknown> = { type: 'subscribe', id, room: entry.room };
    if (since !== undefined) {
      frame.since = since;
    }
    this.send(frame);
  }

  private onAck(frame: Record<string, unknown>): void {
    const id = typeof frame.id === 'string' ? frame.id : undefined;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (!pending || id === undefined) {
      return;
    }
    this.pending.delete(id);
    if (pending.kind === 'unsubscribe') {
      pending.done();
      return;
    }
    if (pending.kind === 'refresh') {
      const expiresAt = typeof frame.expiresAt === 'string' ? frame.expiresAt : undefined;
      this.emitter.emit('tokenRefreshed', { expiresAt });
      const expiry = jwtExpiryMs(pending.token) ?? parseTime(expiresAt);
      if (expiry !== undefined) {
        this.scheduleRefresh(expiry);
      }
      return;
    }
    const entry = this.rooms.get(pending.room);
    if (!entry) {
      return; // unsubscribed while the subscribe was on its way
    }
    const ack: SubscribeAck = { room: pending.room };
    if (Array.isArray(frame.online)) {
      ack.online = frame.online.filter((u): u is string => typeof u === 'string');
    }
    const resume = frame.resume as SubscribeAck['resume'] | undefined;
    if (resume && typeof resume === 'object') {
      ack.resume = resume;
    }
    entry.subscribed = true;
    entry.lastAck = ack;
    const firstAck = !entry.everAcked;
    entry.everAcked = true;
    if (ack.online) {
      entry.online = new Set(ack.online);
      this.notifyPresence(entry, { room: entry.room, online: [...ack.online].sort() });
    }
    this.emitter.emit('subscribed', { ...ack, resumed: !firstAck });
    const resync = this.resyncNeeded(pending, ack);
    for (const handle of entry.handles) {
      if (!handle.settled) {
        handle.resolve(ack);
      }
    }
    if (resync && (!firstAck || pending.since !== undefined)) {
      this.emitter.emit('resync', resync);
      for (const handle of entry.handles) {
        safeCall(handle.options.onResync, resync);
      }
    }
  }

  /** The edge saw seqs of a room missing (`seq.gap`): the app reloads after `since`; later events keep coming. */
  private onResync(frame: Record<string, unknown>): void {
    const entry = typeof frame.room === 'string' ? this.rooms.get(frame.room) : undefined;
    if (!entry) {
      return;
    }
    const resync: ResyncNeeded = {
      room: entry.room,
      since: typeof frame.since === 'number' ? frame.since : undefined,
      reason: typeof frame.reason === 'string' ? frame.reason : 'resync',
    };
    this.emitter.emit('resync', resync);
    for (const handle of entry.handles) {
      safeCall(handle.options.onResync, resync);
    }
  }

  /** Whether events of the room may have been lost, judged from what was asked and what the ack says. */
  private resyncNeeded(pending: { room: string; since?: number; resumed: boolean }, ack: SubscribeAck): ResyncNeeded | undefined {
    const { room, since } = pending;
    if (!SEQUENCED_ROOM.test(room)) {
      return pending.resumed ? { room, reason: 'resume.unsequenced' } : undefined;
    }
    if (since === undefined) {
      return pending.resumed ? { room, reason: 'resume.no_position' } : undefined;
    }
    if (!ack.resume) {
      return { room, since, reason: 'resume.unsupported' };
    }
    if (ack.resume.complete === false) {
      return { room, since, reason: ack.resume.reason ?? 'resume.incomplete' };
    }
    return undefined;
  }

  private onError(frame: Record<string, unknown>): void {
    const code = typeof frame.code === 'string' ? frame.code : 'unknown';
    const message = typeof frame.message === 'string' ? frame.message : code;
    const id = typeof frame.id === 'string' ? frame.id : undefined;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (id !== undefined && pending) {
      this.pending.delete(id);
    }
    if (pending?.kind === 'subscribe') {
      const error = new RealtimeError(code, message, pending.room);
      const entry = this.rooms.get(pending.room);
      if (entry) {
        this.rooms.delete(pending.room);
        this.cursors.delete(pending.room);
        for (const handle of entry.handles) {
          handle.active = false;
          if (!handle.settled) {
            handle.reject(error);
          } else {
            safeCall(handle.options.onError, error);
          }
        }
      }
      this.emitter.emit('error', error);
      return;
    }
    if (pending?.kind === 'unsubscribe') {
      pending.done();
    }
    this.emitter.emit('error', new RealtimeError(code, message, pending?.kind === 'unsubscribe' ? pending.room : undefined));
    if (pending?.kind === 'refresh') {
      this.retryRefreshSoon(pending.token);
    }
  }

  private onEvent(event: RealtimeEvent): void {
    if (typeof event.room !== 'string' || typeof event.eventId !== 'string') {
      return;
    }
    const cursor = this.cursorOf(event.room);
    // Delivery is at least once (redelivery after a relay restart, replay overlapping live events): drop repeats.
    if (typeof event.seq === 'number') {
      if (cursor.lastSeq !== undefined && event.seq <= cursor.lastSeq) {
        return;
      }
      cursor.lastSeq = event.seq;
    } else if (cursor.seenIds.has(event.eventId)) {
      return;
    }
    cursor.seenIds.add(event.eventId);
    if (cursor.seenIds.size > SEEN_IDS_PER_ROOM) {
      cursor.seenIds.delete(cursor.seenIds.values().next().value as string);
    }
    const delivered: RealtimeEvent = {
      room: event.room,
      event: event.event,
      eventId: event.eventId,
      seq: event.seq,
      time: event.time,
      actor: event.actor,
      data: event.data,
    };
    const entry = this.rooms.get(event.room);
    if (entry) {
      for (const handle of [...entry.handles]) {
        if (handle.active) {
          safeCall(handle.handler, delivered);
        }
      }
    }
    this.emitter.emit('event', delivered);
  }

  private onPresence(frame: Record<string, unknown>): void {
    const room = frame.room;
    const user = frame.user;
    const state = frame.state;
    if (typeof room !== 'string' || typeof user !== 'string' || (state !== 'joined' && state !== 'left')) {
      return;
    }
    const entry = this.rooms.get(room);
    if (!entry) {
      return;
    }
    if (state === 'joined') {
      entry.online.add(user);
    } else {
      entry.online.delete(user);
    }
    this.notifyPresence(entry, { room, online: [...entry.online].sort(), user, state });
  }

  private notifyPresence(entry: RoomEntry, change: PresenceChange): void {
    for (const handle of entry.handles) {
      safeCall(handle.options.onPresence, change);
    }
    this.emitter.emit('presence', change);
  }

  private onTyping(frame: Record<string, unknown>): void {
    if (typeof frame.room !== 'string' || typeof frame.user !== 'string') {
      return;
    }
    const change: TypingChange = {
      room: frame.room,
      user: frame.user,
      typing: frame.typing !== false,
    };
    if (typeof frame.name === 'string') {
      change.name = frame.name;
    }
    this.trackTyping(change);
    this.notifyTyping(change);
  }

  /** Arms (or disarms) the local lapse of a typing indicator, for the stops an edge that died never sends. */
  private trackTyping(change: TypingChange): void {
    let timers = this.typingTimers.get(change.room);
    clearTimer(timers?.get(change.user));
    timers?.delete(change.user);
    if (!change.typing) {
      return;
    }
    if (!timers) {
      timers = new Map();
      this.typingTimers.set(change.room, timers);
    }
    timers.set(
      change.user,
      setTimer(() => {
        this.typingTimers.get(change.room)?.delete(change.user);
        this.notifyTyping({ ...change, typing: false });
      }, this.options.typingTimeoutMs ?? 8_000),
    );
  }

  private notifyTyping(change: TypingChange): void {
    for (const handle of this.rooms.get(change.room)?.handles ?? []) {
      safeCall(handle.options.onTyping, change);
    }
    this.emitter.emit('typing', change);
  }

  private onUnsubscribed(frame: Record<string, unknown>): void {
    if (typeof frame.room !== 'string') {
      return;
    }
    const change: Unsubscribed = {
      room: frame.room,
      reason: typeof frame.reason === 'string' ? frame.reason : 'unknown',
    };
    const entry = this.rooms.get(frame.room);
    if (entry) {
      this.rooms.delete(frame.room);
      this.cursors.delete(frame.room);
      for (const handle of entry.handles) {
        handle.active = false;
        safeCall(handle.options.onUnsubscribed, change);
      }
    }
    this.emitter.emit('unsubscribed', change);
  }

  // ---- token refresh

  private scheduleRefresh(expiryMs: number): void {
    this.tokenExpiryMs = expiryMs;
    clearTimer(this.refreshTimer);
    this.refreshTimer = undefined;
    const before = this.options.refreshBeforeExpirySeconds ?? 30;
    if (before === false) {
      return;
    }
    const remaining = expiryMs - Date.now();
    if (remaining <= 0) {
      return; // the edge closes with 4001 and the reconnect brings a new token
    }
    // Halfway at the latest: a token shorter-lived than the margin must still be refreshed before it runs out.
    const delay = Math.max(remaining - before * 1000, remaining / 2, MIN_REFRESH_DELAY_MS);
    const generation = this.generation;
    this.refreshTimer = setTimer(() => void this.refresh(generation, expiryMs), delay);
  }

  private async refresh(generation: number, currentExpiryMs: number): Promise<void> {
    let token: string;
    try {
      token = await this.options.token();
    } catch (error) {
      if (generation === this.generation) {
        this.emitter.emit('error', new RealtimeError('token.provider_failed', `the token provider failed: ${String(error)}`));
        this.scheduleRetry(generation, currentExpiryMs);
      }
      return;
    }
    if (generation !== this.generation || this.currentState !== 'open') {
      return;
    }
    const id = this.frameId('r');
    this.pending.set(id, { kind: 'refresh', token });
    if (!this.send({ type: 'refresh', id, token })) {
      this.pending.delete(id);
    }
  }

  private retryRefreshSoon(token: string): void {
    const expiry = this.tokenExpiryMs ?? jwtExpiryMs(token);
    if (expiry !== undefined) {
      this.scheduleRetry(this.generation, expiry);
    }
  }

  private scheduleRetry(generation: number, expiryMs: number): void {
    const remaining = expiryMs - Date.now();
    if (remaining <= 2 * MIN_REFRESH_DELAY_MS) {
      return;
    }
    clearTimer(this.refreshTimer);
    this.refreshTimer = setTimer(() => void this.refresh(generation, expiryMs), Math.min(5_000, remaining / 2));
  }

  // ---- helpers

  private cursorOf(room: string): Cursor {
    let cursor = this.cursors.get(room);
    if (!cursor) {
      cursor = { seenIds: new Set() };
      this.cursors.set(room, cursor);
    }
    return cursor;
  }

  private send(frame: Record<string, unknown>): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) {
      return false;
    }
    try {
      ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  private frameId(prefix: string): string {
    this.nextFrameId++;
    return `${prefix}${this.nextFrameId}`;
  }

  private setState(state: ConnectionState, details: Omit<StateChange, 'state' | 'previous'>): void {
    const previous = this.currentState;
    if (previous === state && state !== 'reconnecting') {
      return;
    }
    this.currentState = state;
    this.emitter.emit('state', { state, previous, ...details });
  }

  private stopTimers(): void {
    // Without a connection no stop can arrive: whoever was shown typing is reported as stopped now.
    const typing = [...this.typingTimers.entries()];
    this.typingTimers.clear();
    for (const [room, timers] of typing) {
      for (const [user, timer] of timers) {
        clearTimer(timer);
        this.notifyTyping({ room, user, typing: false });
      }
    }
    clearTimer(this.reconnectTimer);
    clearTimer(this.welcomeTimer);
    clearTimer(this.refreshTimer);
    this.reconnectTimer = undefined;
    this.welcomeTimer = undefined;
    this.refreshTimer = undefined;
  }

  private settleUnsubscribeWaiters(): void {
    for (const pending of this.pending.values()) {
      if (pending.kind === 'unsubscribe') {
        pending.done();
      }
    }
  }

  private rejectConnectWaiters(error: RealtimeError): void {
    const waiters = this.connectWaiters;
    this.connectWaiters = [];
    waiters.forEach((waiter) => waiter.reject(error));
  }
}

function detach(ws: WebSocketLike): void {
  ws.onopen = null;
  ws.onmessage = null;
  ws.onclose = null;
  // Not null: closing a socket that is still connecting makes the ws package emit an error, and an error event
  // without a listener would crash a Node process.
  ws.onerror = () => undefined;
}

function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
