package dev.realtime.edge.presence;

import dev.realtime.contracts.rooms.Room;
import dev.realtime.contracts.rooms.RoomKind;
import dev.realtime.contracts.signals.PresenceSignal;
import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.edge.memberships.MembershipGranted;
import dev.realtime.edge.memberships.MembershipIndex;
import dev.realtime.edge.memberships.MembershipRevoked;
import dev.realtime.edge.protocol.ServerFrames;
import dev.realtime.edge.rooms.RoomAccess;
import dev.realtime.edge.rooms.RoomRegistry;
import dev.realtime.edge.rooms.Session;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is online, across every connection and edge instance, following the contract of
 * {@code dev.realtime.contracts.signals.SignalTypes}: each instance announces its connection count per user on
 * every change and every heartbeat; a user is online while some instance's latest announcement is above zero and
 * younger than the TTL.
 *
 * <p>Also the per-instance connection count that the connection limit is checked against.
 */
@ApplicationScoped
public class PresenceService {
    @Inject
    SignalBus bus;
    @Inject
    EdgeConfig config;
    @Inject
    RoomRegistry rooms;
    @Inject
    RoomAccess access;
    @Inject
    MembershipIndex memberships;
    @Inject
    MeterRegistry meters;

    /**
     * This instance's open connections per user, with the time of the last announcement. Counts and their
     * timestamps change together inside compute(), so of two concurrent changes the later count always carries
     * the later time, and "newest wins" on the receiving side picks the right one.
     */
    private final ConcurrentHashMap<String, PresenceSignal> local = new ConcurrentHashMap<>();
    /**
     * user → instance → that instance's latest announcement. Guarded by itself; the inner maps are immutable and
     * replaced whole (one instance per user is the usual case, and a user costs a small map instead of a HashMap).
     */
    private final Map<String, Map<String, PresenceSignal>> announcements = new HashMap<>();
    /** Users seen online at the last evaluation, to turn announcements into joined/left transitions. */
    private final Set<String> online = ConcurrentHashMap.newKeySet();

    void registerGauges(@Observes StartupEvent event) {
        Gauge.builder("realtime.edge.presence.online", online, Set::size)
                .description("Users online across all edge instances, as this instance knows them").register(meters);
    }

    /**
     * Counts a new connection unless the user already holds {@code max} here.
     *
     * @return whether the connection may stay
     */
    public boolean tryConnect(String user, int max) {
        PresenceSignal[] announced = {null};
        local.compute(user, (u, current) -> {
            int now = current == null ? 0 : current.connections();
            if (now >= max) {
                return current;
            }
            announced[0] = next(user, now + 1, current);
            return announced[0];
        });
        if (announced[0] != null) {
            announce(announced[0]);
        }
        return announced[0] != null;
    }

    public void disconnected(String user) {
        PresenceSignal[] announced = {null};
        local.computeIfPresent(user, (u, current) -> {
            announced[0] = next(user, current.connections() - 1, current);
            return announced[0].connections() <= 0 ? null : announced[0];
        });
        if (announced[0] != null) {
            announce(announced[0]);
        }
    }

    public int localConnections(String user) {
        PresenceSignal current = local.get(user);
        return current == null ? 0 : current.connections();
    }

    public boolean isOnline(String user) {
        return online.contains(user);
    }

    /**
     * One user's presence across the cluster, as this instance knows it (within one announcement's round trip):
     * the connections each instance announced last, counting only announcements younger than the TTL.
     */
    public UserPresence presenceOf(String user) {
        Instant oldest = Instant.now().minus(config.presence().ttl());
        int connections = 0;
        int instances = 0;
        synchronized (announcements) {
            for (PresenceSignal signal : announcements.getOrDefault(user, Map.of()).values()) {
                if (signal.connections() > 0 && !signal.at().isBefore(oldest)) {
                    connections += signal.connections();
                    instances++;
                }
            }
        }
        return new UserPresence(user, instances > 0, connections, instances, localConnections(user));
    }

    /** The members of a presence room who are online, sorted; empty for rooms without presence. */
    public List<String> onlineMembers(Room room) {
        if (!hasPresence(room)) {
            return List.of();
        }
        Set<String> result = new TreeSet<>();
        for (String member : memberships.members(room)) {
            if (online.contains(member)) {
                result.add(member);
            }
        }
        return List.copyOf(result);
    }

    /** Presence is tracked in rooms with known members; {@code all} and {@code role:*} would be everyone. */
    public static boolean hasPresence(Room room) {
        return room.kind() == RoomKind.CONVERSATION || room.kind() == RoomKind.PROJECT;
    }

