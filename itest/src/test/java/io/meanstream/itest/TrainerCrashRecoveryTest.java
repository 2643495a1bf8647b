package io.meanstream.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.data.DatasetLocator;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.SharedTestBroker;
import io.meanstream.schema.Image;
import io.meanstream.schema.ImageEncoding;
import io.meanstream.schema.Label;
import io.meanstream.schema.ModelRelease;
import io.meanstream.kafka.local.FreePorts;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer in its own JVM, killed with SIGKILL mid-run and started again: it resumes from its newest
 * checkpoint (the step count continues), releases only higher versions, and no label is lost (the pool is
 * rebuilt from the compacted labeled-images topic).
 */
class TrainerCrashRecoveryTest {

    static final Pattern STEPS = Pattern.compile("meanstream_trainer_steps_total (\\d+)");
    static final Pattern POOL = Pattern.compile("meanstream_trainer_labeled_pool_size (\\d+)");
    static final Pattern HOLDOUT = Pattern.compile("meanstream_trainer_holdout_size (\\d+)");

    @Test
    void sigkillThenRestartResumes(@TempDir Path work) throws Exception {
        String bootstrap = SharedTestBroker.bootstrapServers();
        String suffix = ".crash-test";
        Topics topics = Topics.withSuffix(suffix);
        KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(bootstrap);
        try (Admin admin = Admin.create(kafka.admin("t"))) {
            new TopicBootstrapper(admin).ensure(topics.all());
        }
        int httpPort = FreePorts.next();
        Map<String, String> env = new HashMap<>(Map.of(
                "MEANSTREAM_KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "MEANSTREAM_TRAINER_WIDTH", "8", "MEANSTREAM_TRAINER_BATCH_SIZE", "32", "MEANSTREAM_TRAINER_LABELED_BATCH_SIZE", "8",
                "MEANSTREAM_TRAINER_MIN_LABELS", "100", "MEANSTREAM_TRAINER_RELEASE_EVERY_STEPS", "20",
                "MEANSTREAM_TRAINER_CHECKPOINT_EVERY_STEPS", "10", "MEANSTREAM_TRAINER_HTTP_PORT", Integer.toString(httpPort),
                "MEANSTREAM_TRAINER_RELEASE_MARGIN", "1.0", "MEANSTREAM_TRAINER_THREADS", "1"));
        for (String role : List.of("IMAGES", "LABELS", "MODELS", "PREDICTIONS", "DEAD_LETTERS", "LABELED_IMAGES")) {
            env.put("MEANSTREAM_TOPIC_" + role, topics.all().stream().filter(t -> t.role().name().equals(role)).findFirst().orElseThrow().name());
        }
        env.put("MEANSTREAM_TRAINER_CHECKPOINT_DIR", work.resolve("checkpoints").toString());
        env.put("MEANSTREAM_TRAINER_STATE_DIR", work.resolve("streams").toString());
        env.put("MEANSTREAM_TRAINER_MODEL_STORE", work.resolve("models").toString());

        LabeledImages train = FashionMnist.load(FashionMnist.Split.TRAIN, DatasetLocator.fashionMnist().allowDownload(false).build());
        int labels = produce(topics, kafka, train, 0, 1500, 20);

        long stepsAtKill;
        int poolBefore;
        long versionBefore;
        try (ChildJvm trainer = ChildJvm.meanstream("trainer", work, env, "trainer")) {
            trainer.awaitLine(l -> l.contains("released ") && l.contains(" v2 at step"), Duration.ofMinutes(4));
            trainer.awaitLine(l -> l.contains("checkpoint ckpt-"), Duration.ofMinutes(1));
            String metrics = http(httpPort, "/metrics");
            poolBefore = value(POOL, metrics) + value(HOLDOUT, metrics);
            trainer.kill(); // SIGKILL: no shutdown hook, no final checkpoint
            assertEquals(137, trainer.awaitExit(Duration.ofSeconds(30)));
            versionBefore = maxVersion(topics, kafka); // after the death: a release may have landed just before it
            // The newest checkpoint the trainer reported before it died (one more may have completed unreported).
            stepsAtKill = trainer.lines().stream().filter(l -> l.contains("checkpoint ckpt-"))
                    .map(l -> Long.parseLong(l.replaceAll(".*ckpt-(\\d+)\\.bin.*", "$1"))).max(Long::compare).orElseThrow();
        }
        assertEquals(labels, poolBefore, "every label joined before the crash");
        // A half-written checkpoint, as a crash during a write would leave, must be ignored.
        Files.writeString(work.resolve("checkpoints").resolve("ckpt-999999999999.bin.tmp"), "torn");

        produce(topics, kafka, train, 1500, 600, 0);
        try (ChildJvm again = ChildJvm.meanstream("trainer-again", work, env, "trainer")) {
            String resumed = again.awaitLine(l -> l.contains("resumed from checkpoint at step"), Duration.ofMinutes(2));
            long resumedAt = Long.parseLong(resumed.replaceAll(".*at step (\\d+).*", "$1"));
            assertTrue(resumedAt >= stepsAtKill && resumedAt <= stepsAtKill + 10,
                    "resumed at " + resumedAt + ", newest reported checkpoint before the kill " + stepsAtKill);
            again.awaitLine(l -> l.contains("released ") && l.contains(" v" + (versionBefore + 1) + " at step"), Duration.ofMinutes(4));
            String metrics = http(httpPort, "/metrics");
            assertEquals(labels, value(POOL, metrics) + value(HOLDOUT, metrics), "no label lost: the pool is rebuilt");
            assertTrue(value(STEPS, metrics) > resumedAt, "the step count continues");
            List<Long> versions = versions(topics, kafka);
            for (int i = 1; i < versions.size(); i++) {
                assertTrue(versions.get(i) > versions.get(i - 1), "versions strictly increase: " + versions);
            }
            again.terminate();
            assertTrue(List.of(0, 143).contains(again.awaitExit(Duration.ofMinutes(2))));
        }
    }

