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
import io.meanstream.ops.Meters;
import io.meanstream.ops.SettableGauge;
import io.meanstream.schema.Image;
import io.meanstream.schema.ModelRelease;
import io.meanstream.schema.Normalisation;
import io.meanstream.serde.FingerprintSchemaStore;
import io.meanstream.trainer.engine.MeanTeacherConfig;
import io.meanstream.trainer.engine.MeanTeacherEngine;
import io.meanstream.trainer.export.OnnxExporter;
import io.meanstream.trainer.gate.PairedComparison;
import io.meanstream.trainer.gate.ReleaseGate;
import io.meanstream.trainer.stream.LabeledPool;
import io.micrometer.core.instrument.Counter;
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
import java.util.EnumMap;
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
 * DJL's teacher on a probe batch (max |difference| of logits below 1e-4), and the {@link ReleaseGate} does
 * not show it worse than the best released model.
 *
 * <p>The comparison is paired: the candidate and the best released model (its ONNX bytes kept in memory,
 * and on restart read back from the models topic) are both scored now, by ONNX Runtime, on the same
 * evidence, so neither is judged by an old score on other images. The evidence is every image neither has
 * trained on: the holdout (which grows as labels arrive) plus the training-side labels held back since the
 * last attempt ({@link LabeledPool#holdBackNewLabels}): test-then-train, each new label judges both models
 * once and is trained on right after. Held-back labels are the only prequential evidence that is fair to
 * both: a label that arrived after the best model's release but was already trained on would favour the
 * candidate, and the labeled pool is cycled through within a few steps, so by release time nearly every
 * such label has been.
 *
 * <p>"Best" is the released model with the higher accuracy on the evidence of the last attempt: a released
 * candidate replaces it only when at least as accurate (ties go to the newer model), so a series of
 * releases each slightly worse than the last cannot slide accuracy down; every candidate faces the best.
 * Versions are strictly increasing per model name: on start the highest version on the models topic and in
 * the checkpoint is taken. Failed gates are logged, counted and skipped.
 */
final class Releaser {

    private static final Logger log = LoggerFactory.getLogger(Releaser.class);
    static final double PROBE_TOLERANCE = 1e-4;
    private static final int STATE_FORMAT = 2;

    private final TrainerConfig config;
    private final Topics topics;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Counter releases;
    private final Counter failures;
    private final Map<ReleaseGate.Decision, Counter> decisions = new EnumMap<>(ReleaseGate.Decision.class);
    private final SettableGauge versionGauge;
    private final SettableGauge accuracyGauge;
    private final SettableGauge bestVersionGauge;
    private final SettableGauge evidenceGauge;
    private final SettableGauge heldBackGauge;
    private final SettableGauge diffGauge;
    private final SettableGauge diffLowGauge;
    private final SettableGauge diffHighGauge;
    private final SettableGauge pValueGauge;
    private long releasedVersion;
    private long bestVersion;
    private byte[] bestOnnx;

    Releaser(TrainerConfig config, Topics topics, KafkaProducer<byte[], byte[]> producer, Meters meters) {
        this.config = config;
        this.topics = topics;
        this.producer = producer;
        this.releases = meters.counter("trainer.releases", "Models released");
        this.failures = meters.counter("trainer.release.failures", "Releases refused by a gate or failed");
        decisions.put(ReleaseGate.Decision.RELEASE, meters.counter("trainer.release.gate.released",
                "Candidates the release gate passed: not shown worse than the best released model"));
        decisions.put(ReleaseGate.Decision.REFUSE, meters.counter("trainer.release.gate.refused",
                "Candidates the release gate refused: worse than the best released model with the stated confidence"));
        decisions.put(ReleaseGate.Decision.INSUFFICIENT, meters.counter("trainer.release.gate.insufficient",
                "Candidates passed for insufficient evidence (or no released model to compare with)"));
        this.versionGauge = meters.gauge("trainer.released.version", "Version of the newest released model");
        this.accuracyGauge = meters.gauge("trainer.holdout.accuracy", "Holdout accuracy of the newest released model");
        this.bestVersionGauge = meters.gauge("trainer.release.gate.best.version", "Version of the best released model, which candidates face");
        this.evidenceGauge = meters.gauge("trainer.release.gate.evidence", "Images of the last gate comparison (holdout + held-back labels)");
        this.heldBackGauge = meters.gauge("trainer.release.gate.held.back", "Held-back new labels among them");
        this.diffGauge = meters.gauge("trainer.release.gate.diff", "Candidate minus best accuracy on the evidence, last comparison");
        this.diffLowGauge = meters.gauge("trainer.release.gate.diff.low", "Lower confidence bound of that difference");
        this.diffHighGauge = meters.gauge("trainer.release.gate.diff.high", "Upper confidence bound of that difference");
        this.pValueGauge = meters.gauge("trainer.release.gate.p.value", "Exact McNemar p-value that the candidate is worse, last comparison");
    }

    synchronized long releasedVersion() {
        return releasedVersion;
    }

    /** Version of the best released model; 0 when there is none to compare with. */
    synchronized long bestVersion() {
        return bestVersion;
    }

    synchronized boolean hasBest() {
        return bestOnnx != null;
    }

    /**
     * Reads the models topic for the highest version of this model name and the best model's bytes: the
     * checkpoint's best version when the topic still has it, else the newest release.
     */
    void recoverVersions(KafkaClientConfig kafka, long step) {
        long wanted = bestVersion();
        ModelRelease[] newest = new ModelRelease[1];
        ModelRelease[] best = new ModelRelease[1];
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumer(null, "meanstream-trainer-versions"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = TopicHistory.assignFromBeginning(consumer, topics.models().name());
            TopicHistory.readToEnd(consumer, partitions, Duration.ofSeconds(60), () -> false, r -> {
                try {
                    ModelRelease m = topics.models().valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (m != null && m.getName().equals(config.modelName())) {
                        if (newest[0] == null || m.getVersion() > newest[0].getVersion()) {
                            newest[0] = m;
                        }
                        if (m.getVersion() == wanted) {
                            best[0] = m;
                        }
                    }
                } catch (RuntimeException e) {
                    log.warn("unreadable record on {} at {}: {}", r.topic(), r.offset(), e.getMessage());
                }
            });
        }
        synchronized (this) {
            if (newest[0] != null) {
                releasedVersion = Math.max(releasedVersion, newest[0].getVersion());
                accuracyGauge.set(newest[0].getMetrics().getOrDefault("holdoutAccuracy", Double.NaN));
            }
            ModelRelease chosen = best[0] != null ? best[0] : newest[0];
            bestVersion = 0;
            bestOnnx = null;
            if (chosen != null) {
                try {
                    bestOnnx = ReleasedModel.bytes(chosen);
                    bestVersion = chosen.getVersion();
                } catch (IOException e) {
                    log.warn("cannot read the bytes of {} v{} to compare candidates with: {}", chosen.getName(), chosen.getVersion(),
                            e.getMessage());
                }
            }
            versionGauge.set(releasedVersion);
            bestVersionGauge.set(bestVersion);
            log.info("model {}: released version so far {}, best model v{}, resuming at step {}", config.modelName(), releasedVersion,
                    bestVersion, step);
        }
    }

    /** Exports the teacher and releases it if it passes the gates; returns true when released. */
    synchronized boolean tryRelease(MeanTeacherEngine engine, LabeledPool pool, Map<Integer, Long> imagePositions) {
        List<LabeledPool.Example> heldBack = pool.admitHeldBack(); // trained on from now: the candidate below has not seen them
        List<LabeledPool.Example> holdout = pool.holdoutExamples();
        List<LabeledPool.Example> evidence = new ArrayList<>(holdout);
        evidence.addAll(heldBack);
        // No labeled image to judge it on yet (few labels, none fell in the holdout): the gate cannot refuse it, so it
        // is released as insufficient evidence rather than leaving the stream without a model; training images then
        // serve only the ONNX-against-DJL probe.
        List<LabeledPool.Example> probeSource = evidence.isEmpty() ? pool.trainingExamples(32) : evidence;
        if (probeSource.isEmpty()) {
            return refuse("no labeled images yet");
        }
        long version = releasedVersion + 1;
        Map<String, Long> offsets = new HashMap<>();
        imagePositions.forEach((p, o) -> offsets.put(topics.images().name() + "-" + p, o));
        ModelProvenance provenance = new ModelProvenance(config.modelName(), version, engine.steps(), Instant.now(),
                engine.spec().architecture(), config.classNames(), config.input(), engine.steps() * config.engine().labeledBatchSize(),
                engine.steps() * config.engine().unlabeledBatchSize(), offsets,
                FingerprintSchemaStore.fingerprintHex(Image.getClassSchema()), Map.of(), config.engine().mode().label());
        byte[] onnx = OnnxExporter.export(engine.teacher(), provenance);
        int size = config.input().channels() * config.input().height() * config.input().width();
        boolean[] candidateCorrect;
        try (OnnxScorer scorer = OnnxScorer.load(onnx, 1)) {
            int probe = Math.min(32, probeSource.size());
            float[] x = new float[probe * size];
            for (int i = 0; i < probe; i++) {
                System.arraycopy(probeSource.get(i).chw(), 0, x, i * size, size);
            }
            double diff = probeDifference(engine, scorer, x, probe);
            if (!(diff <= PROBE_TOLERANCE)) {
                return refuse(String.format(Locale.ROOT, "ONNX and DJL disagree on the probe batch: max |logit difference| %.3g", diff));
            }
            candidateCorrect = correct(scorer, evidence, size);
        } catch (OnnxModelException e) {
            return refuse("the exported model does not load: " + e.getMessage());
        }
        ReleaseGate.Verdict verdict = judge(evidence, candidateCorrect, size);
        record(verdict, evidence.size(), heldBack.size());
        if (!verdict.released()) {
            return refuse("v" + version + " " + verdict.reason() + " (best v" + bestVersion + ")");
        }
        double holdoutAccuracy = holdout.isEmpty() ? Double.NaN : (double) count(candidateCorrect, holdout.size()) / holdout.size();
        try {
            ModelRelease.Builder release = ModelRelease.newBuilder().setName(config.modelName()).setVersion(version)
                    .setCreatedTime(provenance.created()).setTrainerStep(engine.steps()).setSha256(OnnxScorer.sha256(onnx))
                    .setInputShape(List.of(config.input().channels(), config.input().height(), config.input().width()))
                    .setNormalisation(Normalisation.newBuilder().setMean(floats(config.input().mean())).setStd(floats(config.input().std()))
                            .setResize(config.input().resize().name()).build())
                    .setClassNames(config.classNames())
                    .setMetrics(releaseMetrics(verdict, holdoutAccuracy, holdout.size(), heldBack.size(), pool.trainingSize(),
                            (double) count(candidateCorrect, candidateCorrect.length) / candidateCorrect.length));
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
        long previousBest = bestVersion;
        releasedVersion = version;
        if (verdict.comparison() == null || verdict.comparison().diff() >= 0) {
            bestVersion = version;
            bestOnnx = onnx;
        }
        releases.increment();
        versionGauge.set(version);
        accuracyGauge.set(holdoutAccuracy);
        bestVersionGauge.set(bestVersion);
        log.info("released {} v{} at step {} ({}): holdout accuracy {} on {} images, {} bytes; gate against v{}: {}; best is now v{}",
                config.modelName(), version, engine.steps(), config.engine().mode().label(),
                String.format(Locale.ROOT, "%.4f", holdoutAccuracy), holdout.size(), onnx.length, previousBest, verdict.reason(), bestVersion);
        return true;
    }

    /** The gate's verdict on the candidate against the best model, both scored now on the same evidence. */
    private ReleaseGate.Verdict judge(List<LabeledPool.Example> evidence, boolean[] candidateCorrect, int size) {
        if (bestOnnx == null) {
            return config.releaseGate().withoutBest(evidence.size());
        }
        try (OnnxScorer best = OnnxScorer.load(bestOnnx, 1)) {
            return config.releaseGate().judge(correct(best, evidence, size), candidateCorrect);
        } catch (OnnxModelException e) {
            log.warn("the best model v{} no longer loads, candidates are released without comparison: {}", bestVersion, e.getMessage());
            bestOnnx = null;
            bestVersion = 0;
            return config.releaseGate().withoutBest(evidence.size());
        }
    }

    private void record(ReleaseGate.Verdict verdict, int evidence, int heldBack) {
        decisions.get(verdict.decision()).increment();
        evidenceGauge.set(evidence);
        heldBackGauge.set(heldBack);
        PairedComparison c = verdict.comparison();
        diffGauge.set(c == null ? Double.NaN : c.diff());
        diffLowGauge.set(c == null ? Double.NaN : c.diffLow());
        diffHighGauge.set(c == null ? Double.NaN : c.diffHigh());
        pValueGauge.set(c == null ? Double.NaN : c.pValue());
    }

    private Map<String, Double> releaseMetrics(ReleaseGate.Verdict verdict, double holdoutAccuracy, int holdoutSize, int heldBack,
                                               int labeledPool, double evidenceAccuracy) {
        Map<String, Double> m = new HashMap<>();
        m.put("holdoutAccuracy", holdoutAccuracy);
        m.put("holdoutSize", (double) holdoutSize);
        m.put("labeledPool", (double) labeledPool);
        m.put("supervised", config.engine().mode() == MeanTeacherConfig.Mode.SUPERVISED ? 1.0 : 0.0);
        m.put("gateInsufficient", verdict.decision() == ReleaseGate.Decision.INSUFFICIENT ? 1.0 : 0.0);
        m.put("gateBestVersion", (double) bestVersion);
        m.put("gateHeldBack", (double) heldBack);
        m.put("gateAccuracy", evidenceAccuracy);
        PairedComparison c = verdict.comparison();
        m.put("gateEvidence", (double) (c == null ? holdoutSize + heldBack : c.evidence()));
        if (c != null) {
            m.put("gateDiscordant", (double) c.discordant());
            m.put("gateDiff", c.diff());
            m.put("gateDiffLow", c.diffLow());
            m.put("gateDiffHigh", c.diffHigh());
            m.put("gatePValue", c.pValue());
        }
        return m;
    }

    private boolean refuse(String reason) {
        failures.increment();
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

    /** Per example, whether the model's top class is its label. */
    private static boolean[] correct(OnnxScorer scorer, List<LabeledPool.Example> examples, int size) throws OnnxModelException {
        boolean[] out = new boolean[examples.size()];
        for (int from = 0; from < examples.size(); from += 256) {
            int n = Math.min(256, examples.size() - from);
            float[] x = new float[n * size];
            for (int i = 0; i < n; i++) {
                System.arraycopy(examples.get(from + i).chw(), 0, x, i * size, size);
            }
            OnnxScorer.Scores scores = scorer.score(x, n);
            for (int i = 0; i < n; i++) {
                out[from + i] = scores.argMax(i) == examples.get(from + i).classIndex();
            }
        }
        return out;
    }

    /** How many of the first {@code n} are true. */
    private static int count(boolean[] correct, int n) {
        int c = 0;
        for (int i = 0; i < n; i++) {
            c += correct[i] ? 1 : 0;
        }
        return c;
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

    /**
     * Released and best version, for checkpoints: a format number, then both versions. A 16-byte state
     * (version, accuracy) holds the released version only.
     */
    synchronized byte[] state() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(STATE_FORMAT);
            out.writeLong(releasedVersion);
            out.writeLong(bestVersion);
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
            if (state.length == 16) {
                releasedVersion = Math.max(releasedVersion, in.readLong());
                return;
            }
            int format = in.readInt();
            if (format != STATE_FORMAT) {
                throw new IOException("unknown releaser state format " + format);
            }
            releasedVersion = Math.max(releasedVersion, in.readLong());
            bestVersion = in.readLong();
        }
    }
}
