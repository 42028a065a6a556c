import { randomId, runtime, type FetchLike } from './runtime.js';

/** A refused REST call: the HTTP status and the problem+json body (docs/problems.md) when there is one. */
export class RestError extends Error {
  readonly status: number;
  readonly problem?: Problem;
  /** Seconds to wait, from `Retry-After` (429, 503). */
  readonly retryAfterSeconds?: number;

  constructor(status: number, message: string, problem?: Problem, retryAfterSeconds?: number) {
    super(message);
    this.name = 'RestError';
    this.status = status;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  [field: string]: unknown;
}

export interface RestClientOptions {
  /** chat-service base URL, e.g. `http://localhost:8081`. */
  chatUrl?: string;
  notificationUrl?: string;
  activityUrl?: string;
  /** The same provider as the realtime client's: called for every request. */
  token: () => Promise<string> | string;
  fetch?: FetchLike;
}

// ---- chat-service (docs/chat-api.md)

export interface Participant {
  userId: string;
  role?: string;
  /** The seq of the newest message this participant has read (read receipts). */
  lastReadSeq?: number;
  [field: string]: unknown;
}

export interface Reaction {
  emoji: string;
  count: number;
  mine: boolean;
}

export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  authorId: string;
  authorName?: string;
  text: string | null;
  replyTo?: string | null;
  mentions: string[];
  postedAt: string;
  editedAt?: string | null;
  deleted: boolean;
  deletedAt?: string | null;
  reactions: Reaction[];
}

export interface Conversation {
  id: string;
  title: string;
  participants?: Participant[];
  myRole?: string;
  unreadCount?: number;
  lastMessage?: Message | null;
  archived?: boolean;
  [field: string]: unknown;
}

export interface ConversationPage {
  items: Conversation[];
  nextBefore?: string | null;
}

export interface MessagePage {
  items: Message[];
  /** The `before` (or `after`) of the next page; absent at the end. */
  next?: number | null;
}

export interface ReadState {
  lastReadSeq: number;
  unreadCount: number;
}

// ---- notification-service (docs/notification-api.md)

export interface Notification {
  id: string;
  seq: number;
  type: string;
  title: string;
  body?: string | null;
  actor?: { id: string; name?: string } | null;
  target?: { type: string; id: string; title?: string; link?: string } | null;
  createdAt: string;
  read: boolean;
  readAt?: string | null;
  [field: string]: unknown;
}

export interface NotificationPage {
  items: Notification[];
  unreadCount: number;
  next?: number | null;
}

// ---- activity-service (docs/activity-api.md)

export interface Project {
  id: string;
  title: string;
  archived?: boolean;
  myRole?: string;
  version?: number;
  [field: string]: unknown;
}

export interface ProjectMember {
  userId: string;
  displayName?: string | null;
  role: string;
  joinedAt?: string;
}

export interface Activity {
  id: string;
  seq: number;
  projectId: string;
  verb: string;
  actor: { id: string; name?: string };
  target?: { type: string; id: string; title?: string; link?: string } | null;
  occurredAt: string;
  details?: Record<string, unknown> | null;
}

export interface ActivityPage {
  items: Activity[];
  entries?: unknown[];
  next?: number | null;
  latestSeq: number;
}

type Query = Record<string, string | number | boolean | undefined>;

export interface RestClient {
  // chat
  listConversations(query?: { archived?: boolean; limit?: number; before?: string }): Promise<ConversationPage>;
  createConversation(
    body: { title: string; participants: string[]; projectId?: string; direct?: boolean },
    idempotencyKey?: string,
  ): Promise<Conversation>;
  getConversation(id: string): Promise<Conversation>;
  /** Newest first with `before` (or no cursor); oldest first with `after` (catch-up after a resync). */
  listMessages(conversationId: string, query?: { before?: number; after?: number; limit?: number }): Promise<MessagePage>;
  /**
   * Posts a message. `clientMessageId` makes a retry safe (the service answers the first message again); one is
   * generated when absent, and the same one is reused by the single retry this method makes after a network error.
   */
  postMessage(
    conversationId: string,
    body: { text: string; replyTo?: string; clientMessageId?: string },
  ): Promise<Message>;
  editMessage(conversationId: string, messageId: string, text: string): Promise<Message>;
  deleteMessage(conversationId: string, messageId: string): Promise<void>;
  /** Adds (`on` true, the default) or removes the caller's reaction. */
  react(conversationId: string, messageId: string, emoji: string, on?: boolean): Promise<Message>;
  markRead(conversationId: string, messageId: string): Promise<ReadState>;
  addParticipant(conversationId: string, userId: string, role?: 'member' | 'admin'): Promise<Conversation>;
  /** Removes a participant (admins and owners); the caller's own id leaves. */
  removeParticipant(conversationId: string, userId: string): Promise<void>;
  leaveConversation(conversationId: string): Promise<void>;
  // notifications
  listNotifications(query?: { filter?: 'all' | 'unread'; before?: number; limit?: number }): Promise<NotificationPage>;
  unreadNotificationCount(): Promise<{ unreadCount: number }>;
  markNotificationRead(id: string): Promise<{ marked: number; unreadCount: number }>;
  markAllNotificationsRead(): Promise<{ marked: number; unreadCount: number }>;
  // activity
  listProjects(): Promise<Project[]>;
  getProject(id: string): Promise<Project>;
  listProjectMembers(projectId: string): Promise<ProjectMember[]>;
  /** Adds a member (project owners and admins); answers every member. */
  addProjectMember(projectId: string, userId: string, role?: 'member' | 'admin'): Promise<ProjectMember[]>;
  createProject(body: { id?: string; title: string }, idempotencyKey?: string): Promise<Project>;
  listActivities(
    projectId: string,
    query?: { limit?: number; before?: number; since?: number; verb?: string; group?: boolean },
  ): Promise<ActivityPage>;
  getSeen(projectId: string): Promise<{ seenSeq: number; unseenCount: number }>;
  markSeen(projectId: string, seq: number): Promise<{ seenSeq: number; unseenCount: number }>;
}

