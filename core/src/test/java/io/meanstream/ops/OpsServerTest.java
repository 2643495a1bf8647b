package io.meanstream.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class OpsServerTest {

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthReadyAndMetricsOverRealHttp() throws Exception {
        Metrics metrics = new Metrics();
        metrics.counter("dead_letters_total", "Records sent to the dead-letter topic").add(3);
        metrics.gauge("model_version", "Version of the model in use").set(7);
        metrics.gauge("buffer_fill", "Fraction of the buffer in use").sample(() -> 0.25);
        Metrics.Histogram latency = metrics.histogram("scoring_seconds", "Scoring latency", 0.01, 0.1, 1);
        latency.observe(0.005);
        latency.observe(0.05);
        latency.observe(5);
        AtomicBoolean ready = new AtomicBoolean(false);
        try (OpsServer server = new OpsServer("127.0.0.1", 0, metrics,
                () -> ready.get() ? OpsServer.Readiness.ready("model v7 loaded") : OpsServer.Readiness.notReady("no model yet")).start()) {
            assertEquals(200, get(server.port(), "/health").statusCode());
            HttpResponse<String> notReady = get(server.port(), "/ready");
            assertEquals(503, notReady.statusCode());
            assertTrue(notReady.body().contains("no model yet"));
            ready.set(true);
            assertEquals(200, get(server.port(), "/ready").statusCode());

            HttpResponse<String> scrape = get(server.port(), "/metrics");
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            String text = scrape.body();
            assertTrue(text.contains("# TYPE meanstream_dead_letters_total counter\nmeanstream_dead_letters_total 3\n"), text);
            assertTrue(text.contains("meanstream_model_version 7\n"), text);
            assertTrue(text.contains("meanstream_buffer_fill 0.25\n"), text);
            assertTrue(text.contains("meanstream_scoring_seconds_bucket{le=\"0.01\"} 1\n"), text);
            assertTrue(text.contains("meanstream_scoring_seconds_bucket{le=\"0.1\"} 2\n"), text);
            assertTrue(text.contains("meanstream_scoring_seconds_bucket{le=\"+Inf\"} 3\n"), text);
            assertTrue(text.contains("meanstream_scoring_seconds_count 3\n"), text);
        }
    }

    @Test
    void healthFailsOnceTheServiceCannotMakeProgress() throws Exception {
        AtomicBoolean alive = new AtomicBoolean(true);
        try (OpsServer server = new OpsServer("127.0.0.1", 0, new Metrics(), () -> OpsServer.Readiness.ready("ok"),
                () -> alive.get() ? OpsServer.Readiness.ready("running") : OpsServer.Readiness.notReady("Kafka Streams is ERROR")).start()) {
            assertEquals(200, get(server.port(), "/health").statusCode());
            alive.set(false);
            HttpResponse<String> dead = get(server.port(), "/health");
            assertEquals(503, dead.statusCode());
            assertTrue(dead.body().contains("Kafka Streams is ERROR"), dead.body());
        }
    }

    @Test
    void countersOnlyGoUpAndNamesAreValidated() {
        Metrics metrics = new Metrics();
        assertThrows(IllegalArgumentException.class, () -> metrics.counter("x", "h").add(-1));
        assertThrows(IllegalArgumentException.class, () -> metrics.gauge("bad name", "h"));
        assertTrue(metrics.counter("steps_total", "h") == metrics.counter("steps_total", "h"), "same metric for the same name");
    }
}
