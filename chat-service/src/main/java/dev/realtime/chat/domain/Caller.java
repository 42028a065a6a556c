package dev.realtime.chat.domain;

/** The authenticated user behind a request: {@code id} is the token's sub. */
public record Caller(String id, String displayName) {
}
