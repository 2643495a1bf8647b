package io.meanstream.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        ServiceMetrics metrics = new ServiceMetrics();
        metrics.meters().counter("dead.letters", "Records sent to the dead-letter topic").increment(3);
        AtomicBoolean ready = new AtomicBoolean(false);
        try (metrics; OpsServer server = new OpsServer("127.0.0.1", 0, metrics,
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
            assertTrue(scrape.body().contains("meanstream_dead_letters_total 3"), scrape.body());
            assertTrue(scrape.body().contains("# TYPE jvm_memory_used_bytes gauge"), "the JVM's meters too:\n" + scrape.body());
        }
    }

    @Test
    void healthFailsOnceTheServiceCannotMakeProgress() throws Exception {
        AtomicBoolean alive = new AtomicBoolean(true);
        try (OpsServer server = new OpsServer("127.0.0.1", 0, new ServiceMetrics(), () -> OpsServer.Readiness.ready("ok"),
                () -> alive.get() ? OpsServer.Readiness.ready("running") : OpsServer.Readiness.notReady("Kafka Streams is ERROR")).start()) {
            assertEquals(200, get(server.port(), "/health").statusCode());
            alive.set(false);
            HttpResponse<String> dead = get(server.port(), "/health");
            assertEquals(503, dead.statusCode());
            assertTrue(dead.body().contains("Kafka Streams is ERROR"), dead.body());
        }
    }
}
