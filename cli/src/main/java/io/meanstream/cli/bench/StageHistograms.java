package io.meanstream.cli.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The streams-app's per-stage latency histograms, read from its {@code /metrics}: a snapshot before and one
 * after a load phase give that phase's distribution of each stage (queue, batch wait, forward wait), as
 * bucket bounds, so the benchmark can say where inside the app an image's time goes without a profiler
 * (JFR disturbs the very runs it would explain).
 */
final class StageHistograms {

    /** The app's stage histograms: metric name (without the {@code meanstream_} prefix) and name in reports. */
    enum Stage {
        QUEUE("streams_queue_seconds", "Queue"), BATCH_WAIT("streams_batch_wait_seconds", "BatchWait"),
        FORWARD_WAIT("streams_forward_wait_seconds", "ForwardWait");

        final String metric;
        final String label;

        Stage(String metric, String label) {
            this.metric = metric;
            this.label = label;
        }
    }

    /** Cumulative bucket counts per stage: upper bound in seconds (+Inf as infinity) -> count. */
    private final Map<Stage, TreeMap<Double, Long>> buckets;

    private StageHistograms(Map<Stage, TreeMap<Double, Long>> buckets) {
        this.buckets = buckets;
    }

    static StageHistograms fetch(int port) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return parse(response.body());
    }

    /** As {@link #fetch}, or null when /metrics cannot be read (the benchmark then reports the stages as unknown). */
    static StageHistograms fetchQuietly(int port) {
        try {
            return fetch(port);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Parses Prometheus text: lines {@code meanstream_<stage>_bucket{le="0.01"} 123}. */
    static StageHistograms parse(String text) {
        Map<Stage, TreeMap<Double, Long>> buckets = new EnumMap<>(Stage.class);
        for (String line : text.split("\n")) {
            for (Stage stage : Stage.values()) {
                String prefix = "meanstream_" + stage.metric + "_bucket{le=\"";
                if (line.startsWith(prefix)) {
                    int end = line.indexOf('"', prefix.length());
                    String le = line.substring(prefix.length(), end);
                    double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                    long count = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1).trim());
                    buckets.computeIfAbsent(stage, s -> new TreeMap<>()).put(bound, count);
                }
            }
        }
        return new StageHistograms(buckets);
    }

    /**
     * The smallest bucket bound, in ms, under which at least a share {@code q} of the observations made between
     * {@code before} and this snapshot fall (an upper bound on the quantile); NaN without observations, infinity
     * when the quantile is beyond the last finite bound.
     */
    double quantileMsSince(StageHistograms before, Stage stage, double q) {
        TreeMap<Double, Long> now = buckets.getOrDefault(stage, new TreeMap<>());
        TreeMap<Double, Long> then = before.buckets.getOrDefault(stage, new TreeMap<>());
        long total = now.getOrDefault(Double.POSITIVE_INFINITY, 0L) - then.getOrDefault(Double.POSITIVE_INFINITY, 0L);
        if (total <= 0) {
            return Double.NaN;
        }
        for (Map.Entry<Double, Long> e : now.entrySet()) {
            long delta = e.getValue() - then.getOrDefault(e.getKey(), 0L);
            if (delta >= q * total) {
                return e.getKey() * 1000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