    /** Re-announces every local user (the contract's heartbeat). */
    public void heartbeat() {
        for (String user : Set.copyOf(local.keySet())) {
            PresenceSignal[] announced = {null};
            local.computeIfPresent(user, (u, current) -> announced[0] = next(user, current.connections(), current));
            if (announced[0] != null) {
                announce(announced[0]);
            }
        }
    }

    /** Announces zero for every local user, so they go offline now rather than after the TTL. */
    public void announceAllGone() {
        for (String user : Set.copyOf(local.keySet())) {
            PresenceSignal[] announced = {null};
            local.computeIfPresent(user, (u, current) -> {
                announced[0] = next(user, 0, current);
                return null;
            });
            if (announced[0] != null) {
                announce(announced[0]);
            }
        }
    }

    private PresenceSignal next(String user, int connections, PresenceSignal previous) {
        Instant at = Instant.now();
        if (previous != null && !at.isAfter(previous.at())) {
            at = previous.at().plusNanos(1_000);
        }
        return new PresenceSignal(user, bus.instanceId(), connections, at);
    }

    private void announce(PresenceSignal signal) {
        // Applied here as well as when it comes back from the topic: the local view must not wait for Kafka.
        apply(signal);
        bus.publishPresence(signal);
    }

    /** Takes one announcement from any instance; the newest per (user, instance) wins. */
    void apply(PresenceSignal signal) {
        if (signal.userId() == null || signal.instanceId() == null || signal.at() == null) {
            throw new IllegalArgumentException("presence signal lacks userId, instanceId or at");
        }
        synchronized (announcements) {
            Map<String, PresenceSignal> byInstance = announcements.getOrDefault(signal.userId(), Map.of());
            PresenceSignal previous = byInstance.get(signal.instanceId());
            // An instance's announcements of a user have increasing times while it counts the user (next()), so an
            // equal time with the same count is this instance's own announcement coming back from the topic: the one
            // applied locally is kept (its strings are the session's, not a decoded copy). After the user's last
            // connection here, the next count may start at an equal time: a different count is taken.
            if (previous == null || signal.at().isAfter(previous.at())
                    || (signal.at().equals(previous.at()) && signal.connections() != previous.connections())) {
                Map<String, PresenceSignal> updated = new HashMap<>(byInstance);
                updated.put(signal.instanceId(), signal);
                announcements.put(signal.userId(), Map.copyOf(updated));
            }
        }
        evaluate(signal.userId(), Instant.now());
    }

    /** Drops announcements past the TTL, so the users of a vanished instance go offline. */
    public void expire() {
        Instant now = Instant.now();
        List<String> users;
        synchronized (announcements) {
            users = new ArrayList<>(announcements.keySet());
        }
        users.forEach(user -> evaluate(user, now));
    }

    private void evaluate(String user, Instant now) {
        Instant oldest = now.minus(config.presence().ttl());
        boolean isOnline = false;
        synchronized (announcements) {
            Map<String, PresenceSignal> byInstance = announcements.get(user);
            if (byInstance != null) {
                // Zero counts stay until the TTL: dropping them would let an older echo of a positive count win.
                if (byInstance.values().stream().anyMatch(signal -> signal.at().isBefore(oldest))) {
                    Map<String, PresenceSignal> current = new HashMap<>(byInstance);
                    current.values().removeIf(signal -> signal.at().isBefore(oldest));
                    byInstance = Map.copyOf(current);
                    if (byInstance.isEmpty()) {
                        announcements.remove(user);
                    } else {
                        announcements.put(user, byInstance);
                    }
                }
                isOnline = byInstance.values().stream().anyMatch(signal -> signal.connections() > 0);
            }
        }
        boolean changed = isOnline ? online.add(user) : online.remove(user);
        if (changed) {
            tellRooms(user, isOnline);
        }
    }

    /** A member added while online has joined the room as far as its subscribers are concerned. */
    void onGranted(@Observes MembershipGranted granted) {
        if (online.contains(granted.user()) && hasPresence(granted.room())) {
            tellRoom(granted.room(), granted.user(), true);
        }
    }

    /** A removed member has left it; the removed user's own sessions are already out of the room. */
    void onRevoked(@Observes MembershipRevoked revoked) {
        if (online.contains(revoked.user()) && hasPresence(revoked.room())) {
            tellRoom(revoked.room(), revoked.user(), false);
        }
    }

    private void tellRoom(Room room, String user, boolean joined) {
        String frame = null;
        for (Session session : rooms.subscribersOf(room)) {
            if (access.stillMayReceive(session, room)) {
                if (frame == null) {
                    frame = ServerFrames.presence(room.name(), user, joined);
                }
                session.send(frame);
            }
        }
    }

    private void tellRooms(String user, boolean joined) {
        for (Room room : memberships.roomsOf(user)) {
            if (hasPresence(room)) {
                tellRoom(room, user, joined);
            }
        }
    }
}
