package dev.realtime.eventstore.store;

import dev.realtime.contracts.events.Json;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/**
 * One event of the append-only log. Rows are inserted by {@link EventStore#append} and never changed (a
 * database trigger refuses UPDATE, DELETE and TRUNCATE).
 */
@Entity
@Table(name = "es_events")
public class StoredEvent extends PanacheEntityBase {

    /** Global position: unique and increasing in insert order, which is not commit order. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long position;

    @Column(name = "event_id", nullable = false, updatable = false)
    public UUID eventId;

    @Column(name = "stream_id", nullable = false, updatable = false)
    public String streamId;

    @Column(nullable = false, updatable = false)
    public long version;

    /** Versioned domain event type, e.g. {@code chat.MessagePosted.v1}. */
    @Column(nullable = false, updatable = false)
    public String type;

    @Column(nullable = false, updatable = false, columnDefinition = "jsonb")
    @ColumnTransformer(read = "cast(data as text)", write = "cast(cast(? as text) as jsonb)")
    public String data;

    @Column(nullable = false, updatable = false, columnDefinition = "jsonb")
    @ColumnTransformer(read = "cast(metadata as text)", write = "cast(cast(? as text) as jsonb)")
    public String metadata;

    @Column(name = "recorded_at", nullable = false, updatable = false)
    public OffsetDateTime recordedAt;

    public <T> T dataAs(Class<T> type) {
        return Json.read(data.getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
    }

    public EventMetadata metadata() {
        return Json.read(metadata.getBytes(java.nio.charset.StandardCharsets.UTF_8), EventMetadata.class);
    }

    @Override
    public String toString() {
        return "StoredEvent[" + streamId + "@" + version + " " + type + " #" + position + "]";
    }
}
