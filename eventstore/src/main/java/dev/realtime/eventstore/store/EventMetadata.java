package dev.realtime.eventstore.store;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.UUID;

/**
 * Who and what caused an append. {@code commandId} makes the command idempotent: a second append with the
 * same command id stores nothing and returns the first result.
 */
@RegisterForReflection
public record EventMetadata(String actor, String correlationId, String causationId, String commandId) {

    public static EventMetadata of(String actor, String commandId) {
        return new EventMetadata(actor, UUID.randomUUID().toString(), null, commandId);
    }
}
