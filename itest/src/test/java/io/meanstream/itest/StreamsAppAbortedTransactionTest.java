package io.meanstream.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.meanstream.data.DatasetLocator;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.TensorSpec;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.TopicSpec;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.FreePorts;
import io.meanstream.kafka.local.SharedTestBroker;
import io.meanstream.onnx.ModelProvenance;
import io.meanstream.onnx.OnnxScorer;
import io.meanstream.schema.Image;
import io.meanstream.schema.ImageEncoding;
import io.meanstream.schema.ModelRelease;
import io.meanstream.schema.Normalisation;
import io.meanstream.trainer.engine.MeanTeacherConfig;
import io.meanstream.trainer.engine.MeanTeacherEngine;
import io.meanstream.trainer.export.OnnxExporter;
import io.meanstream.trainer.model.NetworkSpec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streams-app killed between scoring and commit: in its own JVM under exactly-once with a commit interval far
 * longer than the test, it scores a backlog of images; their predictions are in the log, in its open transaction (a
 * read_uncommitted consumer sees them, a read_committed one sees none), when it gets SIGKILL. Started again on the
 * same state directory (with a short commit interval), it aborts that transaction and scores the images again; a
 * read_committed consumer then finds exactly one prediction per image, while the log holds the aborted ones too.
 */
class StreamsAppAbortedTransactionTest {

    static final int IMAGES = 200;
    static final String APPLICATION_ID = "aborted-transaction-test";

