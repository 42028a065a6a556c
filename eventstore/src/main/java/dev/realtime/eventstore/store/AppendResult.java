package dev.realtime.eventstore.store;

/**
 * The versions an append wrote, {@code firstVersion..lastVersion} of {@code streamId}. {@code duplicate} is
 * true when the command id had been seen: nothing was appended and these are the first append's versions.
 */
public record AppendResult(String streamId, long firstVersion, long lastVersion, boolean duplicate) {
}
