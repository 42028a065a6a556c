/**
 * Conversations: the list with unread counts (kept live through one subscription per conversation) and the
 * conversation view (history paging, live messages, edit, delete, reactions, read receipts, typing, online dots).
 */
import type { Conversation, Message, Participant, RealtimeEvent, Subscription } from '@realtime-backbone/client';
import { RealtimeError } from '@realtime-backbone/client';
import { type AppContext, SUBSCRIBE_RETRY_DELAYS_MS, displayName, errorText } from './context.js';
import { h, replaceChildren, shortTime } from './dom.js';

const PAGE = 30;
const REACTIONS = ['👍', '❤️', '😂', '🎉', '👀'];
/** Send a typing refresh at most this often while the user types (the edge lets an indicator lapse after 6 s). */
const TYPING_REFRESH_MS = 2500;
const TYPING_IDLE_MS = 4000;

interface ConversationSummary {
  id: string;
  title: string;
  direct?: boolean;
  archived?: boolean;
  projectId?: string | null;
  myRole?: string;
  unreadCount: number;
  lastMessage?: Message | null;
  version?: number;
}

/** Everything the app knows of one conversation. */
interface ConversationState {
  summary: ConversationSummary;
  participants?: Participant[];
  /** Loaded history and live messages by id; undefined until the conversation is opened. */
  messages?: Map<string, Message>;
  /** The `before` of the next older page; null at the start of the conversation. */
  olderCursor?: number | null;
  online: string[];
  typing: Map<string, string>;
  /** Each participant's last read seq. */
  readBy: Map<string, number>;
  subscription?: Subscription;
}

export class ChatStore {
  readonly conversations = new Map<string, ConversationState>();
  private readonly listeners = new Set<(conversationId?: string) => void>();
  /** The conversation on screen, whose new messages are marked read while the page is visible. */
  openConversation?: string;

