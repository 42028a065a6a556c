package dev.realtime.eventstore.relay;

import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.contracts.rooms.RoomKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The current members of every room of one kind, as grants on {@code realtime.memberships}: what the relay
 * re-publishes to a new or emptied Kafka cluster (docs/event-store.md, "Re-publishing derived state"). A service that
 * owns rooms whose deliveries the edge filters by membership (chat's conversations, activity's projects) provides a
 * bean of a subclass naming its kind of room, the read model that holds exactly the current members (a removal
 * deletes the row; archived rooms keep theirs, as the live mapping does), and its live mapping of a grant.
 */
public abstract class MembershipGrantsSnapshot implements StateSnapshot {
    public static final String NAME = "memberships";

    /** The live mapping of a grant, with no actor: the record the relay would have sent for the change. */
    @FunctionalInterface
    public interface Grant {
        ProducerRecord<String, byte[]> record(Room room, String userId, String role);
    }

    private final RoomKind kind;
    private final String keyPrefix;
    private final String query;
    private final Grant grant;

    /**
     * @param kind  the kind of room this service owns: it writes the keys of those rooms, and only those
     * @param query selects the room id, the user id and the role of every current member, in that order
     */
    protected MembershipGrantsSnapshot(RoomKind kind, String query, Grant grant) {
        this.kind = kind;
        this.keyPrefix = kind.prefix() + ":";
        this.query = query;
        this.grant = grant;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String topic() {
        return Topics.MEMBERSHIPS;
    }

    @Override
    public boolean owns(String key) {
        return key.startsWith(keyPrefix);
    }

    @Override
    public void read(Connection connection, Consumer<ProducerRecord<String, byte[]>> records) throws SQLException {
        try (PreparedStatement members = connection.prepareStatement(query)) {
            // Streamed in pages rather than loaded at once (the connection is in a transaction, as a cursor needs).
            members.setFetchSize(1000);
            try (ResultSet rs = members.executeQuery()) {
                while (rs.next()) {
                    records.accept(grant.record(new Room(kind, rs.getString(1)), rs.getString(2), rs.getString(3)));
                }
            }
        }
    }
}
