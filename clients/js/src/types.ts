/** Frames and payloads of the realtime protocol (docs/realtime-protocol.md), as the SDK hands them to applications. */

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StateChange {
  state: ConnectionState;
  previous: ConnectionState;
  /** The WebSocket close code that caused this change, when a connection closed. */
  code?: number;
  reason?: string;
  /** For `reconnecting`: the number of the attempt about to be made (1 for the first) and when. */
  attempt?: number;
  delayMs?: number;
}

export interface Welcome {
  type: 'welcome';
  /** The user id (the token's `sub`). */
  user: string;
  /** Rooms the connection was put in without asking: the user's own room, its role rooms, `all`. */
  rooms: string[];
  /** When the connection's token expires (ISO-8601), unless refreshed in band. */
  expiresAt?: string;
}

/** One event delivered to a room. */
export interface RealtimeEvent<Data = unknown> {
  room: string;
  /** Live event name, e.g. `message:new`. */
  event: string;
  /** Unique per event: the key of de-duplication for rooms without `seq`. */
  eventId: string;
  /** The room's stream version, for `conversation:*`, `project:*`, `user:*` when the producer set it. */
  seq?: number;
  time?: string;
  actor?: string;
  data: Data;
}

export interface ResumeInfo {
  since: number;
  complete: boolean;
  reason?: string;
}

export interface SubscribeAck {
  room: string;
  /** Members of the room who are online, for rooms with presence (conversations, projects). */
  online?: string[];
  /** Present when the subscribe asked for a resume (`since`). */
  resume?: ResumeInfo;
}

/**
 * The application must reload the room's state (e.g. over REST): events may have been missed and cannot be
 * replayed.
 */
export interface ResyncNeeded {
  room: string;
  /** The last seq the client had seen, when it had one. */
  since?: number;
  /**
   * Why: the edge's reason (`history.unavailable`, ...) or the SDK's own:
   * `resume.unsupported` (the edge acknowledged a resume request without saying it replayed anything),
   * `resume.no_position` (reconnected to a room of which no seq was ever seen: nothing to resume from),
   * `resume.unsequenced` (reconnected to a room without seq, `role:*` or `all`: no resume is possible);
   * `seq.gap` (the edge saw seqs of the room missing before a later event: reload after `since`);
   * `send.overflow` (frames of a room without seq were dropped while the connection fell behind a burst).
   */
  reason: string;
}

export interface PresenceChange {
  room: string;
  /** Everyone of the room's members known to be online after this change, sorted. */
  online: string[];
  /** For a `presence` frame: who joined or left. Absent for the snapshot of a subscribe's ack. */
  user?: string;
  state?: 'joined' | 'left';
}

export interface TypingChange {
  room: string;
  user: string;
  name?: string;
  typing: boolean;
}

export interface Unsubscribed {
  room: string;
  /** `membership.revoked`, ... */
  reason: string;
}

/** An `error` frame of the edge, or a failure of the SDK itself. */
export class RealtimeError extends Error {
  readonly code: string;
  readonly room?: string;

  constructor(code: string, message: string, room?: string) {
    super(message);
    this.name = 'RealtimeError';
    this.code = code;
    this.room = room;
  }
}

export interface TokenRefreshed {
  /** The connection's new expiry, as the edge acknowledged it. */
  expiresAt?: string;
}

export interface ClientEvents {
  state: StateChange;
  welcome: Welcome;
  /** Every delivered event of every room, subscribed or automatic, after de-duplication. */
  event: RealtimeEvent;
  presence: PresenceChange;
  typing: TypingChange;
  /** A subscribe was acknowledged: at first, and again after every reconnect (`resumed`). */
  subscribed: SubscribeAck & { resumed: boolean };
  resync: ResyncNeeded;
  unsubscribed: Unsubscribed;
  tokenRefreshed: TokenRefreshed;
  /** Refused frames, failed token refreshes, a token provider that threw. The connection goes on. */
  error: RealtimeError;
}
