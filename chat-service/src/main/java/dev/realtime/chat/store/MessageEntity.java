package dev.realtime.chat.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

@Entity
@Table(name = "chat_messages")
public class MessageEntity extends PanacheEntityBase {
    @Id
    public UUID id;

    @Column(name = "conversation_id", nullable = false)
    public String conversationId;

    /** The stream version of the MessagePosted event: the message's place in the room. */
    @Column(nullable = false)
    public long seq;

    @Column(name = "author_id", nullable = false)
    public String authorId;

    @Column(name = "author_name")
    public String authorName;

    @Column(nullable = false)
    public String text;

    @Column(name = "posted_at", nullable = false)
    public Instant postedAt;

    @Column(name = "reply_to")
    public UUID replyTo;

    /** The mentioned user ids as a JSON array. */
    @Column(name = "mentions")
    public String mentions;

    @Column(name = "edited_at")
    public Instant editedAt;

    /** Set when the message was deleted: it stays as a tombstone, without text. */
    @Column(name = "deleted_at")
    public Instant deletedAt;

    @Column(name = "deleted_by")
    public String deletedBy;

    public boolean deleted() {
        return deletedAt != null;
    }
}
