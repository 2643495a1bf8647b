package io.meanstream.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.config.Settings;
import io.meanstream.data.DatasetLocator;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.SharedTestBroker;
import io.meanstream.onnx.OnnxScorer;
import io.meanstream.schema.DeadLetter;
import io.meanstream.schema.Image;
import io.meanstream.schema.ImageEncoding;
import io.meanstream.schema.Label;
import io.meanstream.schema.ModelRelease;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer service against the real embedded broker: real Fashion-MNIST images and labels in, gated
 * ONNX releases out, bad records to the dead-letter topic, and a restart that continues steps and versions.
 */
class TrainerServiceTest {

    @Test
    void trainsReleasesDeadLettersAndResumes(@TempDir Path dir) throws Exception {
        String suffix = ".trainer-test";
        Topics topics = Topics.withSuffix(suffix);
        KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers());
        TrainerConfig config = config(dir, "fmnist-test", Map.of("MEANSTREAM_TRAINER_BATCH_SIZE", "32",
                "MEANSTREAM_TRAINER_RELEASE_EVERY_STEPS", "15", "MEANSTREAM_TRAINER_CHECKPOINT_EVERY_STEPS", "10",
                "MEANSTREAM_TRAINER_RELEASE_MARGIN", "1.0"));

        LabeledImages train = FashionMnist.load(FashionMnist.Split.TRAIN, DatasetLocator.fashionMnist().allowDownload(false).build());
        long firstSteps;
        long firstVersion;
        TrainerService service = new TrainerService(config, kafka, topics).start();
        try {
            produce(topics, kafka, train);
            await(() -> service.releasedVersion() >= 2, Duration.ofMinutes(4), "two releases");
            assertTrue(service.pool().trainingSize() >= 100, "labels joined into the pool: " + service.pool().trainingSize());
            assertTrue(service.pool().holdoutSize() > 0, "a holdout exists");
            String metrics = http(service.httpPort(), "/metrics");
            for (String name : List.of("meanstream_trainer_steps_total", "meanstream_trainer_samples_per_second", "meanstream_trainer_class_loss",
                    "meanstream_trainer_consistency_loss", "meanstream_trainer_consistency_weight", "meanstream_trainer_ema_alpha",
                    "meanstream_trainer_labeled_pool_size", "meanstream_trainer_holdout_size", "meanstream_trainer_buffer_fill",
                    "meanstream_trainer_buffer_dropped_total", "meanstream_trainer_consumer_lag", "meanstream_trainer_released_version",
                    "meanstream_trainer_holdout_accuracy", "meanstream_trainer_release_failures_total", "meanstream_trainer_dead_letters_total")) {
                assertTrue(metrics.contains(name + " "), name + " missing from /metrics");
            }
            assertTrue(http(service.httpPort(), "/ready").startsWith("ready"));
        } finally {
            service.close();
        }
        // Read after the graceful stop: the last loop iteration may still release and checkpoint.
        firstSteps = service.steps();
        firstVersion = service.releasedVersion();
        assertTrue(Files.list(dir.resolve("checkpoints")).anyMatch(p -> p.toString().endsWith(".bin")), "checkpoint written on close");

        List<ModelRelease> releases = read(topics.models().name(), kafka).stream()
                .map(r -> topics.models().valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
        assertTrue(releases.size() >= 2);
        for (int i = 1; i < releases.size(); i++) {
            assertTrue(releases.get(i).getVersion() > releases.get(i - 1).getVersion(), "versions strictly increase");
        }
        ModelRelease last = releases.get(releases.size() - 1);
        byte[] onnx = new byte[last.getOnnx().remaining()];
        last.getOnnx().duplicate().get(onnx);
        assertEquals(last.getSha256(), OnnxScorer.sha256(onnx));
        try (OnnxScorer scorer = OnnxScorer.load(onnx, 1)) {
            assertEquals(last.getVersion(), scorer.provenance().version());
            assertEquals(10, scorer.numClasses());
        }

        List<DeadLetter> dead = read(topics.deadLetters().name(), kafka).stream()
                .map(r -> topics.deadLetters().valueSerde().deserializer().deserialize(r.topic(), r.value())).toList();
        assertTrue(dead.stream().anyMatch(d -> d.getErrorType().equals("MALFORMED_AVRO_BAD_HEADER") && d.getStage().equals("read-image")), dead.toString());
        assertTrue(dead.stream().anyMatch(d -> d.getErrorType().equals("CORRUPT") && d.getStage().equals("decode-image")), dead.toString());
        assertTrue(dead.stream().anyMatch(d -> d.getErrorType().equals("UNKNOWN_CLASS")), dead.toString());

        // Restart on the same checkpoints: the step count and the versions continue.
        try (TrainerService again = new TrainerService(config, kafka, topics).start()) {
            assertTrue(again.steps() >= firstSteps, "resumed at " + again.steps() + ", stopped at " + firstSteps);
            assertEquals(firstVersion, again.releasedVersion());
            produceUnlabeled(topics, kafka, train, 2000, 600);
            await(() -> again.releasedVersion() > firstVersion, Duration.ofMinutes(4), "a release after the restart");
        }
    }

