package dev.realtime.chat.messaging;

import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.contracts.rooms.RoomKind;
import dev.realtime.eventstore.relay.StateSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The current participants of every conversation, as grants on {@code realtime.memberships}: what the relay
 * re-publishes to a new or emptied Kafka cluster (docs/event-store.md, "Re-publishing derived state"). The read model
 * {@code chat_participants} holds exactly the current participants (a removal deletes the row); archived
 * conversations keep theirs, as the live mapping does.
 */
@ApplicationScoped
public class MembershipSnapshot implements StateSnapshot {
    public static final String NAME = "memberships";
    private static final String KEY_PREFIX = RoomKind.CONVERSATION.prefix() + ":";
    private static final String PARTICIPANTS = "select conversation_id, user_id, role from chat_participants";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String topic() {
        return Topics.MEMBERSHIPS;
    }

    /** chat-service writes the keys of conversation rooms, and only those. */
    @Override
    public boolean owns(String key) {
        return key.startsWith(KEY_PREFIX);
    }

    @Override
    public void read(Connection connection, Consumer<ProducerRecord<String, byte[]>> records) throws SQLException {
        try (PreparedStatement participants = connection.prepareStatement(PARTICIPANTS)) {
            // Streamed in pages rather than loaded at once (the connection is in a transaction, as a cursor needs).
            participants.setFetchSize(1000);
            try (ResultSet rs = participants.executeQuery()) {
                while (rs.next()) {
                    records.accept(ChatIntegrationMapper.grant(Room.conversation(rs.getString(1)), rs.getString(2),
                            rs.getString(3), null));
                }
            }
        }
    }
}