    static int produce(Topics topics, KafkaClientConfig kafka, LabeledImages train, int from, int count, int labelsPerClass) {
        int[] perClass = new int[10];
        int labels = 0;
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.producer("t"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = from; i < from + count; i++) {
                String id = "fmnist-train-" + i;
                Image image = Image.newBuilder().setId(id).setEventTime(Instant.now()).setSource("t").setEncoding(ImageEncoding.RAW_U8)
                        .setWidth(28).setHeight(28).setChannels(1).setData(ByteBuffer.wrap(train.image(i).pixels())).build();
                p.send(new ProducerRecord<>(topics.images().name(), id, topics.images().valueSerde().serializer().serialize("", image)));
                if (perClass[train.label(i)]++ < labelsPerClass) {
                    labels++;
                    p.send(new ProducerRecord<>(topics.labels().name(), id, topics.labels().valueSerde().serializer().serialize("",
                            Label.newBuilder().setImageId(id).setClassIndex(train.label(i)).setTime(Instant.now()).build())));
                }
            }
        }
        return labels;
    }

    static long maxVersion(Topics topics, KafkaClientConfig kafka) {
        return versions(topics, kafka).stream().mapToLong(Long::longValue).max().orElse(0);
    }

    static List<Long> versions(Topics topics, KafkaClientConfig kafka) {
        List<Long> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer(null, "t"), new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topics.models().name(), 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    ModelRelease m = topics.models().valueSerde().deserializer().deserialize(r.topic(), r.value());
                    out.add(m.getVersion());
                });
            }
        }
        return out;
    }

    static int value(Pattern p, String metrics) {
        Matcher m = p.matcher(metrics);
        if (!m.find()) {
            throw new AssertionError(p + " not in /metrics");
        }
        return Integer.parseInt(m.group(1));
    }

    static String http(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
