/**
 * The demo app: sign-in, then one realtime connection and one REST client shared by the conversations, the
 * project pages and the notification bell. Routes: `/`, `/conversations/<id>[?message=<id>]`, `/projects/<id>`,
 * `/projects/<id>/<type>/<target>` (activity deep links), `/notifications`.
 */
import { createRealtimeClient, createRestClient, type StateChange } from '@realtime-backbone/client';
import { Auth, CALLBACK_PATH } from './auth.js';
import { ChatStore, mountConversation, newConversationForm, renderConversationList } from './chat.js';
import { loadConfig } from './config.js';
import type { AppContext } from './context.js';
import { errorText } from './context.js';
import { h, replaceChildren } from './dom.js';
import { NotificationStore, bell, mountNotificationsPage } from './notifications.js';
import { mountProject, newProjectForm, renderProjectList } from './projects.js';

const root = document.getElementById('app')!;

async function main(): Promise<void> {
  const config = await loadConfig();
  const auth = await Auth.create(config);
  if (location.pathname === CALLBACK_PATH) {
    const returnTo = await auth.completeSignIn();
    history.replaceState(null, '', returnTo);
  }
  if (!auth.signedIn) {
    renderSignIn(auth);
    return;
  }
  const me = auth.identity()!;
  const token = () => auth.accessToken();
  const realtime = createRealtimeClient({ url: config.edgeWsUrl, token });
  const rest = createRestClient({
    chatUrl: config.chatUrl,
    activityUrl: config.activityUrl,
    notificationUrl: config.notificationUrl,
    token,
  });

  const connection = h('span', { id: 'connection-state', class: 'connection', 'data-state': 'connecting' }, 'Connecting…');
  const toasts = h('div', { class: 'toasts', 'aria-live': 'assertive' });
  const conversationList = h('ul', { id: 'conversation-list', class: 'nav-list' });
  const projectList = h('ul', { id: 'project-list', class: 'nav-list' });
  const view = h('main', { id: 'view', class: 'view' });

  const context: AppContext = {
    rest,
    realtime,
    me,
    names: new Map([[me.user, me.name]]),
    navigate: (path) => {
      history.pushState(null, '', path);
      void route();
    },
    notifyError: (message) => {
      const toast = h('div', { class: 'toast', role: 'alert' }, message);
      toasts.appendChild(toast);
      setTimeout(() => toast.remove(), 6000);
    },
  };
  const chat = new ChatStore(context);
  const notifications = new NotificationStore(context);

  replaceChildren(root,
    h('header', { class: 'topbar' },
      h('a', { href: '/', 'data-route': true, class: 'brand' }, 'Realtime demo'),
      connection,
      h('span', { class: 'spacer' }),
      bell(notifications),
      h('span', { class: 'me', id: 'me', 'data-user': me.user }, me.name),
      h('button', { type: 'button', class: 'secondary', id: 'sign-out', onclick: () => { realtime.close(); auth.signOut(); } }, 'Sign out')),
    h('div', { class: 'layout' },
      h('nav', { class: 'sidebar' },
        h('h3', {}, 'Conversations'), conversationList, newConversationForm(context, chat),
        h('h3', {}, 'Projects'), projectList, newProjectForm(context, (project) => {
          void renderProjectList(context, projectList, project.id);
          context.navigate(`/projects/${encodeURIComponent(project.id)}`);
        })),
      view),
    toasts);

  realtime.on('state', (change) => renderConnection(connection, change));
  realtime.on('error', (error) => console.warn('realtime:', error.code, error.message));
  realtime.on('event', (event) => {
    // Added to a conversation or a project: the sidebar learns it from the notification in the user's room.
    if (event.room === `user:${me.user}` && event.event === 'notification:new') {
      const data = event.data as { type?: string; target?: { link?: string } };
      const type = data.type ?? '';
      const conversation = /\/conversations\/([^/?#]+)/.exec(data.target?.link ?? '')?.[1];
      const unknown = conversation !== undefined && !chat.conversations.has(decodeURIComponent(conversation));
      if (type === 'conversation:removed' || unknown) {
        void chat.load().catch(() => undefined);
      }
      if (type.startsWith('project:')) {
        void renderProjectList(context, projectList, activeProject()).catch(() => undefined);
      }
    }
  });

  let activeConversation: string | undefined;
  const activeProject = () => /^\/projects\/([^/]+)/.exec(location.pathname)?.[1];
  chat.onChange(() => renderConversationList(context, chat, conversationList, activeConversation));

  let unmount: () => void = () => {};
  let routing = 0;
  async function route(): Promise<void> {
    const current = ++routing;
    unmount();
    unmount = () => {};
    const path = location.pathname;
    const conversation = /^\/conversations\/([^/]+)$/.exec(path);
    const project = /^\/projects\/([^/]+)(?:\/([^/]+)\/([^/]+))?$/.exec(path);
    const isCurrent = () => current === routing;
    activeConversation = conversation ? decode(conversation[1]) : undefined;
    renderConversationList(context, chat, conversationList, activeConversation);
    void renderProjectList(context, projectList, project ? decode(project[1]) : undefined).catch(() => undefined);
    let next: () => void;
    if (conversation) {
      const highlight = new URLSearchParams(location.search).get('message') ?? undefined;
      next = await mountConversation(context, chat, view, activeConversation!, highlight, isCurrent);
    } else if (project) {
      next = await mountProject(context, chat, view, decode(project[1]),
        project[2] === undefined ? undefined : decode(project[2]), project[3] === undefined ? undefined : decode(project[3]),
        isCurrent);
    } else if (path === '/notifications') {
      next = mountNotificationsPage(context, notifications, view);
    } else {
      replaceChildren(view, h('section', { class: 'welcome' },
        h('h2', {}, `Hello ${me.name}`),
        h('p', {}, 'Pick a conversation or a project on the left, or start one. Everything you see here is live: open a second window as another user to watch it arrive.')));
      next = () => {};
    }
    if (current === routing) {
      unmount = next;
    } else {
      next();
    }
  }

  document.addEventListener('click', (e) => {
    const link = (e.target as Element).closest?.('a[data-route]') as HTMLAnchorElement | null;
    if (link && !e.defaultPrevented && e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey) {
      e.preventDefault();
      context.navigate(link.getAttribute('href')!);
    }
  });
  window.addEventListener('popstate', () => void route());

  await Promise.all([
    chat.load().catch((error) => context.notifyError(`conversations: ${errorText(error)}`)),
    notifications.start().catch((error) => context.notifyError(`notifications: ${errorText(error)}`)),
  ]);
  void realtime.connect().catch((error) => context.notifyError(`not connected: ${errorText(error)}`));
  await route();
}

/** A path segment as text; a malformed escape is kept as it is (the view then says it does not exist). */
function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function renderConnection(element: HTMLElement, change: StateChange): void {
  const labels: Record<string, string> = {
    idle: 'Offline',
    connecting: 'Connecting…',
    open: 'Live',
    reconnecting: 'Reconnecting…',
    closed: 'Disconnected',
  };
  element.dataset.state = change.state;
  if (change.state === 'reconnecting' && change.previous !== 'reconnecting') {
    // How many times the connection was lost: the browser tests read it.
    element.dataset.reconnects = String(Number(element.dataset.reconnects ?? 0) + 1);
  }
  element.textContent = labels[change.state] ?? change.state;
  element.title = change.state === 'reconnecting'
    ? `attempt ${change.attempt ?? 1} in ${Math.round((change.delayMs ?? 0) / 100) / 10} s (closed: ${change.code ?? ''} ${change.reason ?? ''})`
    : change.state === 'closed' && change.code ? `closed: ${change.code} ${change.reason ?? ''}` : '';
}

function renderSignIn(auth: Auth): void {
  replaceChildren(root, h('section', { class: 'sign-in' },
    h('h1', {}, 'Realtime backbone demo'),
    h('p', {}, 'Chat, activity feeds and notifications, live over one WebSocket.'),
    h('button', { type: 'button', id: 'sign-in', onclick: () => void auth.signIn(location.pathname + location.search) }, 'Sign in')));
}

main().catch((error: unknown) => {
  replaceChildren(root, h('section', { class: 'problem' }, h('h2', {}, 'The demo could not start'), h('p', {}, errorText(error))));
});
