package io.meanstream.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.SharedTestBroker;
import io.meanstream.labeler.Accounts;
import io.meanstream.labeler.Labeler;
import io.meanstream.labeler.LabelerSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The labeler's two ports as the manifests treat them, on the real service (in-process broker): the ops port (probes,
 * ServiceMonitor, open to Prometheus only) answers /health, /ready and /metrics without sign-in; the page's port
 * (Service port http, the Ingress's backend, open to the namespace) answers nothing without a session, /metrics and
 * /health included.
 */
class LabelerPortsTest {

    private static Labeler labeler;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Settings settings = Settings.resolve(LabelerSettings.all(), Map.of(LabelerSettings.HTTP_PORT.env(), "0",
                LabelerSettings.OPS_PORT.env(), "0"), null);
        // Never signed in with: the hash's format is all that matters here.
        Accounts accounts = new Accounts(Map.of("annotator", "pbkdf2-sha256$1$AAAA$AAAA"));
        labeler = new Labeler(settings, KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers()), Topics.withSuffix(".labeler-test"),
                accounts).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (labeler != null) {
            labeler.close();
        }
    }

    @Test
    void theOpsPortAnswersProbesAndPrometheusWithoutSignIn() {
        assertEquals(200, get(labeler.opsPort(), "/health").statusCode());
        assertTrue(get(labeler.opsPort(), "/metrics").body().contains("meanstream_labeler_"));
        Awaitility.await("/ready once the topics are read").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> get(labeler.opsPort(), "/ready").statusCode() == 200);
    }

    @Test
    void thePagesPortAnswersNothingWithoutSignIn() {
        for (String path : List.of("/", "/api/next", "/api/stats", "/metrics", "/health", "/ready")) {
            HttpResponse<String> response = get(labeler.port(), path);
            assertEquals(401, response.statusCode(), path + ": " + response.body());
            assertTrue(!response.body().contains("meanstream_labeler_"), path + " shows metrics: " + response.body());
        }
    }

    /** The names that ServiceMonitor scrapes, dashboards and alerts read: the labeler's meanstream_ families and their types. */
    @Test
    void meanstreamMetricsKeepTheirNames() {
        Set<String> labelerFamilies = new TreeSet<>(List.of("meanstream_labeler_labels_today gauge", "meanstream_labeler_recent_images gauge",
                "meanstream_labeler_records_skipped_total counter", "meanstream_labeler_requests_open gauge"));
        assertEquals(labelerFamilies, Exposition.families(get(labeler.opsPort(), "/metrics").body(), "meanstream_"));
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " on port " + port + ": " + e, e);
        }
    }
}
