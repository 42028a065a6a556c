/**
 * The bell: the unread count and the newest notifications, live in every open tab through the user's own room
 * (`notification:new`, `notification:read`, both carrying the inbox's unread count), resumed after a reconnect.
 */
import type { Notification, RealtimeEvent } from '@realtime-backbone/client';
import { type AppContext, errorText } from './context.js';
import { appPath, externalLink, h, replaceChildren, shortTime } from './dom.js';

const SHOWN = 20;

export class NotificationStore {
  items: Notification[] = [];
  unreadCount = 0;
  private readonly listeners = new Set<() => void>();
  private started = false;

  constructor(private readonly context: AppContext) {}

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.listeners.forEach((listener) => listener());
  }

  async start(): Promise<void> {
    await this.reload();
    if (this.started) {
      return;
    }
    this.started = true;
    const since = this.items.reduce((max, n) => Math.max(max, n.seq ?? 0), 0);
    this.context.realtime.subscribe(`user:${this.context.me.user}`, (event) => this.onEvent(event), {
      ...(since > 0 ? { since } : {}),
      onResync: () => void this.reload(),
    });
    // Broadcasts to a role or to everyone come on those rooms, which the edge joins by itself.
    this.context.realtime.on('event', (event) => {
      if ((event.room.startsWith('role:') || event.room === 'all') && event.event === 'notification:new') {
        void this.reload();
      }
    });
  }

  async reload(): Promise<void> {
    const page = await this.context.rest.listNotifications({ limit: SHOWN });
    this.items = page.items;
    this.unreadCount = page.unreadCount;
    this.changed();
  }

  private onEvent(event: RealtimeEvent): void {
    const data = event.data as Record<string, unknown>;
    if (event.event === 'notification:new') {
      const id = String(data.notificationId ?? '');
      if (!this.items.some((n) => n.id === id)) {
        const notification = { ...(data as unknown as Notification), id, seq: event.seq ?? 0 };
        this.items = [notification, ...this.items].slice(0, SHOWN);
      }
    } else if (event.event === 'notification:read') {
      const ids = new Set((data.notificationIds as string[] | undefined) ?? []);
      const readAt = String(data.readAt ?? new Date().toISOString());
      const upTo = data.upTo ? Date.parse(String(data.upTo)) : undefined;
      for (const n of this.items) {
        if (!n.read && (data.all === true || ids.has(n.id) || (upTo !== undefined && Date.parse(n.createdAt) <= upTo))) {
          n.read = true;
          n.readAt = readAt;
        }
      }
    } else {
      return;
    }
    if (typeof data.unreadCount === 'number') {
      this.unreadCount = data.unreadCount;
    }
    this.changed();
  }

  async open(notification: Notification): Promise<void> {
    if (!notification.read) {
      try {
        const answer = await this.context.rest.markNotificationRead(notification.id);
        notification.read = true;
        this.unreadCount = answer.unreadCount;
        this.changed();
      } catch (error) {
        this.context.notifyError(errorText(error));
      }
    }
    const path = appPath(notification.target?.link);
    const external = externalLink(notification.target?.link);
    if (path) {
      this.context.navigate(path);
    } else if (external) {
      window.open(external, '_blank', 'noopener');
    }
  }

  async markAllRead(): Promise<void> {
    try {
      const answer = await this.context.rest.markAllNotificationsRead();
      this.items.forEach((n) => (n.read = true));
      this.unreadCount = answer.unreadCount;
      this.changed();
    } catch (error) {
      this.context.notifyError(errorText(error));
    }
  }
}

/** The bell button and its panel, in the header. */
export function bell(store: NotificationStore): HTMLElement {
  const count = h('span', { id: 'bell-count', class: 'badge', hidden: true });
  const list = h('ol', { class: 'notification-list' });
  const panel = h('div', { id: 'notification-panel', class: 'panel', hidden: true },
    h('div', { class: 'panel-header' }, h('strong', {}, 'Notifications'),
      h('button', { type: 'button', class: 'link', id: 'mark-all-read', onclick: () => void store.markAllRead() }, 'Mark all read')),
    list,
    h('a', { href: '/notifications', 'data-route': true, class: 'panel-footer' }, 'All notifications'));
  const button = h('button', {
    type: 'button', id: 'bell', class: 'bell', 'aria-label': 'Notifications', 'aria-expanded': 'false',
    onclick: () => {
      panel.hidden = !panel.hidden;
      button.setAttribute('aria-expanded', String(!panel.hidden));
    },
  }, bellIcon(), count);
  document.addEventListener('click', (e) => {
    if (!panel.hidden && !wrapper.contains(e.target as Node)) {
      panel.hidden = true;
      button.setAttribute('aria-expanded', 'false');
    }
  });
  const wrapper = h('div', { class: 'bell-wrapper' }, button, panel);
  const render = () => {
    count.textContent = store.unreadCount > 99 ? '99+' : String(store.unreadCount);
    count.hidden = store.unreadCount === 0;
    button.setAttribute('data-unread', String(store.unreadCount));
    replaceChildren(list, store.items.length
      ? store.items.map((n) => notificationItem(store, n, () => (panel.hidden = true)))
      : [h('li', { class: 'empty' }, 'Nothing yet')]);
  };
  store.onChange(render);
  render();
  return wrapper;
}

function notificationItem(store: NotificationStore, n: Notification, close: () => void): HTMLElement {
  return h('li', { class: `notification${n.read ? '' : ' unread'}`, 'data-id': n.id, 'data-type': n.type },
    h('button', { type: 'button', class: 'notification-open', onclick: () => {
      close();
      void store.open(n);
    } },
    h('span', { class: 'title' }, n.title),
    n.body ? h('span', { class: 'body' }, n.body) : null,
    h('time', { datetime: n.createdAt }, shortTime(n.createdAt))));
}

/** The page `/notifications`: the whole inbox, paged. */
export function mountNotificationsPage(context: AppContext, store: NotificationStore, view: HTMLElement): () => void {
  const list = h('ol', { class: 'notification-list page' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Older');
  let older: Notification[] = [];
  let cursor: number | null | undefined;
  const render = () => {
    if (store.unreadCount === 0) {
      // Read elsewhere (mark all, another tab): the older pages shown here are read too.
      older.forEach((n) => (n.read = true));
    }
    const all = [...store.items, ...older.filter((o) => !store.items.some((n) => n.id === o.id))];
    replaceChildren(list, all.length ? all.map((n) => notificationItem(store, n, () => {})) : [h('li', { class: 'empty' }, 'Nothing yet')]);
    more.hidden = cursor === null;
  };
  more.addEventListener('click', () => {
    const before = cursor ?? [...store.items, ...older].reduce((min, n) => Math.min(min, n.seq), Number.MAX_SAFE_INTEGER);
    context.rest.listNotifications({ before, limit: 50 }).then((page) => {
      older = [...older, ...page.items];
      cursor = page.next ?? null;
      render();
    }).catch((error) => context.notifyError(errorText(error)));
  });
  replaceChildren(view, h('section', { class: 'notifications-page' },
    h('header', {}, h('h2', {}, 'Notifications'),
      h('button', { type: 'button', class: 'secondary', onclick: () => void store.markAllRead() }, 'Mark all read')),
    list, more));
  const unsubscribe = store.onChange(render);
  render();
  more.hidden = store.items.length === 0;
  return unsubscribe;
}

/** An SVG bell: an emoji would depend on the machine's fonts. */
function bellIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z');
  path.setAttribute('fill', 'currentColor');
  svg.appendChild(path);
  return svg;
}
