package io.meanstream.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operations endpoint of a service, on the JDK's HTTP server: {@code GET /health} (200 while the service
 * can still make progress, 503 with the reason once it cannot: a liveness probe then restarts it),
 * {@code GET /ready} (200 when the service says it is ready, else 503 with the reason),
 * {@code GET /metrics} (Prometheus text). Extra handlers (e.g. {@code POST /predict}) can be added.
 */
public final class OpsServer implements AutoCloseable {

    /** Readiness with a human-readable reason. */
    public record Readiness(boolean ready, String reason) {
        public static Readiness ready(String reason) {
            return new Readiness(true, reason);
        }

        public static Readiness notReady(String reason) {
            return new Readiness(false, reason);
        }
    }

    private final HttpServer server;

    public OpsServer(String host, int port, ServiceMetrics metrics, Supplier<Readiness> readiness) {
        this(host, port, metrics, readiness, () -> Readiness.ready("alive"));
    }

    /** With a liveness check for {@code /health} (same record: ready = alive). */
    public OpsServer(String host, int port, ServiceMetrics metrics, Supplier<Readiness> readiness, Supplier<Readiness> liveness) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + host + ":" + port + " for /health, /ready, /metrics", e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ops-http");
            t.setDaemon(true);
            return t;
        }));
        handle("/health", exchange -> {
            Readiness r = liveness.get();
            respond(exchange, r.ready() ? 200 : 503, "text/plain", (r.ready() ? "ok: " : "failed: ") + r.reason() + "\n");
        });
        handle("/ready", exchange -> {
            Readiness r = readiness.get();
            respond(exchange, r.ready() ? 200 : 503, "text/plain", (r.ready() ? "ready: " : "not ready: ") + r.reason() + "\n");
        });
        handle("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    }

    /** Adds a handler for a path (before or after {@link #start()}). */
    public void handle(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            try (exchange) {
                handler.handle(exchange);
            } catch (RuntimeException e) {
                respond(exchange, 500, "text/plain", "error: " + e.getMessage() + "\n");
            }
        });
    }

    public OpsServer start() {
        server.start();
        return this;
    }

    /** The bound port (useful when 0 was asked for). */
    public int port() {
        return server.getAddress().getPort();
    }

    public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
