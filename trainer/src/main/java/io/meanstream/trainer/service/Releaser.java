package io.meanstream.trainer.service;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicHistory;
import io.meanstream.kafka.Topics;
import io.meanstream.onnx.ModelProvenance;
import io.meanstream.onnx.OnnxModelException;
import io.meanstream.onnx.OnnxScorer;
import io.meanstream.ops.Metrics;
import io.meanstream.schema.Image;
import io.meanstream.schema.ModelRelease;
import io.meanstream.schema.Normalisation;
import io.meanstream.serde.FingerprintSchemaStore;
import io.meanstream.trainer.engine.MeanTeacherConfig;
import io.meanstream.trainer.engine.MeanTeacherEngine;
import io.meanstream.trainer.export.OnnxExporter;
import io.meanstream.trainer.stream.LabeledPool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports, checks and releases the teacher. A release must pass two gates: ONNX Runtime's output equals
 * DJL's teacher on a probe batch (max |difference| of logits below 1e-4), and its holdout accuracy is not
 * more than the margin below the released model's. Versions are strictly increasing per model name: on
 * start the highest version on the models topic and in the checkpoint is taken. Failed gates are logged,
 * counted and skipped.
 */
final class Releaser {

    private static final Logger log = LoggerFactory.getLogger(Releaser.class);
    static final double PROBE_TOLERANCE = 1e-4;

    private final TrainerConfig config;
    private final Topics topics;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Metrics.Counter releases;
    private final Metrics.Counter failures;
    private final Metrics.Gauge versionGauge;
    private final Metrics.Gauge accuracyGauge;
    private long releasedVersion;
    private double releasedAccuracy = Double.NaN;

    Releaser(TrainerConfig config, Topics topics, KafkaProducer<byte[], byte[]> producer, Metrics metrics) {
        this.config = config;
        this.topics = topics;
        this.producer = producer;
        this.releases = metrics.counter("trainer_releases_total", "Models released");
        this.failures = metrics.counter("trainer_release_failures_total", "Releases refused by a gate or failed");
        this.versionGauge = metrics.gauge("trainer_released_version", "Version of the newest released model");
        this.accuracyGauge = metrics.gauge("trainer_holdout_accuracy", "Holdout accuracy of the newest released model");
    }

    synchronized long releasedVersion() {
        return releasedVersion;
    }

