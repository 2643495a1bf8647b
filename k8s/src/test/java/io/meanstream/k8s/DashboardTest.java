package io.meanstream.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard against the real services: the trainer and the streams-app run on the in-process
 * broker, and every metric a panel or variable queries must be in their /metrics.
 */
class DashboardTest {

    @TempDir
    static Path dir;
    static RunningServices services;

    @BeforeAll
    static void start() throws Exception {
        services = new RunningServices(dir);
        // jvm_gc_pause_seconds appears at the first collection; one is forced so the check does not depend on the heap's history.
        System.gc();
    }

    @AfterAll
    static void stop() throws Exception {
        services.close();
    }

    @Test
    void everyMetricTheDashboardQueriesIsExported() {
        Set<String> queried = Dashboard.load().metricNames();
        // The consumers' meters are bound once their threads run; wait for those, never longer.
        Awaitility.await("every metric the dashboard queries on /metrics").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertEquals(Set.of(), notExported(queried, services.trainerMetrics(), services.streamsAppMetrics())));
    }

    @Test
    void theDashboardShowsWhatAnOperatorWatches() {
        Set<String> queried = Dashboard.load().metricNames();
        for (String name : List.of("meanstream_streams_images_scored_total", "kafka_consumer_fetch_manager_records_lag_max",
                "meanstream_streams_scoring_seconds_bucket", "meanstream_streams_end_to_end_seconds_bucket",
                "meanstream_streams_model_version", "meanstream_trainer_released_version", "meanstream_streams_prequential_accuracy",
                "meanstream_trainer_holdout_accuracy", "meanstream_streams_dead_letters_total", "meanstream_trainer_dead_letters_total",
                "meanstream_trainer_steps_total", "kafka_stream_thread_process_rate", "jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum",
                "process_cpu_usage")) {
            assertTrue(queried.contains(name), name + " is on no panel: " + queried);
        }
    }

    /** The names that ServiceMonitor scrapes, dashboards and alerts read: each service's meanstream_ families and their types. */
    @Test
    void meanstreamMetricsKeepTheirNames() throws Exception {
        Set<String> trainer = new TreeSet<>(List.of("meanstream_trainer_buffer_dropped_total counter", "meanstream_trainer_buffer_fill gauge",
                "meanstream_trainer_class_loss gauge", "meanstream_trainer_consistency_loss gauge", "meanstream_trainer_consistency_weight gauge",
                "meanstream_trainer_consumer_lag gauge", "meanstream_trainer_dead_letters_total counter", "meanstream_trainer_ema_alpha gauge",
                "meanstream_trainer_held_back_labels gauge", "meanstream_trainer_holdout_accuracy gauge", "meanstream_trainer_holdout_size gauge",
                "meanstream_trainer_label_corrections gauge", "meanstream_trainer_labeled_pool_size gauge", "meanstream_trainer_logit_distance gauge",
                "meanstream_trainer_release_failures_total counter", "meanstream_trainer_release_gate_best_version gauge",
                "meanstream_trainer_release_gate_diff gauge", "meanstream_trainer_release_gate_diff_high gauge",
                "meanstream_trainer_release_gate_diff_low gauge", "meanstream_trainer_release_gate_evidence gauge",
                "meanstream_trainer_release_gate_held_back gauge", "meanstream_trainer_release_gate_insufficient_total counter",
                "meanstream_trainer_release_gate_p_value gauge", "meanstream_trainer_release_gate_refused_total counter",
                "meanstream_trainer_release_gate_released_total counter", "meanstream_trainer_released_version gauge",
                "meanstream_trainer_releases_total counter", "meanstream_trainer_samples_per_second gauge", "meanstream_trainer_samples_total counter",
                "meanstream_trainer_steps_per_second gauge", "meanstream_trainer_steps_total counter"));
        Set<String> streamsApp = new TreeSet<>(List.of("meanstream_streams_dead_letters_total counter", "meanstream_streams_images_scored_total counter",
                "meanstream_streams_model_swaps_total counter", "meanstream_streams_model_version gauge", "meanstream_streams_models_refused_total counter",
                "meanstream_streams_prequential_accuracy gauge", "meanstream_streams_prequential_accuracy_version gauge",
                "meanstream_streams_prequential_judged_total counter", "meanstream_streams_prequential_label_first_total counter"));
        // Histograms, each with the largest recent value beside it (Micrometer's _max gauge).
        for (String h : List.of("scoring_seconds", "batch_size", "end_to_end_seconds", "queue_seconds", "batch_wait_seconds", "forward_wait_seconds")) {
            streamsApp.add("meanstream_streams_" + h + " histogram");
            streamsApp.add("meanstream_streams_" + h + "_max gauge");
        }
        assertEquals(trainer, Exposition.families(services.trainerMetrics(), "meanstream_"));
        assertEquals(streamsApp, Exposition.families(services.streamsAppMetrics(), "meanstream_"));
    }

    @Test
    void theDashboardShipsAsAConfigMapForGrafanasSidecar() throws Exception {
        List<ObjectNode> objects = Kustomize.renderNow(Kustomize.k8sDir().resolve("grafana"));
        assertEquals(1, objects.size(), objects.toString());
        ObjectNode map = objects.get(0);
        assertEquals("ConfigMap", map.path("kind").asText());
        assertEquals("1", map.path("metadata").path("labels").path("grafana_dashboard").asText(), map.toString());
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(Files.readString(Dashboard.path())), json.readTree(map.path("data").path(Dashboard.FILE).asText()));
    }

    /** The queried names that neither service exports. */
    static Set<String> notExported(Set<String> queried, String... scrapes) {
        Set<String> missing = new TreeSet<>(queried);
        for (String scrape : scrapes) {
            missing.removeAll(Exposition.sampleNames(scrape));
        }
        return missing;
    }
}
