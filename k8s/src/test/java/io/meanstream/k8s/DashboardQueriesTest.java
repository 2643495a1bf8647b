package io.meanstream.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the dashboard check reads names, and that it fails for a name no service exports. */
class DashboardQueriesTest {

    @Test
    void metricNamesComeFromSelectorsNotFromFunctionsLabelsOrVariables() {
        assertEquals(Set.of("meanstream_streams_scoring_seconds_bucket"), Dashboard.metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(meanstream_streams_scoring_seconds_bucket{namespace=~\"$namespace\", pod!=\"x{y}\"}[$__rate_interval])))"));
        assertEquals(Set.of("a_total", "b"), Dashboard.metricNames(
                "sum without (pod) (increase(a_total[5m] offset 1h)) / on (job) group_left (client_id) max by (job, client_id) (b{job='x'}) > 1e3"));
        assertEquals(Set.of("jvm_memory_used_bytes"), Dashboard.metricNames("jvm_memory_used_bytes{area=\"heap\"} and bool ${threshold}"));
    }

    @Test
    void aQueriedNameNoServiceExportsIsReported() {
        String scrape = """
                # HELP meanstream_streams_scoring_seconds ONNX Runtime time per micro-batch
                # TYPE meanstream_streams_scoring_seconds histogram
                meanstream_streams_scoring_seconds_bucket{le="0.001"} 0
                meanstream_streams_scoring_seconds_count 0
                jvm_threads_live_threads 12.0
                """;
        assertEquals(Set.of("meanstream_streams_scoring_seconds"), DashboardTest.notExported(
                Set.of("meanstream_streams_scoring_seconds_bucket", "meanstream_streams_scoring_seconds", "jvm_threads_live_threads"), scrape));
    }

    @Test
    void templateVariablesCountToo() throws Exception {
        Dashboard dashboard = new Dashboard(new ObjectMapper().readTree("""
                {"panels": [], "templating": {"list": [
                  {"name": "datasource", "type": "datasource", "query": "prometheus"},
                  {"name": "namespace", "type": "query", "definition": "label_values(jvm_info, namespace)"}]}}
                """));
        assertEquals(Set.of("jvm_info"), dashboard.metricNames());
    }

    @Test
    void theShippedDashboardHasAQueryOnEveryPanel() {
        Dashboard dashboard = Dashboard.load();
        for (JsonNode panel : dashboard.json().path("panels")) {
            if (!panel.path("type").asText().equals("row")) {
                assertFalse(panel.path("targets").isEmpty(), panel.path("title").asText() + " has no query");
                panel.path("targets").forEach(t -> assertFalse(Dashboard.metricNames(t.path("expr").asText()).isEmpty(),
                        panel.path("title").asText() + ": " + t.path("expr").asText()));
            }
        }
    }
}
