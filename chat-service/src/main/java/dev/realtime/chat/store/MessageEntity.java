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
}
