package dev.realtime.eventstore.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The first result of a command id, so a retried command returns it instead of appending again. */
@Entity
@Table(name = "es_commands")
public class CommandRecord extends PanacheEntityBase {
    @Id
    @Column(name = "command_id")
    public String commandId;

    @Column(name = "stream_id", nullable = false, updatable = false)
    public String streamId;

    @Column(name = "first_version", nullable = false, updatable = false)
    public long firstVersion;

    @Column(name = "last_version", nullable = false, updatable = false)
    public long lastVersion;
}
