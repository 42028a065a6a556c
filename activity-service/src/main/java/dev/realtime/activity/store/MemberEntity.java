package dev.realtime.activity.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

@Entity
@Table(name = "act_members")
public class MemberEntity extends PanacheEntityBase {
    @EmbeddedId
    public Key key;

    @Column(nullable = false)
    public String role;

    @Column(name = "display_name")
    public String displayName;

    @Column(name = "joined_at", nullable = false)
    public Instant joinedAt;

    public String userId() {
        return key.userId();
    }

    /** The name to show for this member: the known display name, else the user id. */
    public String name() {
        return displayName == null ? key.userId() : displayName;
    }

    @Embeddable
    public record Key(@Column(name = "project_id") String projectId, @Column(name = "user_id") String userId)
            implements Serializable {
    }
}
