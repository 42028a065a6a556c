package dev.realtime.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A WebSocket client on a bare socket for the misbehaviours the JDK client cannot show: it answers no pings and
 * reads nothing until asked to, with a small receive buffer, like a stalled or vanished browser tab. It speaks
 * just enough RFC 6455 for that: the upgrade, masked text frames out, and frames in until the close; and it sends
 * hand-made frames that break the protocol, for the server's answer to those.
 */
public final class RawWsClient implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWsClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens and upgrades; {@code receiveBuffer} bytes of socket buffer (small = the server's writes back up soon). */
    public static RawWsClient connect(URI ws, String token, int receiveBuffer) {
        return connect(ws, token, receiveBuffer, Map.of());
    }

    /** Opens and upgrades with extra request headers (e.g. {@code Sec-WebSocket-Extensions}). */
    public static RawWsClient connect(URI ws, String token, int receiveBuffer, Map<String, String> headers) {
        try {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(receiveBuffer);
            socket.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), 10_000);
            RawWsClient client = new RawWsClient(socket);
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            String request = "GET " + ws.getRawPath() + " HTTP/1.1\r\n"
                    + "Host: " + ws.getHost() + ":" + ws.getPort() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "Authorization: Bearer " + token + "\r\n"
                    + headers.entrySet().stream().map(header -> header.getKey() + ": " + header.getValue() + "\r\n")
                            .collect(Collectors.joining())
                    + "\r\n";
            client.out.write(request.getBytes(StandardCharsets.US_ASCII));
            client.out.flush();
            String status = client.readHeaders();
            if (!status.startsWith("HTTP/1.1 101")) {
                socket.close();
                throw new AssertionError("upgrade refused: " + status);
            }
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String readHeaders() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the upgrade");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        return text.substring(0, text.indexOf("\r\n"));
    }

    public void sendText(String text) {
        sendRaw(frame(0x81, text.getBytes(StandardCharsets.UTF_8), true));
    }

    /** Sends a frame as given: {@code head} is its first byte (FIN, RSV1-3, opcode), e.g. 0x81 for a final text frame. */
    public void sendFrame(int head, byte[] payload, boolean masked) {
        sendRaw(frame(head, payload, masked));
    }

    /** An unsolicited pong (RFC 6455 allows one as a heartbeat): the server sees the client alive, it reads nothing. */
    public void sendPong() {
        sendFrame(0x8A, new byte[0], true);
    }

    /** Writes bytes as they are (several frames at once, say); an UncheckedIOException once the server has gone. */
    public void sendRaw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One frame on the wire: {@code head} (FIN, RSV1-3, opcode), the length, and the payload, masked with a random key
     * as RFC 6455 requires of a client unless {@code masked} is false.
     */
    public static byte[] frame(int head, byte[] payload, boolean masked) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(head);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xFF);
            }
        }
        if (!masked) {
            frame.writeBytes(payload);
            return frame.toByteArray();
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    /**
     * Reads text frames as a live client does (answering pings), until one matches {@code last}; returns every text
     * frame read. Fails when the connection ends or {@code timeout} passes first.
     */
    public List<String> readUntil(java.util.function.Predicate<String> last, Duration timeout) {
        List<String> texts = new ArrayList<>();
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                int first = in.read();
                if (first < 0) {
                    throw new AssertionError("the connection ended after " + texts.size() + " text frames");
                }
                int opcode = first & 0x0F;
                long length = in.readUnsignedByte() & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                switch (opcode) {
                    case 0x1 -> {
                        String text = new String(payload, StandardCharsets.UTF_8);
                        texts.add(text);
                        if (last.test(text)) {
                            return texts;
                        }
                    }
                    case 0x8 -> throw new AssertionError("closed by the server after " + texts.size()
                            + " text frames, code " + (payload.length >= 2
                                    ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005));
                    case 0x9 -> sendControl(0xA, payload);
                    default -> {
                    }
                }
            }
        } catch (IOException e) {
            throw new AssertionError("reading failed after " + texts.size() + " text frames: " + e, e);
        }
        throw new AssertionError("no matching frame within " + timeout + " (" + texts.size() + " text frames)");
    }

    private void sendControl(int opcode, byte[] payload) throws IOException {
        out.write(frame(0x80 | opcode, payload, true));
        out.flush();
    }

    /** What reading until the end found: the text frames, and the close code (-1 if the connection just ended). */
    public record Ending(List<String> texts, int pings, int closeCode) {
    }

    /**
     * Reads (answering nothing) until the server's close frame or the end of the stream, for at most
     * {@code timeout}; fails if the connection is still open then.
     */
    public Ending readUntilClosed(Duration timeout) {
        List<String> texts = new ArrayList<>();
        int pings = 0;
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                int first = in.read();
                if (first < 0) {
                    return new Ending(texts, pings, -1);
                }
                int opcode = first & 0x0F;
                int second = in.readUnsignedByte();
                long length = second & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                switch (opcode) {
                    case 0x1 -> texts.add(new String(payload, StandardCharsets.UTF_8));
                    case 0x8 -> {
                        int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                        return new Ending(texts, pings, code);
                    }
                    case 0x9 -> pings++;
                    default -> {
                    }
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("connection still open after " + timeout);
        } catch (IOException e) {
            // A reset after the server gave up on an unread socket is an end too.
            return new Ending(texts, pings, -1);
        }
        throw new AssertionError("connection still open after " + timeout);
    }

    /** Drops the connection with a TCP reset instead of a close (a crashed client, a network box giving up). */
    public void reset() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
