package dev.realtime.notification.api;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The caller of the current request: the token's sub, its roles, and its {@code email} claim if any. */
@RequestScoped
public class CurrentCaller {
    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    public String id() {
        return identity.getPrincipal().getName();
    }

    /** The rooms of broadcasts this caller receives: {@code all} and {@code role:<name>} per token role. */
    public List<String> broadcastRooms() {
        java.util.ArrayList<String> rooms = new java.util.ArrayList<>();
        rooms.add("all");
        identity.getRoles().forEach(role -> rooms.add("role:" + role));
        return rooms;
    }

    public String email() {
        Object email = token.getClaim("email");
        return email == null ? null : email.toString();
    }
}
