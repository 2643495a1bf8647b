package io.meanstream.streams.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.meanstream.data.FashionMnist;
import io.meanstream.image.TensorSpec;
import io.meanstream.onnx.ModelProvenance;
import io.meanstream.onnx.OnnxScorer;
import io.meanstream.schema.ModelRelease;
import io.meanstream.schema.Normalisation;
import io.meanstream.trainer.engine.MeanTeacherConfig;
import io.meanstream.trainer.engine.MeanTeacherEngine;
import io.meanstream.trainer.export.OnnxExporter;
import io.meanstream.trainer.model.NetworkSpec;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading, verifying and hot-swapping real exported models. */
class ModelServingTest {

    static byte[] v1;
    static byte[] v2;
    static final ModelLoader LOADER = new ModelLoader(1, new ExecutionProvider(ExecutionProvider.Kind.CPU, 0), 4);

    @BeforeAll
    static void export() {
        NetworkSpec spec = NetworkSpec.convNet(1, 28, 28, 10, 4, 0.3f, false);
        try (MeanTeacherEngine engine = new MeanTeacherEngine(MeanTeacherConfig.builder().widthFactor(4).build(), spec,
                new float[] {-0.81f}, Device.cpu())) {
            v1 = OnnxExporter.export(engine.teacher(), provenance(1));
            v2 = OnnxExporter.export(engine.teacher(), provenance(2));
        }
    }

    static ModelProvenance provenance(long version) {
        return new ModelProvenance("fmnist", version, 10 * version, Instant.now(), "convnet-w4", FashionMnist.CLASS_NAMES,
                TensorSpec.fashionMnist(), 0, 0, Map.of(), "0", Map.of());
    }

    static ModelRelease release(long version, byte[] onnx, String uri, String sha) {
        return ModelRelease.newBuilder().setName("fmnist").setVersion(version).setCreatedTime(Instant.now()).setTrainerStep(1)
                .setOnnx(uri == null ? ByteBuffer.wrap(onnx) : null).setUri(uri).setSha256(sha).setInputShape(List.of(1, 28, 28))
                .setNormalisation(Normalisation.newBuilder().setMean(List.of(0.286f)).setStd(List.of(0.353f)).build())
                .setClassNames(FashionMnist.CLASS_NAMES).build();
    }

    @Test
    void loadsInlineAndFileModelsAndRefusesBadOnes(@TempDir Path dir) throws Exception {
        try (OnnxScorer inline = LOADER.load(release(1, v1, null, OnnxScorer.sha256(v1)))) {
            assertEquals(1, inline.provenance().version());
        }
        Path file = dir.resolve("fmnist-v2.onnx");
        Files.write(file, v2);
        try (OnnxScorer fromFile = LOADER.load(release(2, null, file.toUri().toString(), OnnxScorer.sha256(v2)))) {
            assertEquals(2, fromFile.provenance().version());
        }
        ModelRefusedException sha = assertThrows(ModelRefusedException.class, () -> LOADER.load(release(1, v1, null, OnnxScorer.sha256(v2))));
        assertTrue(sha.getMessage().contains("SHA-256"), sha.getMessage());
        ModelRefusedException mismatch = assertThrows(ModelRefusedException.class, () -> LOADER.load(release(3, v1, null, OnnxScorer.sha256(v1))));
        assertTrue(mismatch.getMessage().contains("its metadata says fmnist v1"), mismatch.getMessage());
        byte[] truncated = java.util.Arrays.copyOf(v1, v1.length / 2);
        ModelRefusedException corrupt = assertThrows(ModelRefusedException.class, () -> LOADER.load(release(1, truncated, null, OnnxScorer.sha256(truncated))));
        assertTrue(corrupt.getMessage().contains("Cannot load ONNX model"), corrupt.getMessage());
        ModelRefusedException missing = assertThrows(ModelRefusedException.class,
                () -> LOADER.load(release(2, null, dir.resolve("gone.onnx").toUri().toString(), "00")));
        assertTrue(missing.getMessage().contains("cannot read"), missing.getMessage());
    }

