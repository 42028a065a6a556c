export { createRealtimeClient, NO_RECONNECT_CODES } from './client.js';
export type { RealtimeClient, RealtimeClientOptions, SubscribeOptions, Subscription } from './client.js';
export { backoffDelay } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { decodeJwtPayload, jwtExpiryMs } from './jwt.js';
export { createRestClient, RestError } from './rest.js';
export type {
  Activity,
  ActivityPage,
  Conversation,
  ConversationPage,
  Message,
  MessagePage,
  Notification,
  NotificationPage,
  Participant,
  Problem,
  Project,
  ProjectMember,
  Reaction,
  ReadState,
  RestClient,
  RestClientOptions,
} from './rest.js';
export { RealtimeError } from './types.js';
export type {
  ClientEvents,
  ConnectionState,
  PresenceChange,
  RealtimeEvent,
  ResumeInfo,
  ResyncNeeded,
  StateChange,
  SubscribeAck,
  TokenRefreshed,
  TypingChange,
  Unsubscribed,
  Welcome,
} from './types.js';
export type { FetchLike, FetchResponseLike, WebSocketConstructor, WebSocketLike } from './runtime.js';
