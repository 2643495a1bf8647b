package io.meanstream.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.meanstream.config.Settings;
import io.meanstream.data.DatasetLocator;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.ImageNormaliser;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.SharedTestBroker;
import io.meanstream.ops.Metrics;
import io.meanstream.trainer.data.InMemoryImages;
import io.meanstream.trainer.data.TwoStreamSampler;
import io.meanstream.trainer.engine.MeanTeacherEngine;
import io.meanstream.trainer.model.NetworkSpec;
import io.meanstream.trainer.stream.HoldoutSplit;
import io.meanstream.trainer.stream.LabeledPool;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Release gates: a trained teacher is released, a sabotaged one is refused and the version does not move. */
class ReleaserTest {

    @Test
    void aSabotagedTeacherIsNotReleased(@TempDir Path dir) throws Exception {
        Topics topics = Topics.withSuffix(".releaser-test");
        KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers());
        try (Admin admin = Admin.create(kafka.admin("t"))) {
            new TopicBootstrapper(admin).ensure(topics.all());
        }
        Map<String, String> env = new HashMap<>(Map.of("MEANSTREAM_TRAINER_WIDTH", "8", "MEANSTREAM_TRAINER_BATCH_SIZE", "64",
                "MEANSTREAM_TRAINER_LABELED_BATCH_SIZE", "32", "MEANSTREAM_TRAINER_RELEASE_MARGIN", "0.05",
                "MEANSTREAM_TRAINER_HOLDOUT_FRACTION", "0.5", "MEANSTREAM_TRAINER_LEARNING_RATE", "0.05"));
        env.put("MEANSTREAM_TRAINER_MODEL_STORE", dir.toString());
        TrainerConfig config = TrainerConfig.from(Settings.resolve(TrainerSettings.all(), env, null));
        LabeledImages train = FashionMnist.load(FashionMnist.Split.TRAIN, DatasetLocator.fashionMnist().allowDownload(false).build());
        LabeledImages data = new LabeledImages(3000, 1, 28, 28, Arrays.copyOf(train.pixels(), 3000 * 784),
                Arrays.copyOf(train.labels(), 3000), train.classNames());

        LabeledPool pool = new LabeledPool(new HoldoutSplit(0.5), 10, 1);
        ImageNormaliser normaliser = new ImageNormaliser(config.input());
        for (int i = 0; i < 1000; i++) {
            pool.put("fmnist-train-" + i, normaliser.toChw(data.image(i)), data.label(i));
        }
        NetworkSpec spec = NetworkSpec.convNet(1, 28, 28, 10, 8, config.engine().dropout(), false);
        Metrics metrics = new Metrics();
        try (MeanTeacherEngine engine = new MeanTeacherEngine(config.engine(), spec, new float[] {-0.81f}, Device.cpu());
             NDManager m = engine.newManager();
             InMemoryImages set = new InMemoryImages(m, data, config.input());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer("t"), new ByteArraySerializer(), new ByteArraySerializer())) {
            TwoStreamSampler sampler = new TwoStreamSampler(IntStream.range(0, 1000).filter(i -> !new HoldoutSplit(0.5).isHoldout("fmnist-train-" + i)).toArray(),
                    IntStream.range(1000, 3000).toArray(), 32, 32, 1);
            for (int s = 0; s < 80; s++) {
                engine.step(set.batch(m, sampler.next(), 32));
            }
            Releaser releaser = new Releaser(config, topics, producer, metrics);
            releaser.recoverVersions(kafka, engine.steps());
            assertTrue(releaser.tryRelease(engine, pool, Map.of()), "a trained teacher passes the gates");
            long version = releaser.releasedVersion();
            assertTrue(version >= 1);

            // Sabotage: scramble the teacher's classification head.
            var weight = engine.teacher().classHead().getParameters().get("weight").getArray();
            weight.set(weight.neg().toFloatArray());
            assertFalse(releaser.tryRelease(engine, pool, Map.of()), "a teacher far below the released one is refused");
            assertEquals(version, releaser.releasedVersion(), "the version does not move");
            assertTrue(metrics.render().contains("meanstream_trainer_release_failures_total 1"), metrics.render());
        }
    }
}
