package dev.realtime.chat.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "chat_conversations")
public class ConversationEntity extends PanacheEntityBase {
    @Id
    public String id;

    @Column(nullable = false)
    public String title;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "project_id")
    public String projectId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Set for a one-to-one conversation: both user ids, sorted, joined by '|'; unique. */
    @Column(name = "direct_key")
    public String directKey;

    @Column(name = "archived_at")
    public Instant archivedAt;

    @Column(name = "last_message_seq")
    public Long lastMessageSeq;

    @Column(name = "last_activity_at", nullable = false)
    public Instant lastActivityAt;

    /** The version of the conversation's stream that this row reflects. */
    @Column(nullable = false)
    public long version;

    public String idAsRoom() {
        return dev.realtime.contracts.rooms.Room.conversation(id).name();
    }
}
