package io.meanstream.cli.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadyProbeTest {

    @Test
    void returnsOnceReadyAnswers200AndFailsWithTheLastAnswerOrWhenTheProcessDies() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ready", exchange -> {
            boolean ready = calls.incrementAndGet() >= 3;
            byte[] body = (ready ? "serving model v1" : "no model loaded yet").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ready ? 200 : 503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        try {
            ReadyProbe.await(port, () -> true, Duration.ofSeconds(30), Duration.ofMillis(10), "app");
            assertTrue(calls.get() >= 3, "polled until ready: " + calls.get());

            calls.set(Integer.MIN_VALUE); // never ready again
            IllegalStateException late = assertThrows(IllegalStateException.class,
                    () -> ReadyProbe.await(port, () -> true, Duration.ofMillis(200), Duration.ofMillis(20), "app"));
            assertTrue(late.getMessage().contains("app was not ready within PT0.2S") && late.getMessage().contains("HTTP 503 no model loaded yet"),
                    late.getMessage());

            IllegalStateException dead = assertThrows(IllegalStateException.class,
                    () -> ReadyProbe.await(port, () -> false, Duration.ofSeconds(30), Duration.ofMillis(20), "app"));
            assertTrue(dead.getMessage().contains("app exited before it was ready"), dead.getMessage());
        } finally {
            server.stop(0);
        }
    }
}