    @Test
    void swapsUnderLoadWithoutEverScoringOnAClosedSession() throws Exception {
        ModelHolder holder = new ModelHolder();
        assertNull(holder.acquire(), "no model yet");
        List<OnnxScorer> all = new ArrayList<>();
        OnnxScorer first = LOADER.load(release(1, v1, null, OnnxScorer.sha256(v1)));
        all.add(first);
        holder.swap(first);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger batches = new AtomicInteger();
        List<Thread> scorers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread thread = new Thread(() -> {
                float[] x = new float[8 * 784];
                while (running.get()) {
                    try (ModelHolder.Lease lease = holder.acquire()) {
                        lease.scorer().score(x, 8);
                        batches.incrementAndGet();
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }
            });
            thread.start();
            scorers.add(thread);
        }
        for (int i = 0; i < 12; i++) {
            byte[] bytes = i % 2 == 0 ? v2 : v1;
            OnnxScorer next = LOADER.load(release(i % 2 == 0 ? 2 : 1, bytes, null, OnnxScorer.sha256(bytes)));
            all.add(next);
            long before = batches.get();
            holder.swap(next);
            // Let the scorers run a few batches on this model before the next swap.
            Awaitility.await("batches after swap " + i).atMost(Duration.ofSeconds(30)).until(() -> failure.get() != null || batches.get() >= before + 3);
        }
        running.set(false);
        for (Thread t : scorers) {
            t.join();
        }
        assertNull(failure.get(), () -> "scoring failed during swaps: " + failure.get());
        assertTrue(batches.get() > 12, "batches ran during the swaps: " + batches.get());
        // Every replaced model has been closed; only the current one still scores.
        for (int i = 0; i < all.size() - 1; i++) {
            OnnxScorer old = all.get(i);
            assertThrows(Exception.class, () -> old.score(new float[784], 1), "model " + i + " should be closed");
        }
        try (ModelHolder.Lease lease = holder.acquire()) {
            assertEquals(1, lease.scorer().score(new float[784], 1).n());
        }
        holder.close();
        assertThrows(Exception.class, () -> all.get(all.size() - 1).score(new float[784], 1));
    }

    @Test
    void followsTheNewestOrAPinnedVersion() {
        ModelSelection newest = ModelSelection.followNewest("fmnist");
        assertTrue(newest.wants(release(3, v1, null, "x"), 2));
        assertFalse(newest.wants(release(2, v1, null, "x"), 2));
        assertFalse(newest.wants(release(1, v1, null, "x"), 2), "never back to an older version when following");
        ModelRelease other = release(9, v1, null, "x");
        other.setName("other-model");
        assertFalse(newest.wants(other, 2), "other model names are ignored");
        ModelSelection pinned = new ModelSelection("fmnist", 2);
        assertTrue(pinned.wants(release(2, v1, null, "x"), 5), "rollback to the pinned version");
        assertFalse(pinned.wants(release(6, v1, null, "x"), 2), "newer versions are ignored while pinned");
    }

    @Test
    void cudaIsRefusedAtStartWhereItCannotRunAndAutoFallsBack() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ExecutionProvider.resolve("cuda", () -> { }));
        assertTrue(e.getMessage().startsWith("CUDA execution provider 0 is not available"), e.getMessage());
        AtomicBoolean fellBack = new AtomicBoolean();
        assertEquals(ExecutionProvider.Kind.CPU, ExecutionProvider.resolve("auto", () -> fellBack.set(true)).kind());
        assertTrue(fellBack.get());
        assertEquals(ExecutionProvider.Kind.CPU, ExecutionProvider.resolve("cpu", () -> { }).kind());
        assertThrows(IllegalArgumentException.class, () -> ExecutionProvider.resolve("tpu", () -> { }));
    }

}
