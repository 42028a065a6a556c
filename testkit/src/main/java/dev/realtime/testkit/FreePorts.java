package dev.realtime.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Free local ports for servers a test starts. Asked for one at a time, the system may hand out the same port twice:
 * a port stays free until its server binds it, so a broker's client and controller listeners once came out equal
 * ("Each listener must have a different port"). Here every socket stays open until all ports are chosen.
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** One port, free right now, other than {@code taken} (ports chosen earlier and not bound yet). */
    public static int except(int... taken) {
        while (true) {
            int candidate = distinct(1)[0];
            if (Arrays.stream(taken).noneMatch(port -> port == candidate)) {
                return candidate;
            }
        }
    }

    /** {@code count} distinct ports, free right now. */
    public static int[] distinct(int count) {
        List<ServerSocket> sockets = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("no free ports", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // only a probe
                }
            }
        }
    }
}
