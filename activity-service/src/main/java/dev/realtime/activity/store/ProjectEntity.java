package dev.realtime.activity.store;

import dev.realtime.contracts.rooms.Room;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "act_projects")
public class ProjectEntity extends PanacheEntityBase {
    @Id
    public String id;

    @Column(nullable = false)
    public String title;

    @Column(name = "owner_id", nullable = false)
    public String ownerId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "archived_at")
    public Instant archivedAt;

    /** The project stream's version: the expected version of the next command, and the latest seq. */
    @Column(nullable = false)
    public long version;

    public String room() {
        return Room.project(id).name();
    }

    public boolean archived() {
        return archivedAt != null;
    }
}
