package dev.realtime.activity.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** How far a member has seen a project's feed: activities with a larger seq are unseen. */
@Entity
@Table(name = "act_seen")
public class SeenEntity extends PanacheEntityBase {
    @EmbeddedId
    public MemberEntity.Key key;

    @Column(name = "seen_seq", nullable = false)
    public long seenSeq;
}
