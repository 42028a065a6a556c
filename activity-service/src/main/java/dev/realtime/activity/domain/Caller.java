package dev.realtime.activity.domain;

import dev.realtime.contracts.activity.Actor;

/** The authenticated user behind a request: {@code id} is the token's sub. */
public record Caller(String id, String displayName) {
    public Actor actor() {
        return new Actor(id, displayName);
    }
}