export function createRestClient(options: RestClientOptions): RestClient {
  const fetchImpl = options.fetch ?? runtime.fetch?.bind(globalThis);
  if (!fetchImpl) {
    throw new TypeError('no fetch implementation: pass one as the fetch option');
  }

  function base(service: 'chatUrl' | 'notificationUrl' | 'activityUrl'): string {
    const url = options[service];
    if (!url) {
      throw new TypeError(`the ${service} option is needed for this call`);
    }
    return url.replace(/\/+$/, '');
  }

  async function call<T>(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const token = await options.token();
    const response = await fetchImpl!(url, {
      method,
      headers: {
        Accept: 'application/json',
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      let problem: Problem | undefined;
      try {
        problem = text ? (JSON.parse(text) as Problem) : undefined;
      } catch {
        problem = undefined;
      }
      const retryAfter = Number(response.headers.get('Retry-After'));
      throw new RestError(
        response.status,
        `${method} ${url}: ${response.status}${problem?.title ? ` ${problem.title}` : ''}${problem?.detail ? `: ${problem.detail}` : ''}`,
        problem,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      );
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const chat = (path: string, query?: Query) => base('chatUrl') + '/api/conversations' + path + queryString(query);
  const notifications = (path: string, query?: Query) =>
    base('notificationUrl') + '/api/notifications' + path + queryString(query);
  const projects = (path: string, query?: Query) => base('activityUrl') + '/api/projects' + path + queryString(query);
  const id = encodeURIComponent;

  return {
    listConversations: (query) => call('GET', chat('', query)),
    createConversation: (body, idempotencyKey) =>
      call('POST', chat(''), body, idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
    getConversation: (conversationId) => call('GET', chat(`/${id(conversationId)}`)),
    listMessages: (conversationId, query) => call('GET', chat(`/${id(conversationId)}/messages`, query)),
    async postMessage(conversationId, body) {
      const request = { ...body, clientMessageId: body.clientMessageId ?? randomId() };
      const url = chat(`/${id(conversationId)}/messages`);
      try {
        return await call<Message>('POST', url, request);
      } catch (error) {
        if (error instanceof RestError) {
          throw error;
        }
        // A network failure may have lost the answer, not the request: the same clientMessageId cannot post twice.
        return call<Message>('POST', url, request);
      }
    },
    editMessage: (conversationId, messageId, text) =>
      call('PATCH', chat(`/${id(conversationId)}/messages/${id(messageId)}`), { text }),
    deleteMessage: (conversationId, messageId) =>
      call('DELETE', chat(`/${id(conversationId)}/messages/${id(messageId)}`)),
    react: (conversationId, messageId, emoji, on = true) =>
      call(on ? 'PUT' : 'DELETE', chat(`/${id(conversationId)}/messages/${id(messageId)}/reactions/${id(emoji)}`)),
    markRead: (conversationId, messageId) => call('POST', chat(`/${id(conversationId)}/read`), { messageId }),
    addParticipant: (conversationId, userId, role) =>
      call('POST', chat(`/${id(conversationId)}/participants`), role ? { userId, role } : { userId }),
    removeParticipant: (conversationId, userId) =>
      call('DELETE', chat(`/${id(conversationId)}/participants/${id(userId)}`)),
    leaveConversation: (conversationId) => call('POST', chat(`/${id(conversationId)}/leave`)),

    listNotifications: (query) => call('GET', notifications('', query)),
    unreadNotificationCount: () => call('GET', notifications('/unread-count')),
    markNotificationRead: (notificationId) => call('POST', notifications(`/${id(notificationId)}/read`)),
    markAllNotificationsRead: () => call('POST', notifications('/read-all')),

    listProjects: () => call('GET', projects('')),
    getProject: (projectId) => call('GET', projects(`/${id(projectId)}`)),
    listProjectMembers: (projectId) => call('GET', projects(`/${id(projectId)}/members`)),
    addProjectMember: (projectId, userId, role) =>
      call('POST', projects(`/${id(projectId)}/members`), role ? { userId, role } : { userId }),
    createProject: (body, idempotencyKey) =>
      call('POST', projects(''), body, idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
    listActivities: (projectId, query) => call('GET', projects(`/${id(projectId)}/activities`, query)),
    getSeen: (projectId) => call('GET', projects(`/${id(projectId)}/seen`)),
    markSeen: (projectId, seq) => call('PUT', projects(`/${id(projectId)}/seen`), { seq }),
  };
}

function queryString(query: Query | undefined): string {
  if (!query) {
    return '';
  }
  const parts = Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
