package dev.realtime.activity.api;

import dev.realtime.activity.store.UserDirectory;
import dev.realtime.servicekit.caller.CurrentCaller;
import jakarta.inject.Inject;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every authenticated call tells the user directory the name the identity provider gives the caller, so members added
 * by id and actors named by id alone can be shown by name (docs/activity-api.md, "Display names").
 */
public class SeenUsers {
    @Inject
    CurrentCaller caller;

    @Inject
    UserDirectory directory;

    @ServerRequestFilter
    public void seen() {
        if (caller.isAnonymous()) {
            return;
        }
        String name = caller.nameClaim();
        if (name != null) {
            directory.seen(caller.id(), name);
        }
    }
}