  constructor(private readonly context: AppContext) {
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && this.openConversation) {
        void this.markReadUpToLatest(this.openConversation);
      }
    });
  }

  onChange(listener: (conversationId?: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(conversationId?: string): void {
    this.listeners.forEach((listener) => listener(conversationId));
  }

  /** (Re)loads my conversations and subscribes to every one not yet subscribed. */
  async load(): Promise<void> {
    const page = await this.context.rest.listConversations({ limit: 90 });
    // Older conversations than this page may still be open or subscribed: only a complete list prunes.
    const complete = !page.nextBefore;
    const seen = new Set<string>();
    for (const item of page.items as unknown as ConversationSummary[]) {
      seen.add(item.id);
      const known = this.conversations.get(item.id);
      if (known) {
        known.summary = { ...known.summary, ...item };
      } else {
        this.track(item);
      }
    }
    for (const [id, state] of this.conversations) {
      if (complete && !seen.has(id)) {
        void state.subscription?.unsubscribe();
        this.conversations.delete(id);
      }
    }
    this.changed();
  }

  sorted(): ConversationState[] {
    const time = (s: ConversationState) => s.summary.lastMessage?.postedAt ?? '';
    return [...this.conversations.values()].sort((a, b) => time(b).localeCompare(time(a)));
  }

  async create(title: string, participants: string[], projectId?: string): Promise<string> {
    const created = await this.context.rest.createConversation({ title, participants, ...(projectId ? { projectId } : {}) });
    this.track({ ...(created as unknown as ConversationSummary), unreadCount: 0 });
    this.changed();
    return created.id;
  }

  private track(summary: ConversationSummary): ConversationState {
    const state: ConversationState = { summary, online: [], typing: new Map(), readBy: new Map() };
    this.conversations.set(summary.id, state);
    this.subscribe(state, 0);
    return state;
  }

  private subscribe(state: ConversationState, attempt: number): void {
    const id = state.summary.id;
    const subscription = this.context.realtime.subscribe(`conversation:${id}`, (event) => this.onEvent(id, event), {
      // Everything up to the version the list showed is in the REST state; the edge replays what came after it.
      since: state.summary.version,
      onResync: () => void this.reload(id),
      onPresence: ({ online }) => {
        state.online = online;
        this.changed(id);
      },
      onTyping: ({ user, name, typing }) => {
        if (user === this.context.me.user) {
          return;
        }
        if (name) {
          this.context.names.set(user, name);
        }
        if (typing) {
          state.typing.set(user, name ?? displayName(this.context, user));
        } else {
          state.typing.delete(user);
        }
        this.changed(id);
      },
      onUnsubscribed: () => this.forget(id),
      onError: () => this.forget(id),
    });
    state.subscription = subscription;
    subscription.ready.catch((error: unknown) => {
      const retry = SUBSCRIBE_RETRY_DELAYS_MS[attempt];
      if (error instanceof RealtimeError && error.code === 'room.not_found' && retry !== undefined
          && this.conversations.get(id) === state) {
        setTimeout(() => {
          if (this.conversations.get(id) === state) {
            this.subscribe(state, attempt + 1);
          }
        }, retry);
      } else if (this.conversations.get(id) === state) {
        this.context.notifyError(`live updates of "${state.summary.title}" are off: ${errorText(error)}`);
      }
    });
  }

  /** Removed from the conversation (by someone, or by leaving in another tab). */
  private forget(id: string): void {
    if (this.conversations.delete(id)) {
      this.changed(id);
    }
  }

  /** Loads the conversation and its latest page of history (when opened, and after a resync). */
  async open(id: string): Promise<ConversationState | undefined> {
    let state = this.conversations.get(id);
    const conversation = await this.context.rest.getConversation(id);
    if (!state) {
      state = this.track({ ...(conversation as unknown as ConversationSummary) });
    }
    this.applyConversation(state, conversation);
    if (!state.messages) {
      await this.loadLatest(state);
    }
    this.changed(id);
    return state;
  }

  private async reload(id: string): Promise<void> {
    const state = this.conversations.get(id);
    if (!state) {
      return;
    }
    this.applyConversation(state, await this.context.rest.getConversation(id));
    if (state.messages) {
      await this.loadLatest(state);
    }
    this.changed(id);
  }

  private applyConversation(state: ConversationState, conversation: Conversation): void {
    const { participants, ...summary } = conversation as Conversation & { version?: number };
    state.summary = { ...state.summary, ...(summary as unknown as ConversationSummary) };
    state.participants = participants ?? [];
    for (const participant of state.participants) {
      const lastRead = (participant as Participant & { lastReadSeq?: number }).lastReadSeq;
      if (typeof lastRead === 'number') {
        state.readBy.set(participant.userId, Math.max(state.readBy.get(participant.userId) ?? 0, lastRead));
      }
    }
  }

  private async loadLatest(state: ConversationState): Promise<void> {
    const page = await this.context.rest.listMessages(state.summary.id, { limit: PAGE });
    const messages = state.messages ?? new Map<string, Message>();
    page.items.forEach((message) => this.remember(messages, message));
    state.messages = messages;
    if (state.olderCursor === undefined) {
      state.olderCursor = page.next ?? null;
    }
  }

  async loadOlder(id: string): Promise<void> {
    const state = this.conversations.get(id);
    if (!state?.messages || state.olderCursor === null || state.olderCursor === undefined) {
      return;
    }
    const page = await this.context.rest.listMessages(id, { before: state.olderCursor, limit: PAGE });
    page.items.forEach((message) => this.remember(state.messages!, message));
    state.olderCursor = page.next ?? null;
    this.changed(id);
  }

  private remember(messages: Map<string, Message>, message: Message): void {
    if (message.authorName) {
      this.context.names.set(message.authorId, message.authorName);
    }
    messages.set(message.id, message);
  }

  private onEvent(id: string, event: RealtimeEvent): void {
    const state = this.conversations.get(id);
    if (!state) {
      return;
    }
    const data = event.data as Record<string, unknown>;
    const messageId = String(data.messageId ?? '');
    const message = state.messages?.get(messageId);
    if (event.seq !== undefined) {
      state.summary.version = Math.max(state.summary.version ?? 0, event.seq);
    }
    switch (event.event) {
      case 'message:new': {
        const posted: Message = {
          id: messageId,
          conversationId: id,
          seq: event.seq ?? 0,
          authorId: String(data.authorId),
          authorName: data.authorName as string | undefined,
          text: String(data.text ?? ''),
          replyTo: (data.replyTo as string | undefined) ?? null,
          mentions: (data.mentions as string[] | undefined) ?? [],
          postedAt: String(data.postedAt ?? event.time ?? new Date().toISOString()),
          editedAt: null,
          deleted: false,
          reactions: [],
        };
        if (state.messages) {
          this.remember(state.messages, posted);
        } else if (posted.authorName) {
          this.context.names.set(posted.authorId, posted.authorName);
        }
        state.summary.lastMessage = posted;
        state.typing.delete(posted.authorId);
        if (posted.authorId === this.context.me.user) {
          state.readBy.set(posted.authorId, posted.seq);
        } else if (this.isReading(id)) {
          void this.markReadUpToLatest(id);
        } else {
          state.summary.unreadCount += 1;
        }
        break;
      }
      case 'message:edited':
        if (message) {
          message.text = String(data.text ?? '');
          message.mentions = (data.mentions as string[] | undefined) ?? [];
          message.editedAt = String(data.changedAt ?? event.time ?? '');
        }
        break;
      case 'message:deleted':
        if (message) {
          message.deleted = true;
          message.text = null;
          message.reactions = [];
          message.deletedAt = String(data.changedAt ?? event.time ?? '');
        }
        if (state.summary.unreadCount > 0) {
          void this.refreshUnread(id);
        }
        break;
      case 'message:reaction':
        if (message) {
          const emoji = String(data.emoji);
          const mine = data.userId === this.context.me.user;
          const count = Number(data.count ?? 0);
          const existing = message.reactions.find((r) => r.emoji === emoji);
          if (existing) {
            existing.count = count;
            if (mine) {
              existing.mine = data.action === 'added';
            }
          } else if (count > 0) {
            message.reactions.push({ emoji, count, mine: mine && data.action === 'added' });
          }
          message.reactions = message.reactions.filter((r) => r.count > 0);
        }
        break;
      case 'message:read': {
        const user = String(data.userId);
        state.readBy.set(user, Math.max(state.readBy.get(user) ?? 0, Number(data.seq ?? 0)));
        if (user === this.context.me.user) {
          void this.refreshUnread(id);
        }
        break;
      }
      case 'conversation:renamed':
      case 'conversation:archived':
      case 'conversation:participant:added':
      case 'conversation:participant:removed':
      case 'conversation:participant:role-changed':
        void this.reload(id);
        return;
      default:
        break;
    }
    this.changed(id);
  }

  private isReading(id: string): boolean {
    return this.openConversation === id && document.visibilityState === 'visible';
  }

  private async refreshUnread(id: string): Promise<void> {
    const state = this.conversations.get(id);
    const conversation = await this.context.rest.getConversation(id).catch(() => undefined);
    if (!state || !conversation) {
      return;
    }
    if (this.isReading(id)) {
      // The answer may predate a message that arrived meanwhile: on screen, the newest is read instead.
      void this.markReadUpToLatest(id);
      return;
    }
    state.summary.unreadCount = conversation.unreadCount ?? 0;
    this.changed(id);
  }

  /** Marks the newest message of someone else read, when the user has not read it yet. */
  async markReadUpToLatest(id: string): Promise<void> {
    const state = this.conversations.get(id);
    if (!state?.messages) {
      return;
    }
    const me = this.context.me.user;
    const newest = [...state.messages.values()]
      .filter((m) => m.authorId !== me && !m.deleted)
      .sort((a, b) => b.seq - a.seq)[0];
    if (!newest || (state.readBy.get(me) ?? 0) >= newest.seq) {
      if (state.summary.unreadCount !== 0 && newest) {
        state.summary.unreadCount = 0;
        this.changed(id);
      }
      return;
    }
    state.readBy.set(me, newest.seq);
    try {
      const read = await this.context.rest.markRead(id, newest.id);
      state.summary.unreadCount = read.unreadCount;
      this.changed(id);
    } catch (error) {
      this.context.notifyError(`could not mark as read: ${errorText(error)}`);
    }
  }

  /** The messages in seq order. */
  messagesOf(state: ConversationState): Message[] {
    return [...(state.messages?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }

  /** Applies a REST answer that returned the message (edit, react), in case its live event comes later. */
  applyMessage(message: Message): void {
    const state = this.conversations.get(message.conversationId);
    if (state?.messages) {
      this.remember(state.messages, message);
      this.changed(message.conversationId);
    }
  }
}

/** The sidebar's list of conversations. */
export function renderConversationList(context: AppContext, store: ChatStore, list: HTMLElement, activeId?: string): void {
  const items = store.sorted().map((state) => {
    const s = state.summary;
    const preview = s.lastMessage
      ? s.lastMessage.deleted
        ? 'Message deleted'
        : `${displayName(context, s.lastMessage.authorId)}: ${s.lastMessage.text ?? ''}`
      : 'No messages yet';
    return h('li', { class: s.id === activeId ? 'active' : null },
      h('a', {
        href: `/conversations/${encodeURIComponent(s.id)}`,
        class: 'conversation-link',
        'data-conversation-id': s.id,
        'data-route': true,
      },
      h('span', { class: 'title' }, s.title),
      s.unreadCount > 0 ? h('span', { class: 'unread-count', 'aria-label': `${s.unreadCount} unread` }, s.unreadCount) : null,
      h('span', { class: 'preview' }, preview)));
  });
  replaceChildren(list, items.length ? items : [h('li', { class: 'empty' }, 'No conversations yet')]);
}

/** The conversation view; returns a function that unmounts it. */
export async function mountConversation(
  context: AppContext,
  store: ChatStore,
  view: HTMLElement,
  id: string,
  highlightMessage: string | undefined,
  isCurrent: () => boolean,
): Promise<() => void> {
  replaceChildren(view, h('p', { class: 'loading' }, 'Loading conversation…'));
  let state: ConversationState | undefined;
  try {
    state = await store.open(id);
  } catch (error) {
    if (isCurrent()) {
      replaceChildren(view, h('div', { class: 'problem' }, h('h2', {}, 'Conversation not available'),
        h('p', {}, errorText(error))));
    }
    return () => {};
  }
  if (!state || !isCurrent()) {
    // The user went elsewhere while it loaded.
    return () => {};
  }
  store.openConversation = id;
  const room = `conversation:${id}`;
  const header = h('header', { class: 'conversation-header' });
  const olderButton = h('button', { type: 'button', id: 'load-older', class: 'secondary' }, 'Load older messages');
  const list = h('ol', { id: 'messages', class: 'messages' });
  const scroller = h('div', { class: 'message-scroller' }, olderButton, list);
  const typingLine = h('div', { id: 'typing', class: 'typing', 'aria-live': 'polite' });
  const input = h('textarea', { id: 'composer-input', rows: 2, placeholder: 'Write a message… (@user to mention, Enter to send)', maxlength: 4000 });
  const send = h('button', { type: 'submit', id: 'composer-send' }, 'Send');
  const composer = h('form', { class: 'composer' }, input, send);
  replaceChildren(view, h('section', { class: 'conversation', 'data-conversation-id': id }, header, scroller, typingLine, composer));

  let editing: string | undefined;
  /** What the user typed in the edit field: the list is redrawn on every change of the room. */
  let editDraft = '';
  const highlighted = highlightMessage;
  let scrollToHighlight = highlightMessage !== undefined;
  let firstRender = true;

  const renderHeader = () => {
    const s = state!.summary;
    const participants = state!.participants ?? [];
    const canManage = s.myRole === 'owner' || s.myRole === 'admin';
    const addForm = canManage && !s.direct && !s.archived
      ? h('form', { class: 'inline-form', id: 'add-participant', onsubmit: (e: Event) => {
        e.preventDefault();
        const field = (e.target as HTMLFormElement).elements.namedItem('user') as HTMLInputElement;
        const user = field.value.trim();
        if (user) {
          context.rest.addParticipant(id, user).then(() => (field.value = ''))
            .catch((error) => context.notifyError(errorText(error)));
        }
      } }, h('input', { name: 'user', placeholder: 'user id', 'aria-label': 'Add participant' }), h('button', { type: 'submit', class: 'secondary' }, 'Add'))
      : null;
    replaceChildren(header,
      h('div', { class: 'title-row' },
        h('h2', {}, s.title),
        s.projectId ? h('a', { href: `/projects/${encodeURIComponent(s.projectId)}`, 'data-route': true, class: 'project-chip' }, `project ${s.projectId}`) : null,
        s.archived ? h('span', { class: 'chip' }, 'archived') : null),
      h('ul', { class: 'participants' }, participants.map((p) => {
        const online = state!.online.includes(p.userId);
        return h('li', { class: 'participant' },
          h('span', { class: `presence ${online ? 'online' : 'offline'}`, 'data-user': p.userId, 'data-online': String(online),
            title: online ? 'online' : 'offline' }),
          displayName(context, p.userId), p.role && p.role !== 'member' ? h('small', {}, ` ${p.role}`) : null);
      })),
      addForm);
  };

  const messageItem = (message: Message, readers: string[]) => {
    const mine = message.authorId === context.me.user;
    const canDelete = mine || state!.summary.myRole === 'owner' || state!.summary.myRole === 'admin';
    const body = message.deleted
      ? h('p', { class: 'text tombstone' }, 'This message was deleted')
      : editing === message.id
        ? editForm(message)
        : h('p', { class: 'text' }, renderText(message.text ?? '', message.mentions));
    const reactions = message.deleted ? null : h('div', { class: 'reactions' },
      message.reactions.map((r) => h('button', {
        type: 'button', class: `reaction${r.mine ? ' mine' : ''}`, 'data-emoji': r.emoji,
        title: r.mine ? 'Remove your reaction' : 'React',
        onclick: () => react(message, r.emoji, !r.mine),
      }, `${r.emoji} ${r.count}`)),
      h('span', { class: 'reaction-picker' }, REACTIONS.filter((e) => !message.reactions.some((r) => r.emoji === e && r.mine))
        .map((emoji) => h('button', { type: 'button', class: 'add-reaction', 'data-emoji': emoji, title: `React with ${emoji}`,
          onclick: () => react(message, emoji, true) }, emoji))));
    const actions = message.deleted || editing === message.id ? null : h('span', { class: 'actions' },
      mine ? h('button', { type: 'button', class: 'link edit', onclick: () => {
        editing = message.id;
        editDraft = message.text ?? '';
        renderMessages();
        setTimeout(() => list.querySelector<HTMLTextAreaElement>('.edit-input')?.focus(), 0);
      } }, 'Edit') : null,
      canDelete ? h('button', { type: 'button', class: 'link delete', onclick: () => {
        context.rest.deleteMessage(id, message.id).catch((error) => context.notifyError(errorText(error)));
      } }, 'Delete') : null);
    return h('li', {
      class: `message${mine ? ' mine' : ''}${message.deleted ? ' deleted' : ''}${highlighted === message.id ? ' highlight' : ''}`,
      'data-message-id': message.id, 'data-seq': message.seq, 'data-author': message.authorId,
    },
    h('div', { class: 'meta' },
      h('span', { class: 'author' }, message.authorName ?? displayName(context, message.authorId)),
      h('time', { datetime: message.postedAt }, shortTime(message.postedAt)),
      message.editedAt && !message.deleted ? h('span', { class: 'edited', title: `edited ${shortTime(message.editedAt)}` }, '(edited)') : null,
      actions),
    body, reactions,
    readers.length ? h('div', { class: 'read-receipt' }, `Seen by ${readers.map((u) => displayName(context, u)).join(', ')}`) : null);
  };

  const editForm = (message: Message) => {
    const field = h('textarea', { class: 'edit-input', rows: 2, maxlength: 4000 });
    field.value = editDraft;
    field.addEventListener('input', () => (editDraft = field.value));
    const form = h('form', { class: 'edit-form', onsubmit: (e: Event) => {
      e.preventDefault();
      const text = field.value.trim();
      if (!text) {
        return;
      }
      context.rest.editMessage(id, message.id, text).then((edited) => {
        editing = undefined;
        store.applyMessage(edited);
      }).catch((error) => context.notifyError(errorText(error)));
    } }, field, h('button', { type: 'submit', class: 'save' }, 'Save'),
    h('button', { type: 'button', class: 'secondary', onclick: () => { editing = undefined; renderMessages(); } }, 'Cancel'));
    return form;
  };

  const react = (message: Message, emoji: string, on: boolean) => {
    context.rest.react(id, message.id, emoji, on).then((updated) => store.applyMessage(updated))
      .catch((error) => context.notifyError(errorText(error)));
  };

  const renderMessages = () => {
    const nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
    const messages = store.messagesOf(state!);
    // Each reader (not the author) is shown under the newest message they have read.
    const readersAt = new Map<string, string[]>();
    for (const [user, seq] of state!.readBy) {
      if (user === context.me.user) {
        continue;
      }
      const newestRead = messages.filter((m) => m.seq <= seq && m.authorId !== user).at(-1);
      if (newestRead) {
        readersAt.set(newestRead.id, [...(readersAt.get(newestRead.id) ?? []), user]);
      }
    }
    const wasEditing = document.activeElement?.classList.contains('edit-input') ?? false;
    replaceChildren(list, messages.map((m) => messageItem(m, readersAt.get(m.id) ?? [])));
    if (wasEditing) {
      const field = list.querySelector<HTMLTextAreaElement>('.edit-input');
      field?.focus();
      field?.setSelectionRange(field.value.length, field.value.length);
    }
    olderButton.hidden = state!.olderCursor === null || state!.olderCursor === undefined;
    if (scrollToHighlight && highlighted) {
      const target = list.querySelector(`[data-message-id="${CSS.escape(highlighted)}"]`);
      if (target) {
        target.scrollIntoView({ block: 'center' });
        scrollToHighlight = false;
        firstRender = false;
        return;
      }
    }
    if (nearBottom || firstRender) {
      scroller.scrollTop = scroller.scrollHeight;
      firstRender = false;
    }
  };

  const renderTyping = () => {
    const names = [...state!.typing.values()];
    typingLine.textContent = names.length === 0 ? ''
      : names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`;
  };

  olderButton.addEventListener('click', () => {
    const before = scroller.scrollHeight;
    store.loadOlder(id).then(() => {
      scroller.scrollTop = scroller.scrollHeight - before;
    }).catch((error) => context.notifyError(errorText(error)));
  });

  let lastTypingSent = 0;
  let typingIdle: ReturnType<typeof setTimeout> | undefined;
  const stopTyping = () => {
    clearTimeout(typingIdle);
    if (lastTypingSent !== 0) {
      context.realtime.typing(room, false);
      lastTypingSent = 0;
    }
  };
  input.addEventListener('input', () => {
    if (!input.value.trim()) {
      stopTyping();
      return;
    }
    if (Date.now() - lastTypingSent > TYPING_REFRESH_MS) {
      if (context.realtime.typing(room, true)) {
        lastTypingSent = Date.now();
      }
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
  });
  input.addEventListener('blur', stopTyping);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      composer.requestSubmit();
    }
  });
  composer.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) {
      return;
    }
    stopTyping();
    send.disabled = true;
    context.rest.postMessage(id, { text }).then((posted) => {
      input.value = '';
      store.applyMessage(posted);
    }).catch((error) => context.notifyError(errorText(error))).finally(() => {
      send.disabled = false;
      input.focus();
    });
  });

  const render = () => {
    renderHeader();
    renderMessages();
    renderTyping();
  };
  const unsubscribe = store.onChange((changedId) => {
    if (changedId === undefined || changedId === id) {
      if (!store.conversations.has(id)) {
        replaceChildren(view, h('div', { class: 'problem' }, h('h2', {}, 'You left this conversation')));
        return;
      }
      render();
    }
  });
  render();
  void store.markReadUpToLatest(id);
  return () => {
    stopTyping();
    unsubscribe();
    if (store.openConversation === id) {
      store.openConversation = undefined;
    }
  };
}

/** The text with the mentioned participants' `@id` set apart. */
function renderText(text: string, mentions: string[]): (Node | string)[] {
  if (!mentions.length) {
    return [text];
  }
  const pattern = new RegExp(`@(${mentions.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`, 'g');
  const parts: (Node | string)[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parts.push(text.slice(last, match.index));
    parts.push(h('span', { class: 'mention' }, match[0]));
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

/** The form of the sidebar that starts a conversation. */
export function newConversationForm(context: AppContext, store: ChatStore, projectId?: string): HTMLFormElement {
  const title = h('input', { name: 'title', placeholder: 'Title', required: true, maxlength: 200, 'aria-label': 'Conversation title' });
  const people = h('input', { name: 'participants', placeholder: 'Participants: bob, carol', 'aria-label': 'Participants' });
  return h('form', { class: 'stacked-form', id: projectId ? 'new-project-conversation' : 'new-conversation', onsubmit: (e: Event) => {
    e.preventDefault();
    const participants = people.value.split(/[\s,]+/).map((p) => p.trim()).filter(Boolean);
    store.create(title.value.trim(), participants, projectId).then((id) => {
      title.value = '';
      people.value = '';
      context.navigate(`/conversations/${encodeURIComponent(id)}`);
    }).catch((error) => context.notifyError(errorText(error)));
  } }, title, people, h('button', { type: 'submit' }, projectId ? 'Start a project conversation' : 'New conversation'));
}