    @Test
    void supervisedModeTrainsOnLabelsAloneAndReleasesThroughTheSamePath(@TempDir Path dir) throws Exception {
        Topics topics = Topics.withSuffix(".trainer-supervised-test");
        KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers());
        // A 2 s release timer that runs out while the trainer waits for its labels: it restarts at the first step, so the
        // first release comes after steps of training (10, or as many as 2 s allow), not as an untrained model after one.
        TrainerConfig config = config(dir, "fmnist-supervised-test", Map.of("MEANSTREAM_TRAINER_MODE", "supervised",
                "MEANSTREAM_TRAINER_RELEASE_EVERY_STEPS", "10", "MEANSTREAM_TRAINER_RELEASE_EVERY", "2s"));
        LabeledImages train = FashionMnist.load(FashionMnist.Split.TRAIN, DatasetLocator.fashionMnist().allowDownload(false).build());
        try (TrainerService service = new TrainerService(config, kafka, topics).start()) {
            produce(topics, kafka, train);
            Awaitility.await("a supervised release").atMost(Duration.ofMinutes(3)).until(() -> service.releasedVersion() >= 1);
            assertEquals(0, service.metrics().value("trainer.buffer.fill"), "no unlabeled image is buffered");
            assertEquals(service.steps() * 8, service.metrics().value("trainer.samples"), 8.0,
                    "each step is the labeled rows only");
        }
        ModelRelease release = read(topics.models().name(), kafka).stream()
                .map(r -> topics.models().valueSerde().deserializer().deserialize(r.topic(), r.value())).findFirst().orElseThrow();
        assertEquals(1.0, release.getMetrics().get("supervised"));
        assertTrue(release.getTrainerStep() > 1, "the first release after steps of training: " + release.getTrainerStep());
        byte[] onnx = new byte[release.getOnnx().remaining()];
        release.getOnnx().duplicate().get(onnx);
        try (OnnxScorer scorer = OnnxScorer.load(onnx, 1)) {
            assertEquals("supervised", scorer.provenance().trainingMode());
            assertEquals(0, scorer.provenance().unlabeledSeen());
        }
    }

    /** A small, fast trainer under {@code dir}, with the test's own settings on top. */
    static TrainerConfig config(Path dir, String modelName, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(Map.of("MEANSTREAM_TRAINER_WIDTH", "8", "MEANSTREAM_TRAINER_LABELED_BATCH_SIZE", "8",
                "MEANSTREAM_TRAINER_MIN_LABELS", "100", "MEANSTREAM_TRAINER_HTTP_PORT", "0", "MEANSTREAM_TRAINER_THREADS", "1",
                "MEANSTREAM_MODEL_NAME", modelName));
        env.put("MEANSTREAM_TRAINER_CHECKPOINT_DIR", dir.resolve("checkpoints").toString());
        env.put("MEANSTREAM_TRAINER_STATE_DIR", dir.resolve("streams").toString());
        env.put("MEANSTREAM_TRAINER_MODEL_STORE", dir.resolve("models").toString());
        env.putAll(settings);
        return TrainerConfig.from(Settings.resolve(TrainerSettings.all(), env, null));
    }

    static void produce(Topics topics, KafkaClientConfig kafka, LabeledImages train) throws Exception {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.producer("test"), new StringSerializer(), new ByteArraySerializer())) {
            int[] perClass = new int[10];
            for (int i = 0; i < 1500; i++) {
                String id = "fmnist-train-" + i;
                p.send(new ProducerRecord<>(topics.images().name(), id, topics.images().valueSerde().serializer().serialize("", image(train, i))));
                if (perClass[train.label(i)]++ < 20) {
                    p.send(new ProducerRecord<>(topics.labels().name(), id, topics.labels().valueSerde().serializer().serialize("",
                            Label.newBuilder().setImageId(id).setClassIndex(train.label(i)).setTime(Instant.now()).build())));
                }
            }
            p.send(new ProducerRecord<>(topics.images().name(), "junk", "not avro".getBytes()));
            Image corrupt = image(train, 0);
            corrupt.setId("corrupt");
            corrupt.setEncoding(ImageEncoding.PNG);
            corrupt.setData(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3}));
            p.send(new ProducerRecord<>(topics.images().name(), "corrupt", topics.images().valueSerde().serializer().serialize("", corrupt)));
            p.send(new ProducerRecord<>(topics.labels().name(), "fmnist-train-1", topics.labels().valueSerde().serializer().serialize("",
                    Label.newBuilder().setImageId("fmnist-train-1").setClassIndex(42).setTime(Instant.now()).build())));
            p.flush();
        }
    }

    static void produceUnlabeled(Topics topics, KafkaClientConfig kafka, LabeledImages train, int from, int count) {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.producer("test"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = from; i < from + count; i++) {
                p.send(new ProducerRecord<>(topics.images().name(), "fmnist-train-" + i,
                        topics.images().valueSerde().serializer().serialize("", image(train, i))));
            }
        }
    }

    static Image image(LabeledImages data, int i) {
        return Image.newBuilder().setId("fmnist-train-" + i).setEventTime(Instant.now()).setSource("test").setEncoding(ImageEncoding.RAW_U8)
                .setWidth(28).setHeight(28).setChannels(1).setData(ByteBuffer.wrap(data.image(i).pixels())).build();
    }

    static List<ConsumerRecord<String, byte[]>> read(String topic, KafkaClientConfig kafka) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer(null, "test-read"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts);
            List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp)) && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    static String http(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static void await(Callable<Boolean> condition, Duration timeout, String what) {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(200)).until(condition);
    }
}
