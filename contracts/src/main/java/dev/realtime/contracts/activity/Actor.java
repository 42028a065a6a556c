package dev.realtime.contracts.activity;

/** Who did something: the user id ({@code sub}) and a display name. */
public record Actor(String id, String name) {
}
