package dev.realtime.notification.domain;

import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.chat.ConversationChanged;
import dev.realtime.contracts.chat.ConversationCreated;
import dev.realtime.contracts.chat.MessageNew;
import dev.realtime.contracts.chat.ParticipantChanged;
import dev.realtime.contracts.records.Target;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.eventstore.consumer.Blocking;
import dev.realtime.notification.model.Draft;
import dev.realtime.notification.model.Preferences;
import dev.realtime.notification.model.Types;
import dev.realtime.notification.store.ConversationStore;
import dev.realtime.notification.store.PreferenceStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * chat.events → the conversation copy (members, title) and notifications: a new message to every member but
 * its author (unless muted), a mention to each mentioned member (even in a muted conversation, unless the
 * type {@code mention} is muted), being added to or removed from a conversation by someone else.
 */
@ApplicationScoped
public class ChatNotifications {

    @Inject
    ConversationStore conversations;

    @Inject
    PreferenceStore preferences;

    @Inject
    Fanout fanout;

    public void conversationCreated(SourceEvent event, ConversationCreated created) throws Exception {
        String id = conversationId(event, created.conversationId());
        List<String> participants = UserIds.validUsers(created.participants());
        Blocking.await(() -> conversations.created(id, created.title(), created.projectId(), created.direct(), participants));
        String creator = created.createdBy() != null ? created.createdBy() : event.actor();
        List<Fanout.Recipient> recipients = new ArrayList<>();
        for (String user : participants) {
            if (!user.equals(creator)) {
                recipients.add(new Fanout.Recipient(user, added(event, id, created.title(), creator)));
            }
        }
        deliver(recipients, event, Types.CONVERSATION_ADDED);
    }

    public void participantAdded(SourceEvent event, ParticipantChanged change) throws Exception {
        participant(event, change, true);
    }

    public void participantRemoved(SourceEvent event, ParticipantChanged change) throws Exception {
        participant(event, change, false);
    }

    /** A rename without a title changes nothing. */
    public void conversationRenamed(SourceEvent event, ConversationChanged renamed) throws Exception {
        if (renamed.title() != null) {
            Blocking.await(() -> conversations.renamed(conversationId(event, renamed.conversationId()), renamed.title()));
        }
    }

    public void messagePosted(SourceEvent event, MessageNew message) throws Exception {
        String id = conversationId(event, message.conversationId());
        ConversationStore.Conversation conversation = Blocking.await(() -> conversations.find(id));
        Set<String> members = new LinkedHashSet<>(Blocking.await(() -> conversations.members(id)));
        Set<String> mentioned = new HashSet<>(message.mentions() == null ? List.of() : message.mentions());
        // Mentions come from chat-service, which only mentions participants; a copy that missed a join still
        // notifies them.
        members.addAll(UserIds.validUsers(List.copyOf(mentioned)));
        String author = message.authorId() != null ? message.authorId() : event.actor();
        members.remove(author);
        if (members.isEmpty()) {
            return;
        }
        Map<String, Preferences> prefs = Blocking.await(() -> preferences.getAll(members));
        String title = conversation == null ? null : conversation.title();
        String projectId = conversation == null ? null : conversation.projectId();
        String authorName = Texts.orDefault(message.authorName(), author);
        Target target = new Target("message", message.messageId(), title,
                "/conversations/" + id + (message.messageId() == null ? "" : "?message=" + message.messageId()));
        Actor actor = actor(author, message.authorName());
        Instant at = message.postedAt() != null ? message.postedAt() : event.timeOrNow();
        Draft plain = new Draft(Types.MESSAGE, authorName + " in " + Texts.orDefault(title, "a conversation"),
                Texts.excerpt(message.text()), actor, target, at, event.id());
        Draft mention = new Draft(Types.MENTION, authorName + " mentioned you in " + Texts.orDefault(title, "a conversation"),
                Texts.excerpt(message.text()), actor, target, at, event.id());
        List<Fanout.Recipient> recipients = new ArrayList<>(members.size());
        for (String member : members) {
            Preferences p = prefs.getOrDefault(member, Preferences.DEFAULT);
            if (mentioned.contains(member)) {
                if (!p.mutes(Types.MENTION)) {
                    recipients.add(new Fanout.Recipient(member, mention));
                }
            } else if (!p.mutesMessage(id, projectId)) {
                recipients.add(new Fanout.Recipient(member, plain));
            }
        }
        fanout.deliver(recipients, event.time(), event.trace());
    }

    private void participant(SourceEvent event, ParticipantChanged change, boolean added) throws Exception {
        String id = conversationId(event, change.conversationId());
        String user = UserIds.validUser(change.userId());
        if (added) {
            Blocking.await(() -> conversations.added(id, user));
        } else {
            Blocking.await(() -> conversations.removed(id, user));
        }
        if (user.equals(event.actor())) {
            return;
        }
        ConversationStore.Conversation conversation = Blocking.await(() -> conversations.find(id));
        String title = conversation == null ? null : conversation.title();
        Draft draft = added ? added(event, id, title, event.actor())
                : new Draft(Types.CONVERSATION_REMOVED, "You were removed from " + Texts.orDefault(title, "a conversation"),
                        null, actor(event.actor(), null), new Target("conversation", id, title, null), event.timeOrNow(),
                        event.id());
        deliver(List.of(new Fanout.Recipient(user, draft)), event, draft.type());
    }

    private void deliver(List<Fanout.Recipient> recipients, SourceEvent event, String type) throws Exception {
        if (recipients.isEmpty()) {
            return;
        }
        Set<String> users = new HashSet<>();
        recipients.forEach(r -> users.add(r.userId()));
        Map<String, Preferences> prefs = Blocking.await(() -> preferences.getAll(users));
        List<Fanout.Recipient> wanted = recipients.stream()
                .filter(r -> !prefs.getOrDefault(r.userId(), Preferences.DEFAULT).mutes(type)).toList();
        fanout.deliver(wanted, event.time(), event.trace());
    }

    private static Draft added(SourceEvent event, String id, String title, String actorId) {
        return new Draft(Types.CONVERSATION_ADDED, "You were added to " + Texts.orDefault(title, "a conversation"), null,
                actor(actorId, null), new Target("conversation", id, title, "/conversations/" + id), event.timeOrNow(),
                event.id());
    }

    private static Actor actor(String id, String name) {
        return id == null ? null : new Actor(id, name);
    }

    /** The conversation the data names, else the event's room. */
    private static String conversationId(SourceEvent event, String fromData) {
        String id = fromData != null ? fromData : event.roomId();
        if (id == null) {
            throw new InvalidSourceEvent("no conversation id");
        }
        Room.conversation(id);
        return id;
    }
}
