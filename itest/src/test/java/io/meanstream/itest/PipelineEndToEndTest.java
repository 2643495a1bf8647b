package io.meanstream.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.data.DatasetLocator;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.ImageEncoder;
import io.meanstream.image.TestImages;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.schema.DeadLetter;
import io.meanstream.schema.Image;
import io.meanstream.schema.ImageEncoding;
import io.meanstream.schema.Label;
import io.meanstream.schema.Prediction;
import io.meanstream.schema.Quality;
import io.meanstream.kafka.local.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
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
 * The whole pipeline as it is deployed: a broker, the trainer and the streams-app, each in its own JVM, fed
 * by a producer in this JVM. One story, in phases, so the services start once:
 * <ol>
 *   <li>happy path: images with sparse labels; models are released and every image is scored;</li>
 *   <li>the streams-app is killed (SIGKILL) while it scores a burst, and started again;</li>
 *   <li>the broker is stopped and started again under both running services;</li>
 *   <li>a bad-input corpus is produced between good records to the real topics.</li>
 * </ol>
 * Then: every good image has exactly one prediction (none lost, none scored twice, across the kill and the
 * broker restart), at least 3 versions were released in increasing order, the prequential accuracy of the
 * last window is well above chance, each bad record is in the dead-letter topic with its reason, and both
 * services are ready again.
 */
class PipelineEndToEndTest {

    /**
     * The trainer here is the small test configuration (width 8, batches of 32 with 8 labeled, ~500 labels):
     * in this test it scores 0.55 to 0.70 on the last window (measured: see README, End-to-end tests); the
     * full-size network reaches 0.80+ offline with 250 labels (docs/benchmarks.md). 0.4 is four times
     * chance on 10 classes: a pipeline that scores with an untrained or wrong model, or joins predictions to
     * the wrong labels, stays near 0.1.
     */
    static final double LAST_WINDOW_ACCURACY_THRESHOLD = 0.4;
    static final int LABELS_PER_CLASS = 30;

    private final List<String> goodIds = new ArrayList<>();
    private LabeledImages train;
    private int next;

    @Test
    void survivesKillsRestartsAndBadInput(@TempDir Path work) throws Exception {
        train = FashionMnist.load(FashionMnist.Split.TRAIN, DatasetLocator.fashionMnist().allowDownload(false).build());
        int kafkaPort = FreePorts.next();
        int controllerPort = FreePorts.next();
        int trainerPort = FreePorts.next();
        int appPort = FreePorts.next();
        String bootstrap = "127.0.0.1:" + kafkaPort;
        String[] kafkaArgs = {"kafka", "--port", Integer.toString(kafkaPort), "--controller-port", Integer.toString(controllerPort),
                "--data-dir", work.resolve("kafka").toString()};
        Map<String, String> trainerEnv = ServiceEnv.smallTrainer(bootstrap, work, trainerPort, Map.of(
                "MEANSTREAM_TRAINER_MIN_LABELS", "100", "MEANSTREAM_TRAINER_RELEASE_EVERY_STEPS", "80",
                "MEANSTREAM_TRAINER_CHECKPOINT_EVERY_STEPS", "40", "MEANSTREAM_TRAINER_RELEASE_MARGIN", "1.0",
                "MEANSTREAM_TRAINER_MAX_LABEL_DELAY", "2m")); // a 2-minute delay bound: the orphan label is judged within the test
        Map<String, String> appEnv = ServiceEnv.streamsApp(bootstrap, work, appPort, Map.of("MEANSTREAM_STREAMS_QUALITY_WINDOW", "20s"));
        KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(bootstrap);
        Topics topics = Topics.fromEnv();

        ChildJvm broker = ChildJvm.meanstream("kafka", work, kafkaArgs);
        ChildJvm trainer = null;
        ChildJvm app = null;
        try {
            broker.awaitLine(l -> l.contains("Kafka is running on"), Duration.ofMinutes(2));
            trainer = ChildJvm.meanstream("trainer", work, trainerEnv, "trainer");
            app = ChildJvm.meanstream("streams-app", work, appEnv, "streams-app");

            // 1. Happy path: 1,500 images, 30 labels per class among them.
            try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
                produceGood(producer, topics, 1500, LABELS_PER_CLASS);
            }
            trainer.awaitLine(l -> l.contains("released ") && l.contains(" v1 at step"), Duration.ofMinutes(4));
            awaitReady(appPort, Duration.ofMinutes(2));
            awaitPredictions(kafka, topics, Set.copyOf(goodIds), Duration.ofMinutes(3));

            // 2. SIGKILL the streams-app while it scores a burst; start it again.
            try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
                produceGood(producer, topics, 1000, 0);
            }
            app.kill(); // at once: the burst is still being scored
            assertEquals(137, app.awaitExit(Duration.ofSeconds(30)));
            app = ChildJvm.meanstream("streams-app-again", work, appEnv, "streams-app");
            awaitReady(appPort, Duration.ofMinutes(2));

