package dev.realtime.contracts.events;

/**
 * An integration event type: its CloudEvents {@code type} (versioned) and the live event name that
 * front ends see in WebSocket frames.
 */
public record EventType(String ceType, String liveName) {
}
