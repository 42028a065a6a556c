/** Projects: the sidebar list and the project page with its members and live activity feed with deep links. */
import type { Activity, Project, ProjectMember, RealtimeEvent } from '@realtime-backbone/client';
import { RealtimeError } from '@realtime-backbone/client';
import type { ChatStore } from './chat.js';
import { newConversationForm } from './chat.js';
import { type AppContext, SUBSCRIBE_RETRY_DELAYS_MS, displayName, errorText } from './context.js';
import { appPath, externalLink, h, replaceChildren, shortTime } from './dom.js';

const PAGE = 30;

const VERBS: Record<string, string> = {
  'member:joined': 'joined the project',
  'member:left': 'left the project',
  'conversation:created': 'started the conversation',
  'record:changed': 'changed',
  'comment:created': 'commented on',
  'comment:reply': 'replied on',
  'task:created': 'created',
  'task:completed': 'completed',
  'file:uploaded': 'uploaded',
};

/** Path segments of the deep-link templates (activity.links.*) that name a target type in the plural. */
const SEGMENT_TYPES: Record<string, string> = { tracks: 'track', chat: 'conversation', tasks: 'task', files: 'file' };

export async function renderProjectList(context: AppContext, list: HTMLElement, activeId?: string): Promise<void> {
  const projects = await context.rest.listProjects();
  replaceChildren(list, projects.length
    ? projects.map((p) => h('li', { class: p.id === activeId ? 'active' : null },
      h('a', { href: `/projects/${encodeURIComponent(p.id)}`, 'data-route': true, class: 'project-link', 'data-project-id': p.id }, p.title)))
    : [h('li', { class: 'empty' }, 'No projects yet')]);
}

export function newProjectForm(context: AppContext, onCreated: (project: Project) => void): HTMLFormElement {
  const title = h('input', { name: 'title', placeholder: 'Project title', required: true, maxlength: 200, 'aria-label': 'Project title' });
  return h('form', { class: 'stacked-form', id: 'new-project', onsubmit: (e: Event) => {
    e.preventDefault();
    context.rest.createProject({ title: title.value.trim() }).then((project) => {
      title.value = '';
      onCreated(project);
    }).catch((error) => context.notifyError(errorText(error)));
  } }, title, h('button', { type: 'submit' }, 'New project'));
}

/**
 * The project page. `segment`/`targetId` come from a deep link (`/projects/p/tracks/t-7`): the feed is then
 * filtered to that target.
 */
