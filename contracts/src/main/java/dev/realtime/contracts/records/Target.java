package dev.realtime.contracts.records;

/**
 * The thing an event is about: a type (e.g. {@code track}, {@code comment}, {@code conversation}), its id,
 * a human title, and optionally a link to open it.
 */
public record Target(String type, String id, String title, String link) {
}
