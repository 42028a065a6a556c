package dev.realtime.eventstore.store;

import java.util.Objects;

/** An event to append: its versioned domain type and its data, a record serialized as JSON. */
public record NewEvent(String type, Object data) {
    public NewEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }
}
