package dev.sharelinks.infra;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks a port that is free right now, below the kernel's ephemeral range. A port the kernel handed out for a
 * listener of ours could, in the moment between our check and the server's start, be taken as the local port of any
 * outgoing connection (a Kafka client's, a pool's); a port below that range never is.
 */
public final class FreePorts {

    private static final int LOWEST = 15_000;

    // one cursor per process: a port handed out is not handed out again before the range wraps
    private static final AtomicInteger CURSOR =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 16));

    private FreePorts() {}

    public static int next() {
        int span = firstEphemeralPort() - LOWEST;
        for (int tried = 0; tried < span; tried++) {
            int port = LOWEST + Math.floorMod(CURSOR.getAndIncrement(), span);
            if (isFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + (LOWEST + span));
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range (Linux's default when it cannot be read). */
    private static int firstEphemeralPort() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
            return Math.max(LOWEST + 1_000, Integer.parseInt(range.trim().split("\\s+")[0]));
        } catch (IOException | RuntimeException unreadable) {
            return 32_768;
        }
    }
}
