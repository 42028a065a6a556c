package dev.realtime.notification.domain;

import dev.realtime.contracts.rooms.Room;
import java.util.ArrayList;
import java.util.List;

/** The user ids named in source events: only a valid one can have an inbox. */
public final class UserIds {
    private UserIds() {
    }

    /** {@code user} when it is a valid user id; else the event cannot be handled ({@link InvalidSourceEvent}). */
    public static String validUser(String user) {
        if (user == null) {
            throw new InvalidSourceEvent("no user id");
        }
        Room.user(user);
        return user;
    }

    /** Drops ids that are not valid user ids (they can have no inbox). */
    public static List<String> validUsers(List<String> users) {
        if (users == null) {
            return List.of();
        }
        List<String> valid = new ArrayList<>(users.size());
        for (String user : users) {
            try {
                if (user != null) {
                    Room.user(user);
                    valid.add(user);
                }
            } catch (RuntimeException e) {
                // an id no user can have: nobody to notify
            }
        }
        return valid;
    }
}
