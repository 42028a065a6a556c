package dev.realtime.notification.api;

import dev.realtime.notification.api.NotificationDtos.QuietHours;
import dev.realtime.notification.model.Preferences;
import dev.realtime.notification.store.PreferenceStore;
import dev.realtime.servicekit.caller.CurrentCaller;
import dev.realtime.servicekit.problem.InvalidRequestException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's own notification preferences. */
@Path("/api/notifications/preferences")
@Authenticated
@Tag(name = "preferences")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PreferencesResource {

    @Inject
    CurrentCaller caller;

    @Inject
    PreferenceStore preferences;

    @GET
    @Operation(summary = "My preferences (defaults when never set)")
    public Uni<NotificationDtos.Preferences> get() {
        return preferences.get(caller.id()).map(PreferencesResource::view);
    }

    @PUT
    @Operation(summary = "Replace my preferences: muted types, conversations and projects, e-mail on/off, quiet hours")
    public Uni<NotificationDtos.Preferences> put(@Valid @NotNull NotificationDtos.Preferences request) {
        Preferences.QuietHours quiet = null;
        if (request.quietHours() != null) {
            ZoneId zone;
            try {
                zone = ZoneId.of(request.quietHours().timeZone());
            } catch (DateTimeException e) {
                throw new InvalidRequestException("quietHours.timeZone", "must be an IANA time zone, e.g. Europe/Paris");
            }
            quiet = new Preferences.QuietHours(LocalTime.parse(request.quietHours().start()),
                    LocalTime.parse(request.quietHours().end()), zone);
        }
        Preferences value = new Preferences(request.emailEnabled(), set(request.mutedTypes()),
                set(request.mutedConversations()), set(request.mutedProjects()), quiet);
        return preferences.put(caller.id(), value).map(PreferencesResource::view);
    }

    private static Set<String> set(List<String> values) {
        return values == null ? Set.of() : new LinkedHashSet<>(values);
    }

    static NotificationDtos.Preferences view(Preferences p) {
        QuietHours quiet = p.quietHours() == null ? null : new QuietHours(p.quietHours().start().toString(),
                p.quietHours().end().toString(), p.quietHours().zone().getId());
        return new NotificationDtos.Preferences(p.emailEnabled(), List.copyOf(p.mutedTypes()),
                List.copyOf(p.mutedConversations()), List.copyOf(p.mutedProjects()), quiet);
    }
}
