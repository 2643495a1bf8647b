package io.meanstream.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.kafka.local.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation, as a user runs it, each command in its own JVM: start the broker, feed 1,000 Fashion-MNIST
 * images with 5 labels per class, read the counts with {@code topics}, stop the broker with SIGTERM, start it
 * again on the same data and find the same counts.
 */
class FoundationEndToEndTest {

    @Test
    void brokerTopicsFeedAndCountsSurviveARestart(@TempDir Path work) throws Exception {
        int port = FreePorts.next();
        int controllerPort = FreePorts.next();
        String bootstrap = "127.0.0.1:" + port;
        Path dataDir = work.resolve("kafka");
        String[] kafkaArgs = {"kafka", "--port", Integer.toString(port), "--controller-port", Integer.toString(controllerPort),
                "--data-dir", dataDir.toString()};

        try (ChildJvm broker = ChildJvm.meanstream("kafka", work, kafkaArgs)) {
            broker.awaitLine(l -> l.startsWith("Kafka is running on " + bootstrap), Duration.ofSeconds(90));
            assertTrue(broker.output().contains("created [") && broker.output().contains("meanstream.images"), broker.output());

            try (ChildJvm feed = ChildJvm.meanstream("feed", work, "feed", "--bootstrap", bootstrap, "--dataset", "fashion-mnist",
                    "--limit", "1000", "--labels-per-class", "5", "--label-delay", "10ms..500ms", "--no-download")) {
                assertEquals(0, feed.awaitExit(Duration.ofSeconds(120)), feed.output());
                String json = feed.lines().stream().filter(l -> l.startsWith("{")).findFirst().orElseThrow(() -> new AssertionError(feed.output()));
                assertTrue(json.contains("\"images\":1000") && json.contains("\"labels\":50"), json);
                assertTrue(json.contains("\"labelsPerClass\":[5,5,5,5,5,5,5,5,5,5]"), json);
            }
            assertCounts(work, bootstrap);

            broker.terminate();
            int exit = broker.awaitExit(Duration.ofSeconds(60));
            assertTrue(exit == 0 || exit == 143, "clean exit after SIGTERM, got " + exit + ":\n" + broker.output());
            assertTrue(broker.output().contains("shutting down cleanly"), "exit " + exit + ": " + broker.output());
        }

        try (ChildJvm again = ChildJvm.meanstream("kafka-again", work, kafkaArgs)) {
            again.awaitLine(l -> l.startsWith("Kafka is running on " + bootstrap), Duration.ofSeconds(90));
            assertTrue(again.output().contains("created []"), "topics exist already: " + again.output());
            assertCounts(work, bootstrap);
        }
    }

    private static void assertCounts(Path work, String bootstrap) throws Exception {
        try (ChildJvm topics = ChildJvm.meanstream("topics", work, "topics", "--bootstrap", bootstrap)) {
            assertEquals(0, topics.awaitExit(Duration.ofSeconds(60)), topics.output());
            Map<String, String[]> rows = topics.lines().stream().filter(l -> l.startsWith("meanstream."))
                    .map(l -> l.trim().split("\\s+")).collect(Collectors.toMap(r -> r[0], r -> r));
            assertEquals("1000", rows.get("meanstream.images")[6], Arrays.toString(rows.get("meanstream.images")));
            assertEquals("6", rows.get("meanstream.images")[2]);
            assertEquals("50", rows.get("meanstream.labels")[6]);
            assertEquals("compact", rows.get("meanstream.labels")[3]);
            assertEquals("0", rows.get("meanstream.predictions")[6]);
        }
    }
}
