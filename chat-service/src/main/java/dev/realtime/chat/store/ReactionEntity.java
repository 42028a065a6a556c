package dev.realtime.chat.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.UUID;

/** One user's emoji on one message. */
@Entity
@Table(name = "chat_reactions")
public class ReactionEntity extends PanacheEntityBase {
    @EmbeddedId
    public Key key;

    @Embeddable
    public record Key(@Column(name = "message_id") UUID messageId, @Column(name = "user_id") String userId,
            @Column(name = "emoji") String emoji) implements Serializable {
    }
}