export async function mountProject(
  context: AppContext,
  chat: ChatStore,
  view: HTMLElement,
  projectId: string,
  segment: string | undefined,
  targetId: string | undefined,
  isCurrent: () => boolean,
): Promise<() => void> {
  replaceChildren(view, h('p', { class: 'loading' }, 'Loading project…'));
  const targetType = segment ? (SEGMENT_TYPES[segment] ?? segment) : undefined;
  const filter = targetType && targetId ? { targetType, targetId } : {};
  let project: Project;
  let members: ProjectMember[];
  let activities: Activity[];
  let olderCursor: number | null;
  let latestSeq: number;
  try {
    [project, members] = await Promise.all([
      context.rest.getProject(projectId),
      context.rest.listProjectMembers(projectId),
    ]);
    const page = await context.rest.listActivities(projectId, { limit: PAGE, ...filter });
    activities = page.items;
    olderCursor = page.next ?? null;
    latestSeq = page.latestSeq;
  } catch (error) {
    if (isCurrent()) {
      replaceChildren(view, h('div', { class: 'problem' }, h('h2', {}, 'Project not available'), h('p', {}, errorText(error))));
    }
    return () => {};
  }
  if (!isCurrent()) {
    // The user went elsewhere while it loaded.
    return () => {};
  }
  members.forEach((m) => m.displayName && context.names.set(m.userId, m.displayName));
  let online: string[] = [];
  let active = true;

  const header = h('header', { class: 'project-header' });
  const feed = h('ol', { id: 'activity-feed', class: 'feed' });
  const older = h('button', { type: 'button', class: 'secondary' }, 'Older activity');
  const canManage = () => project.myRole === 'owner' || project.myRole === 'admin';

  const renderHeader = () => {
    replaceChildren(header,
      h('div', { class: 'title-row' }, h('h2', {}, project.title), project.archived ? h('span', { class: 'chip' }, 'archived') : null),
      h('ul', { class: 'participants' }, members.map((m) => {
        const isOnline = online.includes(m.userId);
        return h('li', { class: 'participant' },
          h('span', { class: `presence ${isOnline ? 'online' : 'offline'}`, 'data-user': m.userId, 'data-online': String(isOnline) }),
          m.displayName ?? displayName(context, m.userId), m.role !== 'member' ? h('small', {}, ` ${m.role}`) : null);
      })),
      canManage() ? h('form', { class: 'inline-form', id: 'add-member', onsubmit: (e: Event) => {
        e.preventDefault();
        const field = (e.target as HTMLFormElement).elements.namedItem('user') as HTMLInputElement;
        const user = field.value.trim();
        if (user) {
          context.rest.addProjectMember(projectId, user).then((all) => {
            field.value = '';
            members = all;
            renderHeader();
          }).catch((error) => context.notifyError(errorText(error)));
        }
      } }, h('input', { name: 'user', placeholder: 'user id', 'aria-label': 'Add member' }), h('button', { type: 'submit', class: 'secondary' }, 'Add member')) : null,
      targetType && targetId
        ? h('p', { class: 'filter' }, `Activity on ${targetType} ${targetId} · `,
          h('a', { href: `/projects/${encodeURIComponent(projectId)}`, 'data-route': true }, 'all activity'))
        : null);
  };

  const renderFeed = () => {
    replaceChildren(feed, activities.length ? activities.map((a) => activityItem(context, a)) : [h('li', { class: 'empty' }, 'No activity yet')]);
    older.hidden = olderCursor === null;
  };

  older.addEventListener('click', () => {
    if (olderCursor === null) {
      return;
    }
    context.rest.listActivities(projectId, { limit: PAGE, before: olderCursor, ...filter }).then((page) => {
      activities = [...activities, ...page.items.filter((a) => !activities.some((b) => b.id === a.id))];
      olderCursor = page.next ?? null;
      renderFeed();
    }).catch((error) => context.notifyError(errorText(error)));
  });

  const reloadFirstPage = async () => {
    const page = await context.rest.listActivities(projectId, { limit: PAGE, ...filter });
    // Merged by id: live activities that arrived meanwhile, and older pages already loaded, stay.
    const byId = new Map(activities.map((a) => [a.id, a]));
    page.items.forEach((a) => byId.set(a.id, a));
    activities = [...byId.values()].sort((a, b) => b.seq - a.seq);
    latestSeq = Math.max(latestSeq, page.latestSeq);
    if (active) {
      renderFeed();
    }
  };

  const matchesFilter = (a: Activity) => !targetType || (a.target?.type === targetType && a.target?.id === targetId);
  const onEvent = (event: RealtimeEvent) => {
    const data = event.data as Record<string, unknown>;
    switch (event.event) {
      case 'activity:new': {
        const activity: Activity = {
          id: String(data.activityId),
          seq: event.seq ?? 0,
          projectId,
          verb: String(data.verb),
          actor: data.actor as Activity['actor'],
          target: (data.target as Activity['target']) ?? null,
          occurredAt: String(data.occurredAt ?? event.time ?? ''),
          details: (data.details as Activity['details']) ?? null,
        };
        if (matchesFilter(activity) && !activities.some((a) => a.id === activity.id)) {
          activities = [activity, ...activities].sort((a, b) => b.seq - a.seq);
          renderFeed();
        }
        break;
      }
      case 'member:joined':
      case 'member:left':
      case 'member:role-changed':
        void context.rest.listProjectMembers(projectId).then((all) => {
          members = all;
          renderHeader();
        });
        if (!targetType) {
          void reloadFirstPage();
        }
        break;
      case 'project:renamed':
      case 'project:archived':
        void context.rest.getProject(projectId).then((p) => {
          project = p;
          renderHeader();
        });
        break;
      default:
        break;
    }
    if (event.seq !== undefined) {
      latestSeq = Math.max(latestSeq, event.seq);
      markSeen();
    }
  };

  let seenTimer: ReturnType<typeof setTimeout> | undefined;
  const markSeen = () => {
    clearTimeout(seenTimer);
    seenTimer = setTimeout(() => {
      if (active && document.visibilityState === 'visible') {
        void context.rest.markSeen(projectId, latestSeq).catch(() => undefined);
      }
    }, 1000);
  };

  let subscription: ReturnType<AppContext['realtime']['subscribe']> | undefined;
  const subscribe = (attempt: number) => {
    subscription = context.realtime.subscribe(`project:${projectId}`, onEvent, {
      since: latestSeq,
      onResync: () => void reloadFirstPage(),
      onPresence: (presence) => {
        online = presence.online;
        renderHeader();
      },
      onUnsubscribed: () => context.notifyError('you are no longer a member of this project'),
    });
    subscription.ready.catch((error: unknown) => {
      const retry = SUBSCRIBE_RETRY_DELAYS_MS[attempt];
      if (active && error instanceof RealtimeError && error.code === 'room.not_found' && retry !== undefined) {
        setTimeout(() => active && subscribe(attempt + 1), retry);
      } else if (active) {
        context.notifyError(`live activity is off: ${errorText(error)}`);
      }
    });
  };

  replaceChildren(view, h('section', { class: 'project', 'data-project-id': projectId },
    header,
    h('div', { class: 'project-body' },
      h('div', { class: 'feed-column' }, h('h3', {}, 'Activity'), feed, older),
      h('aside', { class: 'project-side' }, h('h3', {}, 'Conversations'),
        newConversationForm(context, chat, projectId)))));
  renderHeader();
  renderFeed();
  subscribe(0);
  markSeen();
  return () => {
    active = false;
    clearTimeout(seenTimer);
    void subscription?.unsubscribe();
  };
}

function activityItem(context: AppContext, a: Activity): HTMLElement {
  const actorId = a.actor?.id ?? '';
  // A member added without a display name is named by their id: a name this page has seen reads better.
  const actor = a.actor?.name && a.actor.name !== actorId ? a.actor.name : displayName(context, actorId);
  const verb = VERBS[a.verb] ?? a.verb.replace(/[:.]/g, ' ');
  const target = a.target;
  const path = appPath(target?.link);
  const external = externalLink(target?.link);
  const targetLabel = target ? (target.title ?? `${target.type} ${target.id}`) : null;
  const link = target && a.verb !== 'member:joined' && a.verb !== 'member:left'
    ? path
      ? h('a', { href: path, 'data-route': true, class: 'deep-link' }, targetLabel)
      : external
        ? h('a', { href: external, class: 'deep-link', rel: 'noopener noreferrer', target: '_blank' }, targetLabel)
        : h('span', { class: 'target' }, targetLabel)
    : null;
  const excerpt = a.details && typeof a.details.excerpt === 'string' ? h('blockquote', {}, a.details.excerpt) : null;
  return h('li', { class: 'activity', 'data-seq': a.seq, 'data-verb': a.verb },
    h('span', { class: 'actor' }, actor), ' ', verb, link ? ' ' : null, link,
    h('time', { datetime: a.occurredAt }, shortTime(a.occurredAt)), excerpt);
}