    /** Reads the models topic for the highest version of this model name. */
    void recoverVersions(KafkaClientConfig kafka, long step) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumer(null, "meanstream-trainer-versions"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = TopicHistory.assignFromBeginning(consumer, topics.models().name());
            TopicHistory.readToEnd(consumer, partitions, Duration.ofSeconds(60), () -> false, r -> {
                try {
                    ModelRelease m = topics.models().valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (m != null && m.getName().equals(config.modelName()) && m.getVersion() > releasedVersion) {
                        releasedVersion = m.getVersion();
                        releasedAccuracy = m.getMetrics().getOrDefault("holdoutAccuracy", Double.NaN);
                    }
                } catch (RuntimeException e) {
                    log.warn("unreadable record on {} at {}: {}", r.topic(), r.offset(), e.getMessage());
                }
            });
        }
        versionGauge.set(releasedVersion);
        accuracyGauge.set(releasedAccuracy);
        log.info("model {}: released version so far {} (holdout accuracy {}), resuming at step {}", config.modelName(),
                releasedVersion, releasedAccuracy, step);
    }

    /** Exports the teacher and releases it if it passes the gates; returns true when released. */
    synchronized boolean tryRelease(MeanTeacherEngine engine, LabeledPool pool, Map<Integer, Long> imagePositions) {
        List<LabeledPool.Example> holdout = pool.holdoutExamples();
        if (holdout.isEmpty()) {
            return refuse("no holdout images yet to gate a release");
        }
        long version = releasedVersion + 1;
        Map<String, Long> offsets = new HashMap<>();
        imagePositions.forEach((p, o) -> offsets.put(topics.images().name() + "-" + p, o));
        ModelProvenance provenance = new ModelProvenance(config.modelName(), version, engine.steps(), Instant.now(),
                engine.spec().architecture(), config.classNames(), config.input(), engine.steps() * config.engine().labeledBatchSize(),
                engine.steps() * config.engine().unlabeledBatchSize(), offsets,
                FingerprintSchemaStore.fingerprintHex(Image.getClassSchema()), Map.of(), config.engine().mode().label());
        byte[] onnx = OnnxExporter.export(engine.teacher(), provenance);
        double accuracy;
        try (OnnxScorer scorer = OnnxScorer.load(onnx, 1)) {
            int size = config.input().channels() * config.input().height() * config.input().width();
            int probe = Math.min(32, holdout.size());
            float[] x = new float[probe * size];
            for (int i = 0; i < probe; i++) {
                System.arraycopy(holdout.get(i).chw(), 0, x, i * size, size);
            }
            double diff = probeDifference(engine, scorer, x, probe);
            if (!(diff <= PROBE_TOLERANCE)) {
                return refuse(String.format(Locale.ROOT, "ONNX and DJL disagree on the probe batch: max |logit difference| %.3g", diff));
            }
            accuracy = accuracy(scorer, holdout, size);
        } catch (OnnxModelException e) {
            return refuse("the exported model does not load: " + e.getMessage());
        }
        if (!Double.isNaN(releasedAccuracy) && accuracy < releasedAccuracy - config.releaseMargin()) {
            return refuse(String.format(Locale.ROOT, "holdout accuracy %.4f is more than %.3f below the released v%d's %.4f",
                    accuracy, config.releaseMargin(), releasedVersion, releasedAccuracy));
        }
        boolean supervised = config.engine().mode() == MeanTeacherConfig.Mode.SUPERVISED;
        try {
            ModelRelease.Builder release = ModelRelease.newBuilder().setName(config.modelName()).setVersion(version)
                    .setCreatedTime(provenance.created()).setTrainerStep(engine.steps()).setSha256(OnnxScorer.sha256(onnx))
                    .setInputShape(List.of(config.input().channels(), config.input().height(), config.input().width()))
                    .setNormalisation(Normalisation.newBuilder().setMean(floats(config.input().mean())).setStd(floats(config.input().std()))
                            .setResize(config.input().resize().name()).build())
                    .setClassNames(config.classNames())
                    .setMetrics(Map.of("holdoutAccuracy", accuracy, "holdoutSize", (double) holdout.size(),
                            "labeledPool", (double) pool.trainingSize(), "supervised", supervised ? 1.0 : 0.0));
            if (onnx.length <= config.releaseInlineLimit()) {
                release.setOnnx(ByteBuffer.wrap(onnx));
            } else {
                release.setUri(store(version, onnx));
            }
            byte[] value = topics.models().valueSerde().serializer().serialize(topics.models().name(), release.build());
            String key = Topics.modelKey(config.modelName(), version);
            producer.send(new ProducerRecord<>(topics.models().name(), key.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (Exception e) {
            return refuse("publishing failed: " + e.getMessage());
        }
        releasedVersion = version;
        releasedAccuracy = accuracy;
        releases.inc();
        versionGauge.set(version);
        accuracyGauge.set(accuracy);
        log.info("released {} v{} at step {}: holdout accuracy {} on {} images, {} bytes", config.modelName(), version,
                engine.steps(), String.format(Locale.ROOT, "%.4f", accuracy), holdout.size(), onnx.length);
        return true;
    }

    private boolean refuse(String reason) {
        failures.inc();
        log.warn("release skipped: {}", reason);
        return false;
    }

    private static double probeDifference(MeanTeacherEngine engine, OnnxScorer scorer, float[] x, int n) throws OnnxModelException {
        OnnxScorer.Scores scores = scorer.score(x, n);
        try (NDManager manager = engine.newManager()) {
            int[] shape = engine.spec().inputShape();
            NDArray input = manager.create(x, new Shape(n, shape[0], shape[1], shape[2]));
            float[] djl = engine.predictLogits(true, input).toFloatArray();
            double max = 0;
            for (int i = 0; i < djl.length; i++) {
                max = Math.max(max, Math.abs(djl[i] - scores.logits()[i]));
            }
            return max;
        }
    }

    private static double accuracy(OnnxScorer scorer, List<LabeledPool.Example> examples, int size) throws OnnxModelException {
        int correct = 0;
        for (int from = 0; from < examples.size(); from += 256) {
            int n = Math.min(256, examples.size() - from);
            float[] x = new float[n * size];
            for (int i = 0; i < n; i++) {
                System.arraycopy(examples.get(from + i).chw(), 0, x, i * size, size);
            }
            OnnxScorer.Scores scores = scorer.score(x, n);
            for (int i = 0; i < n; i++) {
                if (scores.argMax(i) == examples.get(from + i).classIndex()) {
                    correct++;
                }
            }
        }
        return (double) correct / examples.size();
    }

    private String store(long version, byte[] onnx) throws IOException {
        Files.createDirectories(config.modelStore());
        Path target = config.modelStore().resolve(String.format(Locale.ROOT, "%s-v%06d.onnx",
                config.modelName().replaceAll("[^A-Za-z0-9_-]", "_"), version)).toAbsolutePath();
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, onnx);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target.toUri().toString();
    }

    private static List<Float> floats(float[] a) {
        List<Float> out = new ArrayList<>();
        for (float f : a) {
            out.add(f);
        }
        return out;
    }

    /** Released version and accuracy, for checkpoints. */
    synchronized byte[] state() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(releasedVersion);
            out.writeDouble(releasedAccuracy);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    synchronized void restoreState(byte[] state) throws IOException {
        if (state.length == 0) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            long version = in.readLong();
            double accuracy = in.readDouble();
            if (version > releasedVersion) {
                releasedVersion = version;
                releasedAccuracy = accuracy;
            }
        }
    }
}
