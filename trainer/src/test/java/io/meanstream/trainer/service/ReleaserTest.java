package io.meanstream.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.meanstream.config.Settings;
import io.meanstream.data.DatasetLocator;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.ImageNormaliser;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.SharedTestBroker;
import io.meanstream.ops.Meters;
import io.meanstream.trainer.data.InMemoryImages;
import io.meanstream.trainer.data.TwoStreamSampler;
import io.meanstream.trainer.engine.MeanTeacherEngine;
import io.meanstream.trainer.model.NetworkSpec;
import io.meanstream.trainer.stream.HoldoutSplit;
import io.meanstream.trainer.stream.LabeledPool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Release gates on a small real network and real Fashion-MNIST: the first teacher is released, a sabotaged
 * one is refused, a better one released and made the best, a restarted releaser still faces the best model,
 * and a lucky score on a tiny early holdout no longer locks later releases out.
 */
class ReleaserTest {

    private static final HoldoutSplit SPLIT = new HoldoutSplit(0.5);
    private static LabeledImages data;
    private static KafkaClientConfig kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws Exception {
        LabeledImages train = FashionMnist.load(FashionMnist.Split.TRAIN, DatasetLocator.fashionMnist().allowDownload(false).build());
        data = new LabeledImages(3000, 1, 28, 28, Arrays.copyOf(train.pixels(), 3000 * 784), Arrays.copyOf(train.labels(), 3000),
                train.classNames());
        kafka = KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers());
    }

    /** An engine, its data and a producer for one test; the topics are the test's own. */
    private final class Rig implements AutoCloseable {
        final Topics topics;
        final TrainerConfig config;
        final Meters metrics = new Meters(new SimpleMeterRegistry());
        final MeanTeacherEngine engine;
        final NDManager manager;
        final InMemoryImages images;
        final KafkaProducer<byte[], byte[]> producer;
        final TwoStreamSampler sampler;
        final ImageNormaliser normaliser;

        Rig(String suffix) throws Exception {
            topics = Topics.withSuffix(suffix);
            try (Admin admin = Admin.create(kafka.admin("t"))) {
                new TopicBootstrapper(admin).ensure(topics.all());
            }
            Map<String, String> env = new HashMap<>(Map.of("MEANSTREAM_TRAINER_WIDTH", "8", "MEANSTREAM_TRAINER_BATCH_SIZE", "64",
                    "MEANSTREAM_TRAINER_LABELED_BATCH_SIZE", "32", "MEANSTREAM_TRAINER_HOLDOUT_FRACTION", "0.5",
                    "MEANSTREAM_TRAINER_LEARNING_RATE", "0.05"));
            env.put("MEANSTREAM_TRAINER_MODEL_STORE", dir.toString());
            config = TrainerConfig.from(Settings.resolve(TrainerSettings.all(), env, null));
            normaliser = new ImageNormaliser(config.input());
            engine = new MeanTeacherEngine(config.engine(), NetworkSpec.convNet(1, 28, 28, 10, 8, config.engine().dropout(), false),
                    new float[] {-0.81f}, Device.cpu());
            manager = engine.newManager();
            images = new InMemoryImages(manager, data, config.input());
            producer = new KafkaProducer<>(kafka.producer("t"), new ByteArraySerializer(), new ByteArraySerializer());
            sampler = new TwoStreamSampler(IntStream.range(0, 1000).filter(i -> !SPLIT.isHoldout(id(i))).toArray(),
                    IntStream.range(1000, 3000).toArray(), 32, 32, 1);
        }

        Releaser releaser() throws Exception {
            Releaser releaser = new Releaser(config, topics, producer, metrics);
            releaser.recoverVersions(kafka, engine.steps());
            return releaser;
        }

        void train(int steps) {
            for (int s = 0; s < steps; s++) {
                engine.step(images.batch(manager, sampler.next(), 32));
            }
        }

        void put(LabeledPool pool, int i) {
            pool.put(id(i), normaliser.toChw(data.image(i)), data.label(i));
        }

        /** Whether the DJL teacher classifies image i correctly. */
        boolean teacherRight(int i) {
            try (NDManager m = engine.newManager()) {
                NDArray x = m.create(normaliser.toChw(data.image(i)), new Shape(1, 1, 28, 28));
                return engine.predictLogits(true, x).argMax(1).toLongArray()[0] == data.label(i);
            }
        }

        double metric(String name) {
            return metrics.value(name);
        }

        @Override
        public void close() {
            producer.close();
            images.close();
            manager.close();
            engine.close();
        }
    }

    private static String id(int i) {
        return "fmnist-train-" + i;
    }

    @Test
    void aSabotagedTeacherIsRefusedABetterOneReleasedAndTheBestSurvivesARestart() throws Exception {
        try (Rig rig = new Rig(".releaser-test")) {
            LabeledPool pool = new LabeledPool(SPLIT, 10, 1);
            IntStream.range(0, 1000).forEach(i -> rig.put(pool, i));
            rig.train(40);
            Releaser releaser = rig.releaser();
            long before = releaser.releasedVersion();
            assertTrue(releaser.tryRelease(rig.engine, pool, Map.of()), "a trained teacher passes the gates");
            long first = releaser.releasedVersion();
            assertEquals(before + 1, first);
            assertEquals(first, releaser.bestVersion(), "the first release is the best so far");

            // Sabotage: negate the teacher's classification head.
            var weight = rig.engine.teacher().classHead().getParameters().get("weight").getArray();
            float[] good = weight.toFloatArray();
            weight.set(weight.neg().toFloatArray());
            assertFalse(releaser.tryRelease(rig.engine, pool, Map.of()), "a teacher far below the best one is refused");
            assertEquals(first, releaser.releasedVersion(), "the version does not move");
            assertEquals(1, rig.metric("trainer.release.gate.refused"));
            assertEquals(1, rig.metric("trainer.release.failures"));
            assertTrue(rig.metric("trainer.release.gate.diff.high") < 0, "the whole interval is below zero");
            assertTrue(rig.metric("trainer.release.gate.p.value") < 0.05);
            assertTrue(rig.metric("trainer.release.gate.evidence") > 400, "the grown holdout is the evidence");

            // Repaired and trained further: better than the best, so released and the new best.
            weight.set(good);
            rig.train(80);
            assertTrue(releaser.tryRelease(rig.engine, pool, Map.of()), "a better teacher is released");
            assertEquals(first + 1, releaser.releasedVersion());
            assertEquals(first + 1, releaser.bestVersion(), "it is the new best");
            assertEquals(1, rig.metric("trainer.release.gate.released"), "a real comparison passed it");
            assertTrue(rig.metric("trainer.release.gate.diff") > 0, "better on the same images: " + rig.metric("trainer.release.gate.diff"));

            // A restart (checkpoint state + models topic) compares with the same best model's bytes.
            Releaser restarted = new Releaser(rig.config, rig.topics, rig.producer, new Meters(new SimpleMeterRegistry()));
            restarted.restoreState(releaser.state());
            restarted.recoverVersions(kafka, rig.engine.steps());
            assertEquals(first + 1, restarted.releasedVersion());
            assertEquals(first + 1, restarted.bestVersion());
            assertTrue(restarted.hasBest(), "the best model's bytes are read back from the models topic");
            weight.set(weight.neg().toFloatArray());
            assertFalse(restarted.tryRelease(rig.engine, pool, Map.of()), "the restarted gate still refuses a sabotaged teacher");
            assertEquals(first + 1, restarted.releasedVersion());
        }
    }

    @Test
    void theFirstModelIsReleasedBeforeAnyLabelFallsInTheHoldoutAndTheGateSaysSo() throws Exception {
        try (Rig rig = new Rig(".releaser-no-evidence-test")) {
            rig.train(20);
            LabeledPool pool = new LabeledPool(SPLIT, 10, 1);
            Releaser releaser = rig.releaser();
            assertFalse(releaser.tryRelease(rig.engine, pool, Map.of()), "no labeled image at all: nothing to probe the export with");
            IntStream.range(0, 1000).filter(i -> !SPLIT.isHoldout(id(i))).limit(5).forEach(i -> rig.put(pool, i));
            assertEquals(0, pool.holdoutSize());
            assertTrue(releaser.tryRelease(rig.engine, pool, Map.of()), "five training labels, none in the holdout");
            assertEquals(1, releaser.releasedVersion());
            assertEquals(1, rig.metric("trainer.release.gate.insufficient"));
            assertEquals(0, rig.metric("trainer.release.gate.evidence"));
            rig.train(5);
            assertTrue(releaser.tryRelease(rig.engine, pool, Map.of()), "still no evidence against it: not refused");
            assertEquals(2, rig.metric("trainer.release.gate.insufficient"));
        }
    }

    @Test
    void aPerfectScoreOnATinyEarlyHoldoutDoesNotLockLaterReleasesOut() throws Exception {
        try (Rig rig = new Rig(".releaser-lockout-test")) {
            rig.train(40);
            // v1 meets a holdout of 3 images it happens to classify correctly: accuracy 1.0.
            LabeledPool pool = new LabeledPool(SPLIT, 10, 1);
            int[] lucky = IntStream.range(0, 1000).filter(i -> SPLIT.isHoldout(id(i)) && rig.teacherRight(i)).limit(3).toArray();
            Arrays.stream(lucky).forEach(i -> rig.put(pool, i));
            Releaser releaser = rig.releaser();
            assertTrue(releaser.tryRelease(rig.engine, pool, Map.of()));
            long v1 = releaser.releasedVersion();
            assertEquals(1.0, rig.metric("trainer.holdout.accuracy"));
            assertEquals(1, rig.metric("trainer.release.gate.insufficient"), "nothing to compare with yet");

            // Three images cannot tell two models apart: the gate says so and releases.
            rig.train(10);
            assertTrue(releaser.tryRelease(rig.engine, pool, Map.of()));
            assertEquals(2, rig.metric("trainer.release.gate.insufficient"));
            assertEquals(3, rig.metric("trainer.release.gate.evidence"));

            // Labels keep arriving: the holdout grows and new training labels are held back as evidence.
            pool.holdBackNewLabels(1000);
            IntStream.range(0, 1000).forEach(i -> rig.put(pool, i));
            assertTrue(pool.heldBackSize() > 300, "held back: " + pool.heldBackSize());
            rig.train(10);
            assertTrue(releaser.tryRelease(rig.engine, pool, Map.of()),
                    "a candidate as good as the best on the same grown evidence is released");
            assertTrue(rig.metric("trainer.holdout.accuracy") < 0.9, "the old gate (1.0 minus a margin) would have refused "
                    + rig.metric("trainer.holdout.accuracy"));
            assertTrue(rig.metric("trainer.release.gate.evidence") > 800, "holdout + held back: " + rig.metric("trainer.release.gate.evidence"));
            assertTrue(rig.metric("trainer.release.gate.held.back") > 300);
            assertEquals(0, pool.heldBackSize(), "the held-back labels are trained on after the gate");
            assertTrue(releaser.releasedVersion() >= v1 + 2);
        }
    }
}
