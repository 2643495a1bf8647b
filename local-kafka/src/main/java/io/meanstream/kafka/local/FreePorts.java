package io.meanstream.kafka.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks TCP ports for local services (an embedded broker, a child JVM's HTTP server) that are started later.
 *
 * <p>Why not {@code new ServerSocket(0)}: that returns a port from the kernel's <em>ephemeral</em> range, the
 * same range every outgoing connection takes its local port from. Between closing the probe socket and the
 * service binding the port, a Kafka client's connection could take it, and the service then fails with
 * "Address already in use" (CI saw exactly this with a trainer's HTTP port). So ports come from just below the
 * ephemeral range, which outgoing connections never use; each is probed on the wildcard address (conflicts
 * with any address), and a port is never handed out twice by the same JVM.
 */
public final class FreePorts {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Linux's default low end; other systems start higher (macOS and Windows at 49152). */
    private static final int DEFAULT_EPHEMERAL_LOW = 32768;
    private static final int SPAN = 10_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    /** Read once: the range is a boot-time setting, and tests ask for ports many times. */
    private static final int EPHEMERAL_LOW = ephemeralLow();

    private FreePorts() {
    }

    /** A port that was free when probed, below the ephemeral range, and not returned before by this JVM. */
    public static int next() {
        int high = EPHEMERAL_LOW; // exclusive
        int low = Math.max(1024, high - SPAN);
        int span = high - low;
        // A random start so that concurrent JVMs (parallel builds) do not all probe the same ports in order.
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = low + (start + i) % span;
            if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No free TCP port in [" + low + ", " + high + ")");
    }

    /** The low end of the kernel's ephemeral port range, where outgoing connections take their local ports. */
    static int ephemeralLow() {
        try {
            String[] range = Files.readString(EPHEMERAL_RANGE, StandardCharsets.US_ASCII).trim().split("\\s+");
            int low = Integer.parseInt(range[0]);
            // A range starting near 1024 leaves no room below it; then use the common default instead.
            return low > 2048 ? low : DEFAULT_EPHEMERAL_LOW;
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_LOW;
        }
    }

    static boolean bindable(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