    @Test
    void sigkillBeforeTheCommitAbortsThePredictionsAndTheRestartScoresEachImageOnce(@TempDir Path work) throws Exception {
        String bootstrap = SharedTestBroker.bootstrapServers();
        Topics topics = Topics.withSuffix(".aborted-transaction-test");
        KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(bootstrap);
        LabeledImages test = FashionMnist.load(FashionMnist.Split.TEST, DatasetLocator.fashionMnist().allowDownload(false).build());
        Set<String> ids = IntStream.range(0, IMAGES).mapToObj(i -> "eos-" + i).collect(Collectors.toSet());
        try (Admin admin = Admin.create(kafka.admin("t"));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("t"), new StringSerializer(), new ByteArraySerializer())) {
            new TopicBootstrapper(admin).ensure(topics.all());
            publishModel(producer, topics);
            for (int i = 0; i < IMAGES; i++) {
                Image image = Image.newBuilder().setId("eos-" + i).setEventTime(Instant.now()).setSource("t").setEncoding(ImageEncoding.RAW_U8)
                        .setWidth(28).setHeight(28).setChannels(1).setData(ByteBuffer.wrap(test.image(i).pixels())).build();
                producer.send(new ProducerRecord<>(topics.images().name(), image.getId(), topics.images().valueSerde().serializer().serialize("", image)));
            }
            producer.flush();

            Map<String, String> env = new HashMap<>(ServiceEnv.streamsApp(bootstrap, work, FreePorts.next(), Map.of(
                    "MEANSTREAM_MODEL_NAME", "fmnist", "MEANSTREAM_STREAMS_APPLICATION_ID", APPLICATION_ID,
                    "MEANSTREAM_STREAMS_QUALITY", "false", "MEANSTREAM_STREAMS_PROCESSING_GUARANTEE", "exactly_once_v2",
                    // No commit while the test runs; Kafka Streams wants transactions allowed to stay open that long.
                    "MEANSTREAM_STREAMS_COMMIT_INTERVAL", "2m", "MEANSTREAM_KAFKA_PRODUCER_TRANSACTION_TIMEOUT_MS", "180000",
                    // The killed member leaves the group after 6 s (the broker's minimum) instead of 45 s.
                    "MEANSTREAM_KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000", "MEANSTREAM_KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000")));
            for (TopicSpec<?, ?> t : topics.all()) {
                env.put("MEANSTREAM_TOPIC_" + t.role().name(), t.name());
            }

            try (ChildJvm app = ChildJvm.meanstream("streams-app", work, env, "streams-app")) {
                await(() -> perImage(kafka, topics, "read_uncommitted").keySet().containsAll(ids), app,
                        "every image's prediction written in the open transaction");
                assertEquals(Map.of(), perImage(kafka, topics, "read_committed"), "no prediction committed before the kill");
                app.kill(); // SIGKILL: between scoring and the commit
                assertEquals(137, app.awaitExit(Duration.ofSeconds(30)));
            }
            assertTrue(perImage(kafka, topics, "read_uncommitted").keySet().containsAll(ids), "the killed transaction's predictions are in the log");
            assertEquals(Map.of(), perImage(kafka, topics, "read_committed"), "none of them visible to read_committed");

            env.put("MEANSTREAM_STREAMS_COMMIT_INTERVAL", "1s");
            try (ChildJvm again = ChildJvm.meanstream("streams-app-again", work, env, "streams-app")) {
                await(() -> committedAll(admin, topics), again, "every image's offset committed after the restart");
                // The predictions' commit markers may become visible a moment after the offsets'.
                Awaitility.await("exactly one committed prediction per image").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> {
                            Map<String, Long> committed = perImage(kafka, topics, "read_committed");
                            assertEquals(ids, committed.keySet(), "every image has a committed prediction, and only they");
                            Map<String, Long> notOnce = new TreeMap<>(committed);
                            notOnce.values().removeIf(n -> n == 1);
                            assertEquals(Map.of(), notOnce, "exactly one committed prediction per image");
                        });
                Map<String, Long> written = perImage(kafka, topics, "read_uncommitted");
                Map<String, Long> notAbortedAndCommitted = new TreeMap<>(written);
                notAbortedAndCommitted.values().removeIf(n -> n >= 2);
                assertEquals(Map.of(), notAbortedAndCommitted, "the log holds each image's aborted prediction and its committed one");
                again.terminate();
                assertTrue(List.of(0, 143).contains(again.awaitExit(Duration.ofMinutes(1))), again.output());
            }
        }
    }

    /** A small untrained network exported to ONNX, released as {@code fmnist} v1. */
    static void publishModel(KafkaProducer<String, byte[]> producer, Topics topics) throws Exception {
        byte[] onnx;
        try (MeanTeacherEngine engine = new MeanTeacherEngine(MeanTeacherConfig.builder().widthFactor(4).seed(1).build(),
                NetworkSpec.convNet(1, 28, 28, 10, 4, 0.3f, false), new float[] {-0.81f}, Device.cpu())) {
            onnx = OnnxExporter.export(engine.teacher(), new ModelProvenance("fmnist", 1, 1, Instant.now(), "convnet-w4",
                    FashionMnist.CLASS_NAMES, TensorSpec.fashionMnist(), 0, 0, Map.of(), "0", Map.of()));
        }
        ModelRelease release = ModelRelease.newBuilder().setName("fmnist").setVersion(1).setCreatedTime(Instant.now()).setTrainerStep(1)
                .setOnnx(ByteBuffer.wrap(onnx)).setSha256(OnnxScorer.sha256(onnx)).setInputShape(List.of(1, 28, 28))
                .setNormalisation(Normalisation.newBuilder().setMean(List.of(0.286f)).setStd(List.of(0.353f)).build())
                .setClassNames(FashionMnist.CLASS_NAMES).build();
        producer.send(new ProducerRecord<>(topics.models().name(), Topics.modelKey("fmnist", 1),
                topics.models().valueSerde().serializer().serialize("", release))).get();
    }

    /** Predictions per image id on the whole predictions topic, read with the given isolation level. */
    static Map<String, Long> perImage(KafkaClientConfig kafka, Topics topics, String isolation) {
        String topic = topics.predictions().name();
        Map<String, Object> config = kafka.consumer(null, "t-" + isolation);
        config.put("isolation.level", isolation);
        Map<String, Long> out = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts); // the last stable offset under read_committed
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                assertTrue(System.nanoTime() < deadline, "reading " + topic + " (" + isolation + ") to " + ends);
                c.poll(Duration.ofMillis(100)).forEach(r -> out.merge(
                        topics.predictions().valueSerde().deserializer().deserialize(r.topic(), r.value()).getImageId(), 1L, Long::sum));
            }
        }
        return out;
    }

    /** Whether the application's committed offsets reached the end of every image partition. */
    static boolean committedAll(Admin admin, Topics topics) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APPLICATION_ID).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        IntStream.range(0, topics.images().partitions()).forEach(p -> latest.put(new TopicPartition(topics.images().name(), p), OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().entrySet().stream().allMatch(end -> {
            OffsetAndMetadata c = committed.get(end.getKey());
            return (c == null ? 0 : c.offset()) >= end.getValue().offset();
        });
    }

    /** Waits for {@code condition}; fails with the streams-app's output. */
    private static void await(Callable<Boolean> condition, ChildJvm app, String what) {
        try {
            Awaitility.await(what).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + " not within 2 minutes; the streams-app's output:\n" + app.output(), e);
        }
    }
}
