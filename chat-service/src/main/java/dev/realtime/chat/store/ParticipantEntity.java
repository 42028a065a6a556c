package dev.realtime.chat.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;

@Entity
@Table(name = "chat_participants")
public class ParticipantEntity extends PanacheEntityBase {
    @EmbeddedId
    public Key key;

    @Column(nullable = false)
    public String role;

    /** The seq of the last message this participant has read; messages after it are unread. */
    @Column(name = "last_read_seq", nullable = false)
    public long lastReadSeq;

    @Embeddable
    public record Key(@Column(name = "conversation_id") String conversationId, @Column(name = "user_id") String userId)
            implements Serializable {
    }
}
