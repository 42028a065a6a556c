package dev.realtime.edge.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * A server frame, rendered once and encoded once as the bytes of a complete WebSocket text message (RFC 6455,
 * unmasked, since only clients mask). A live event goes to every session of its room as the same instance: the
 * sessions' sockets are handed these bytes, without a frame object, an encoder pass or a copy of the text per
 * session. A message over {@link #MAX_FRAGMENT} bytes goes out in fragments of that size, as Vert.x sent it
 * before: clients built on Netty or Vert.x refuse frames over 64 KiB by default.
 */
public final class OutboundFrame {
    /** Payload bytes per frame; the edge's own limit for client frames ({@code max-frame-size}) too. */
    static final int MAX_FRAGMENT = 16 * 1024;
    private static final int FIN = 0x80;
    private static final int TEXT = 0x1;
    private static final int CONTINUATION = 0x0;

    private final String text;
    private final byte[] wire;
    /**
     * This frame in another wire format (Socket.IO's, the only other), made once by the first session of that format
     * that sends it.
     */
    private volatile Object translated;

    private OutboundFrame(String text) {
        this.text = text;
        this.wire = encode(text.getBytes(StandardCharsets.UTF_8));
    }

    public static OutboundFrame text(String text) {
        return new OutboundFrame(text);
    }

    public String text() {
        return text;
    }

    /** The whole message as it goes on the socket: headers and UTF-8 payload. Never to be modified. */
    public byte[] wire() {
        return wire;
    }

    /**
     * This frame translated by {@code translation}, which is applied once per frame: a live event goes to every
     * Socket.IO session of its room as one translated instance too. The translation must depend on the frame only,
     * never return null, and be the only one applied to frames (the edge has one other wire format).
     */
    @SuppressWarnings("unchecked")
    public <T> T translated(Function<OutboundFrame, T> translation) {
        Object done = translated;
        if (done == null) {
            done = translation.apply(this);
            translated = done;
        }
        return (T) done;
    }

    static byte[] encode(byte[] payload) {
        if (payload.length <= MAX_FRAGMENT) {
            return frame(FIN | TEXT, payload, 0, payload.length);
        }
        ByteArrayOutputStream message = new ByteArrayOutputStream(payload.length + (payload.length / MAX_FRAGMENT + 1) * 4);
        for (int offset = 0; offset < payload.length; offset += MAX_FRAGMENT) {
            int length = Math.min(MAX_FRAGMENT, payload.length - offset);
            int opcode = offset == 0 ? TEXT : CONTINUATION;
            boolean last = offset + length == payload.length;
            message.writeBytes(frame((last ? FIN : 0) | opcode, payload, offset, length));
        }
        return message.toByteArray();
    }

    /** One frame of at most {@link #MAX_FRAGMENT} payload bytes, so its length fits the 16-bit form. */
    private static byte[] frame(int finAndOpcode, byte[] payload, int offset, int length) {
        int header = length < 126 ? 2 : 4;
        byte[] frame = new byte[header + length];
        frame[0] = (byte) finAndOpcode;
        if (length < 126) {
            frame[1] = (byte) length;
        } else {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        }
        System.arraycopy(payload, offset, frame, header, length);
        return frame;
    }

    @Override
    public String toString() {
        return text;
    }
}
