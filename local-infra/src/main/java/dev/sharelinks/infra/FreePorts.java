package dev.sharelinks.infra;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks a port that is free right now, below the kernel's ephemeral range. A port the kernel handed out for a
 * listener of ours could, in the moment between our check and the server's start, be taken as the local port of any
 * outgoing connection (a Kafka client's, a pool's); a port below that range never is.
 * <p>
 * The build runs several test JVMs side by side, each starting servers on ports it picked: a port is handed out only
 * with a lock on its file in {@code <tmpdir>/sharelinks-ports}, which this process holds until it exits, so no other
 * process hands it out meanwhile, however long its server takes to bind it. Where that folder cannot be written (say
 * another user made it), the bind check alone decides, as before.
 */
public final class FreePorts {

    private static final int LOWEST = 15_000;

    // one cursor per process: a port handed out is not handed out again before the range wraps
    private static final AtomicInteger CURSOR =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 16));

    /** One lock file per port handed out, shared by every process of the machine that uses this class. */
    static final Path LOCKS = Path.of(System.getProperty("java.io.tmpdir"), "sharelinks-ports");

    // the locks of the ports this process handed out, held for its lifetime (kept reachable: a collected channel
    // closes and releases its lock)
    private static final Map<Integer, FileLock> HELD = new ConcurrentHashMap<>();

    private FreePorts() {}

    public static int next() {
        int span = firstEphemeralPort() - LOWEST;
        for (int tried = 0; tried < span; tried++) {
            int port = LOWEST + Math.floorMod(CURSOR.getAndIncrement(), span);
            if (reserve(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + (LOWEST + span));
    }

    /** Whether no other process handed the port out and nothing listens on it; if so, it is this process's. */
    private static boolean reserve(int port) {
        FileChannel file;
        try {
            Files.createDirectories(LOCKS);
            file = FileChannel.open(
                    LOCKS.resolve(Integer.toString(port)), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException noLockFile) {
            // say a folder another user made: the bind check alone, as before there were locks
            return isFree(port);
        }
        try {
            FileLock lock = file.tryLock();
            if (lock != null && isFree(port)) {
                HELD.put(port, lock);
                return true;
            }
        } catch (IOException | OverlappingFileLockException handedOut) {
            // another process's, or this one's
        }
        close(file);
        return false;
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static void close(FileChannel file) {
        try {
            file.close();
        } catch (IOException ignored) {
            // closing releases the lock; a failure leaves it to the process's exit
        }
    }

    /** The first port of the kernel's ephemeral range (Linux's default when it cannot be read). */
    private static int firstEphemeralPort() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
            return Math.max(LOWEST + 1_000, Integer.parseInt(range.trim().split("\\s+", 2)[0]));
        } catch (IOException | RuntimeException unreadable) {
            return 32_768;
        }
    }
}