            // 3. Restart the broker under both services.
            broker.terminate();
            broker.awaitExit(Duration.ofMinutes(1));
            broker = ChildJvm.meanstream("kafka-again", work, kafkaArgs);
            broker.awaitLine(l -> l.contains("Kafka is running on"), Duration.ofMinutes(2));

            // 4. More good images with the bad-input corpus between them; their labels come once they are scored
            //    (prequential accuracy only counts labels given after the prediction).
            Map<String, String> badImages;
            Map<String, String> badLabels;
            int firstLate = next;
            Map<String, List<Long>> predictions;
            try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
                produceGood(producer, topics, 300, 0);
                badImages = produceBadImages(producer, topics);
                produceGood(producer, topics, 300, 0);
                badLabels = produceBadLabels(producer, topics);
                produceGood(producer, topics, 300, 0);
                awaitPredictions(kafka, topics, Set.copyOf(goodIds), Duration.ofMinutes(4));
                produceLabels(producer, topics, firstLate, 900, 20);
                produceClockImages(producer, topics);
            }
            predictions = awaitPredictions(kafka, topics, Set.copyOf(goodIds), Duration.ofMinutes(2));
            long lastVersion = TrainerCrashRecoveryTest.maxVersion(topics, kafka);
            trainer.awaitLine(l -> l.contains("released ") && l.contains(" v" + (lastVersion + 1) + " at step"), Duration.ofMinutes(3));

            // Exactly one prediction per good image; no prediction for a bad one.
            List<String> problems = new ArrayList<>();
            for (String id : goodIds) {
                List<Long> versions = predictions.get(id);
                if (versions == null || versions.size() != 1) {
                    problems.add(id + " -> " + versions);
                }
            }
            assertTrue(problems.isEmpty(), problems.size() + " images without exactly one prediction, e.g. "
                    + problems.subList(0, Math.min(10, problems.size())));
            for (String bad : badImages.keySet()) {
                assertTrue(!predictions.containsKey(bad), "a bad record was scored: " + bad);
            }

            List<Long> versions = TrainerCrashRecoveryTest.versions(topics, kafka);
            assertTrue(versions.size() >= 3, "at least 3 releases: " + versions);
            for (int i = 1; i < versions.size(); i++) {
                assertTrue(versions.get(i) > versions.get(i - 1), "versions strictly increase: " + versions);
            }

            Quality last = lastWindow(kafka, topics);
            System.out.printf("last quality window: model v%d, %d judged, accuracy %.3f%n", last.getModelVersion(), last.getCount(),
                    last.getAccuracy());
            assertTrue(last.getAccuracy() > LAST_WINDOW_ACCURACY_THRESHOLD, "prequential accuracy of the last window: " + last);

            // Each bad record is a dead letter with its reason, from each service that reads it; nothing else is.
            Map<String, List<DeadLetter>> dead = awaitDeadLetters(kafka, topics, badImages, badLabels, Duration.ofMinutes(2));
            System.out.println("dead letters by key: ");
            dead.forEach((k, v) -> v.forEach(d -> System.out.printf("  %-22s %-12s %-22s %-26s %s%n", k, d.getService(), d.getStage(),
                    d.getErrorType(), d.getErrorMessage())));
            badImages.forEach((id, expected) -> {
                List<DeadLetter> got = dead.getOrDefault(id, List.of());
                assertEquals(Set.of("streams-app", "trainer"), services(got), id + ": " + got);
                assertEquals(2, got.size(), id + ": once per service: " + got);
                if (!expected.isEmpty()) {
                    got.forEach(d -> assertTrue(expected.contains(d.getErrorType()), id + ": " + d.getErrorType() + " not in " + expected));
                }
                got.forEach(d -> assertTrue(!d.getErrorMessage().isBlank()));
            });
            badLabels.forEach((id, expected) -> {
                List<DeadLetter> got = dead.getOrDefault(id, List.of());
                assertEquals(1, got.size(), id + ": " + got);
                assertTrue(expected.contains(got.get(0).getErrorType()), id + ": " + got.get(0).getErrorType() + " not in " + expected);
            });
            Set<String> unexpected = new HashSet<>(dead.keySet());
            unexpected.removeAll(badImages.keySet());
            unexpected.removeAll(badLabels.keySet());
            assertTrue(unexpected.isEmpty(), "dead letters for good records: " + unexpected);

            // Both services came through on their own.
            awaitReady(appPort, Duration.ofMinutes(1));
            awaitReady(trainerPort, Duration.ofMinutes(1));
            app.terminate();
            trainer.terminate();
            assertTrue(List.of(0, 143).contains(app.awaitExit(Duration.ofMinutes(1))), app.output());
            assertTrue(List.of(0, 143).contains(trainer.awaitExit(Duration.ofMinutes(2))), trainer.output());
        } finally {
            for (ChildJvm c : Arrays.asList(app, trainer, broker)) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    private static KafkaProducer<String, byte[]> producer(KafkaClientConfig kafka) {
        Map<String, Object> config = new HashMap<>(kafka.producer("itest"));
        config.put("max.request.size", 16 << 20); // the oversized record must reach the broker (topic limit 10 MiB)
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private void produceGood(KafkaProducer<String, byte[]> producer, Topics topics, int count, int labelsPerClass) throws Exception {
        int[] perClass = new int[10];
        for (int k = 0; k < count; k++) {
            int i = next++;
            String id = "img-" + i;
            Image image = Image.newBuilder().setId(id).setEventTime(Instant.now()).setSource("itest").setEncoding(ImageEncoding.RAW_U8)
                    .setWidth(28).setHeight(28).setChannels(1).setData(ByteBuffer.wrap(train.image(i).pixels())).build();
            producer.send(new ProducerRecord<>(topics.images().name(), id, topics.images().valueSerde().serializer().serialize("", image)));
            goodIds.add(id);
            if (perClass[train.label(i)]++ < labelsPerClass) {
                producer.send(new ProducerRecord<>(topics.labels().name(), id, label(topics, id, train.label(i))));
            }
        }
        producer.flush();
    }

    /** Labels for the first {@code perClass} images of each class among images {@code from .. from+count-1}. */
    private void produceLabels(KafkaProducer<String, byte[]> producer, Topics topics, int from, int count, int perClass) {
        int[] given = new int[10];
        for (int i = from; i < from + count; i++) {
            if (given[train.label(i)]++ < perClass) {
                String id = "img-" + i;
                producer.send(new ProducerRecord<>(topics.labels().name(), id, label(topics, id, train.label(i))));
            }
        }
        producer.flush();
    }

    private static byte[] label(Topics topics, String id, int classIndex) {
        return topics.labels().valueSerde().serializer().serialize("", Label.newBuilder().setImageId(id).setClassIndex(classIndex)
                .setTime(Instant.now()).build());
    }

    /** The bad-image corpus; returns id -> acceptable error types (empty: any, with a message). */
    private Map<String, String> produceBadImages(KafkaProducer<String, byte[]> producer, Topics topics) throws Exception {
        Map<String, String> expected = new TreeMap<>();
        byte[] png = ImageEncoder.png(train.image(0));
        BiConsumer<String, Image.Builder> send = (id, b) -> producer.send(new ProducerRecord<>(topics.images().name(), id,
                topics.images().valueSerde().serializer().serialize("", b.setId(id).setEventTime(Instant.now()).setSource("itest").build())));
        send.accept("bad-truncated-png", Image.newBuilder().setEncoding(ImageEncoding.PNG).setWidth(28).setHeight(28).setChannels(1)
                .setData(ByteBuffer.wrap(Arrays.copyOf(png, png.length / 2))));
        expected.put("bad-truncated-png", "CORRUPT");
        send.accept("bad-not-an-image", Image.newBuilder().setEncoding(ImageEncoding.PNG).setWidth(28).setHeight(28).setChannels(1)
                .setData(ByteBuffer.wrap("these bytes are not an image at all".getBytes(StandardCharsets.UTF_8))));
        expected.put("bad-not-an-image", "CORRUPT UNSUPPORTED_FORMAT");
        send.accept("bad-huge-png-header", Image.newBuilder().setEncoding(ImageEncoding.PNG).setWidth(0).setHeight(0).setChannels(0)
                .setData(ByteBuffer.wrap(TestImages.pngWithHeaderOnlySize(60000, 60000))));
        expected.put("bad-huge-png-header", "TOO_LARGE");
        send.accept("bad-two-channels", Image.newBuilder().setEncoding(ImageEncoding.RAW_U8).setWidth(28).setHeight(28).setChannels(2)
                .setData(ByteBuffer.wrap(new byte[28 * 28 * 2])));
        expected.put("bad-two-channels", "UNSUPPORTED_CHANNELS");
        producer.send(new ProducerRecord<>(topics.images().name(), "bad-malformed-avro",
                "{\"not\": \"avro single-object encoding\"}".getBytes(StandardCharsets.UTF_8)));
        expected.put("bad-malformed-avro", "MALFORMED_AVRO_BAD_HEADER");
        byte[] nine = new byte[9 << 20];
        new java.util.Random(1).nextBytes(nine);
        send.accept("bad-oversized", Image.newBuilder().setEncoding(ImageEncoding.PNG).setWidth(28).setHeight(28).setChannels(1)
                .setData(ByteBuffer.wrap(nine)));
        expected.put("bad-oversized", "OVERSIZED TOO_MANY_BYTES");
        producer.flush();
        return expected;
    }

    /** The bad-label corpus; returns id -> acceptable error types. */
    private Map<String, String> produceBadLabels(KafkaProducer<String, byte[]> producer, Topics topics) {
        Map<String, String> expected = new TreeMap<>();
        String outOfRange = "img-out-of-range-class";
        producer.send(new ProducerRecord<>(topics.labels().name(), outOfRange, topics.labels().valueSerde().serializer().serialize("",
                Label.newBuilder().setImageId(outOfRange).setClassIndex(42).setTime(Instant.now()).build())));
        expected.put(outOfRange, "UNKNOWN_CLASS");
        producer.send(new ProducerRecord<>(topics.labels().name(), "ghost-image", label(topics, "ghost-image", 3)));
        expected.put("ghost-image", "UNKNOWN_IMAGE");
        producer.send(new ProducerRecord<>(topics.labels().name(), "bad-label-avro", new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
        expected.put("bad-label-avro", "MALFORMED_AVRO_BAD_HEADER");
        producer.flush();
        return expected;
    }

    /**
     * One good image per partition with an event time four minutes ahead: it moves the label join's stream
     * time past the orphan label's window (2 min delay bound + 1 min grace), so the join can declare that
     * image missing now instead of after real minutes without traffic. Produced last: labels older than the
     * stream time minus window and grace would be too late to join.
     */
    private void produceClockImages(KafkaProducer<String, byte[]> producer, Topics topics) {
        long future = System.currentTimeMillis() + Duration.ofMinutes(4).toMillis();
        List<PartitionInfo> partitions = producer.partitionsFor(topics.images().name());
        for (PartitionInfo p : partitions) {
            int i = next++;
            String id = "img-clock-" + p.partition();
            Image image = Image.newBuilder().setId(id).setEventTime(Instant.ofEpochMilli(future)).setSource("itest")
                    .setEncoding(ImageEncoding.RAW_U8).setWidth(28).setHeight(28).setChannels(1)
                    .setData(ByteBuffer.wrap(train.image(i).pixels())).build();
            producer.send(new ProducerRecord<>(topics.images().name(), p.partition(), future, id,
                    topics.images().valueSerde().serializer().serialize("", image)));
            producer.send(new ProducerRecord<>(topics.labels().name(), p.partition(), future, id, label(topics, id, train.label(i))));
            goodIds.add(id);
        }
        producer.flush();
    }

    private static Set<String> services(List<DeadLetter> letters) {
        Set<String> out = new HashSet<>();
        letters.forEach(d -> out.add(d.getService()));
        return out;
    }

    /** Reads the predictions topic (read_committed) until every expected id is there, then to its end. */
    static Map<String, List<Long>> awaitPredictions(KafkaClientConfig kafka, Topics topics, Set<String> expected, Duration timeout) {
        Map<String, List<Long>> seen = new HashMap<>();
        readUntil(kafka, topics.predictions().name(), timeout, r -> {
            Prediction p = topics.predictions().valueSerde().deserializer().deserialize(r.topic(), r.value());
            seen.computeIfAbsent(p.getImageId(), k -> new ArrayList<>()).add(p.getModelVersion());
        }, () -> seen.keySet().containsAll(expected), () -> {
            Set<String> missing = new HashSet<>(expected);
            missing.removeAll(seen.keySet());
            return missing.size() + " images without a prediction, e.g. " + missing.stream().limit(10).toList();
        });
        return seen;
    }

    private static Map<String, List<DeadLetter>> awaitDeadLetters(KafkaClientConfig kafka, Topics topics, Map<String, String> badImages,
                                                                  Map<String, String> badLabels, Duration timeout) {
        Map<String, List<DeadLetter>> seen = new TreeMap<>();
        int expected = 2 * badImages.size() + badLabels.size();
        readUntil(kafka, topics.deadLetters().name(), timeout, r -> {
            DeadLetter d = topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(), r.value());
            String key = d.getKey() == null ? "<no key>" : StandardCharsets.UTF_8.decode(d.getKey().duplicate()).toString();
            seen.computeIfAbsent(key, k -> new ArrayList<>()).add(d);
        }, () -> seen.values().stream().mapToInt(List::size).sum() >= expected, () -> "dead letters so far: " + seen.keySet());
        return seen;
    }

    private static Quality lastWindow(KafkaClientConfig kafka, Topics topics) {
        Map<String, Quality> latest = new TreeMap<>();
        // The newest window with enough judged predictions to mean something (the clock images' window is ahead).
        java.util.function.Supplier<java.util.Optional<Quality>> newest = () -> latest.values().stream()
                .filter(q -> q.getCount() >= 20 && q.getWindowStart().isBefore(Instant.now()))
                .max((a, b) -> a.getWindowStart().compareTo(b.getWindowStart()));
        readUntil(kafka, topics.quality().name(), Duration.ofMinutes(2), r -> {
            Quality q = topics.quality().valueSerde().deserializer().deserialize(r.topic(), r.value());
            latest.put(q.getModelVersion() + "@" + q.getWindowStart().toEpochMilli(), q);
        }, () -> newest.get().isPresent(), () -> "no quality window with 20 judged predictions: " + latest.values());
        return newest.get().orElseThrow();
    }

    /** Polls a topic from the beginning until {@code done} holds and the end offsets seen at that moment are read. */
    private static void readUntil(KafkaClientConfig kafka, String topic, Duration timeout,
                                  java.util.function.Consumer<ConsumerRecord<String, byte[]>> sink,
                                  java.util.function.BooleanSupplier done, java.util.function.Supplier<String> failure) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer(null, "itest-reader"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            Map<TopicPartition, Long> end = null;
            while (System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(300)).forEach(sink);
                if (end == null && done.getAsBoolean()) {
                    end = c.endOffsets(parts); // then drain to here: a duplicate written before now is seen
                }
                if (end != null && end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                    return;
                }
            }
            throw new AssertionError(topic + ": " + failure.get());
        }
    }

    static void awaitReady(int port, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        AtomicReference<String> last = new AtomicReference<>("no answer");
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    last.set(r.statusCode() + " " + r.body());
                    return r.statusCode() == 200;
                } catch (java.io.IOException e) {
                    last.set(e.toString());
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("port " + port + " not ready within " + timeout + ": " + last.get());
        }
    }
}
