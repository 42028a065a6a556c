package dev.realtime.activity.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One feed item. {@code details} is JSON text: it is only ever handed back whole, never queried. */
@Entity
@Table(name = "act_activities")
public class ActivityEntity extends PanacheEntityBase {
    @Id
    public UUID id;

    @Column(name = "project_id", nullable = false)
    public String projectId;

    @Column(nullable = false)
    public long seq;

    @Column(nullable = false)
    public String verb;

    @Column(name = "actor_id", nullable = false)
    public String actorId;

    @Column(name = "actor_name")
    public String actorName;

    @Column(name = "target_type", nullable = false)
    public String targetType;

    @Column(name = "target_id", nullable = false)
    public String targetId;

    @Column(name = "target_title", nullable = false)
    public String targetTitle;

    @Column(name = "target_link")
    public String targetLink;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column
    public String details;

    @Column(nullable = false)
    public String source;
}
