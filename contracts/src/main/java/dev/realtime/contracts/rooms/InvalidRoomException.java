package dev.realtime.contracts.rooms;

/** A room name that does not follow the grammar; the message says why and is safe to show a client. */
public class InvalidRoomException extends IllegalArgumentException {
    public InvalidRoomException(String reason) {
        super(reason);
    }
}
