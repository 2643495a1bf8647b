package io.meanstream.streams.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.config.Settings;
import io.meanstream.data.DatasetLocator;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.SharedTestBroker;
import io.meanstream.schema.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once scoring across a rebalance: a second streams-app instance (same application id, own state directory)
 * joins while the first scores a steady feed, so the first instance's tasks are revoked and move while the stream
 * thread's cross-task batch holds their images. With a batch wait (10 s) longer than the commit interval (2 s), the
 * batch is scored only at commits: it holds every image processed since the last commit (about 2 s of a 50 images/s
 * feed) at any moment, the revocation's included. Both instances keep running until every image is scored; a
 * read_committed consumer then finds exactly one prediction per image sent and no image without one. (Without the
 * {@code CommitHook}, the revoked tasks' images in the batch are lost: their offsets are committed, their tasks closed.)
 */
class StreamsAppRebalanceTest {

    static final String APPLICATION_ID = "rebalance-test";
    static final Duration FEED_INTERVAL = Duration.ofMillis(20);

    @Test
    void aSecondInstanceJoiningMidStreamLeavesExactlyOnePredictionPerImage(@TempDir Path dir) throws Exception {
        Topics topics = Topics.withSuffix(".rebalance-test");
        KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers());
        String images = topics.images().name();
        int partitions = topics.images().partitions();
        LabeledImages test = FashionMnist.load(FashionMnist.Split.TEST, DatasetLocator.fashionMnist().allowDownload(false).build());
        ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger sent = new AtomicInteger();
        try (Admin admin = Admin.create(kafka.admin("t"));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("t"), new StringSerializer(), new ByteArraySerializer())) {
            new TopicBootstrapper(admin).ensure(topics.all());
            StreamsAppTest.publish(producer, topics, 1);
            try (StreamsApp first = new StreamsApp(settings(dir.resolve("first")), kafka, topics).start()) {
                StreamsAppTest.await(() -> first.modelVersion() == 1 && first.state() == KafkaStreams.State.RUNNING, "the first instance running v1");
                StreamsAppTest.await(() -> List.copyOf(assignment(admin, images).values()).equals(List.of(partitions)),
                        "all " + partitions + " image partitions on the first instance");

                // A steady feed from now until every check below has passed.
                ScheduledFuture<?> feed = feeder.scheduleAtFixedRate(() -> {
                    try {
                        StreamsAppTest.send(producer, topics, test, sent.get(), 1);
                        sent.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, 0, FEED_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                StreamsAppTest.await(() -> StreamsAppTest.count(topics, kafka) >= 100, "100 committed predictions from the first instance");

                try (StreamsApp second = new StreamsApp(settings(dir.resolve("second")), kafka, topics).start()) {
                    // The join: the first instance's tasks were revoked and the partitions split between both.
                    StreamsAppTest.await(() -> {
                        List<Integer> split = List.copyOf(assignment(admin, images).values());
                        return split.size() == 2 && split.stream().allMatch(n -> n > 0) && split.stream().mapToInt(n -> n).sum() == partitions;
                    }, "the image partitions split between both instances");
                    double firstAtSplit = scored(first);
                    StreamsAppTest.await(() -> scored(second) > 0 && scored(first) > firstAtSplit, "both instances scoring after the split");
                    int sentAtBothScoring = sent.get();
                    StreamsAppTest.await(() -> sent.get() >= sentAtBothScoring + 100, "100 more images fed to both instances");
                    feed.cancel(false);
                    feeder.shutdown();
                    assertTrue(feeder.awaitTermination(30, TimeUnit.SECONDS), "the feed stopped");
                    producer.flush();

                    // Every image consumed and committed by one of the two instances; the predictions' commit markers
                    // may become visible a moment after the offsets'.
                    StreamsAppTest.await(() -> committedAll(admin, images, partitions), "every image's offset committed");
                    Set<String> expected = IntStream.range(0, sent.get()).mapToObj(i -> "fmnist-test-" + i).collect(Collectors.toSet());
                    Awaitility.await("exactly one committed prediction per image").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                            .untilAsserted(() -> assertExactlyOnce(expected, StreamsAppTest.predictions(topics, kafka)));
                }
            }
        } finally {
            feeder.shutdownNow();
        }
    }

    private static void assertExactlyOnce(Set<String> expected, List<Prediction> predictions) {
        Map<String, Long> perImage = predictions.stream().collect(Collectors.groupingBy(Prediction::getImageId, Collectors.counting()));
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(perImage.keySet());
        assertEquals(Set.of(), missing, missing.size() + " of " + expected.size() + " images without a committed prediction");
        assertEquals(expected, perImage.keySet(), "predictions only for the images sent");
        Map<String, Long> notOnce = new TreeMap<>(perImage);
        notOnce.values().removeIf(n -> n == 1);
        assertEquals(Map.of(), notOnce, "exactly one committed prediction per image (" + expected.size() + " images)");
    }

    private static Settings settings(Path stateDir) {
        Map<String, String> env = new HashMap<>(Map.of("MEANSTREAM_MODEL_NAME", "fmnist", "MEANSTREAM_STREAMS_HTTP_PORT", "0",
                "MEANSTREAM_STREAMS_APPLICATION_ID", APPLICATION_ID, "MEANSTREAM_STREAMS_QUALITY", "false",
                "MEANSTREAM_STREAMS_BATCH_SIZE", "512", "MEANSTREAM_STREAMS_BATCH_WAIT", "10s",
                "MEANSTREAM_STREAMS_COMMIT_INTERVAL", "2s", "MEANSTREAM_STREAMS_PROCESSING_GUARANTEE", "exactly_once_v2"));
        env.put("MEANSTREAM_STREAMS_STATE_DIR", stateDir.toString());
        return Settings.resolve(StreamsAppSettings.all(), env, null);
    }

    /** Images scored by one instance so far (its /metrics). */
    private static double scored(StreamsApp app) throws Exception {
        return StreamsAppTest.metric(StreamsAppTest.http(app.httpPort(), "/metrics"), "meanstream_streams_images_scored_total");
    }

    /** Image partitions per member of the application's consumer group, by member id. */
    private static Map<String, Integer> assignment(Admin admin, String images) throws InterruptedException, ExecutionException {
        Map<String, Integer> out = new TreeMap<>();
        for (MemberDescription m : admin.describeConsumerGroups(List.of(APPLICATION_ID)).all().get().get(APPLICATION_ID).members()) {
            out.put(m.consumerId(), (int) m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(images)).count());
        }
        return out;
    }

    /** Whether the group's committed offsets reached the end of every image partition. */
    private static boolean committedAll(Admin admin, String images, int partitions) throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APPLICATION_ID).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        IntStream.range(0, partitions).forEach(p -> latest.put(new TopicPartition(images, p), OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().entrySet().stream().allMatch(end -> {
            OffsetAndMetadata c = committed.get(end.getKey());
            return (c == null ? 0 : c.offset()) >= end.getValue().offset();
        });
    }
}
