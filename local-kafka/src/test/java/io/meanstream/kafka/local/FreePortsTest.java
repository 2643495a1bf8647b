package io.meanstream.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void portsAreDistinctBindableAndBelowTheEphemeralRange() throws Exception {
        int ephemeralLow = FreePorts.ephemeralLow();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = FreePorts.next();
            assertTrue(port >= 1024 && port < ephemeralLow, port + " outside [1024, " + ephemeralLow + ")");
            assertTrue(ports.add(port), "handed out twice: " + port);
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(port)); // the wildcard address: free on every interface
            }
        }
        assertEquals(50, ports.size());
    }

    @Test
    void aPortInUseIsNotBindable() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            assertFalse(FreePorts.bindable(taken.getLocalPort()));
        }
    }
}
