package io.meanstream.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.meanstream.trainer.data.TrainingBatch;
import io.meanstream.trainer.model.NetworkSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine on a small real network: real DJL/PyTorch forward, backward and updates. */
class MeanTeacherEngineTest {

    static final NetworkSpec SMALL = NetworkSpec.convNet(1, 12, 12, 5, 4, 0.2f, false);
    static final float[] PAD = {-0.8f};

    static MeanTeacherConfig.Builder config() {
        return MeanTeacherConfig.builder().batchSize(16).labeledBatchSize(4).consistencyWeight(10f)
                .consistencyRampupSteps(0).lrWarmupSteps(0).lrSchedule(MeanTeacherConfig.LrSchedule.CONSTANT)
                .learningRate(0.05f).emaDecay(0.99f).widthFactor(4).seed(7);
    }

    static TrainingBatch batch(NDManager manager, int seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[16 * 144];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        long[] y = {0, 1, 2, 3};
        return new TrainingBatch(manager.create(x, new Shape(16, 1, 12, 12)), manager.create(y), 4);
    }

    static List<float[]> snapshot(List<Parameter> params) {
        List<float[]> out = new ArrayList<>();
        params.forEach(p -> out.add(p.getArray().toFloatArray()));
        return out;
    }

    static List<Parameter> trainable(io.meanstream.trainer.model.MeanTeacherNet net, boolean trainable) {
        return net.getParameters().values().stream().filter(p -> isRunningStat(p) != trainable).toList();
    }

    static boolean isRunningStat(Parameter p) {
        return p.getName().startsWith("running");
    }

    @Test
    void teacherIsExactlyTheEmaOfTheStudentAfterEachStep() {
        // Decay 0.4 during a 2-step ramp-up, 0.7 after it: step 1 is capped by the early decay, step 2 is the plain
        // average 1 - 1/3, step 3 is capped by the late decay.
        MeanTeacherConfig c = config().consistencyRampupSteps(2).emaDecay(0.4f).emaDecayAfterRampup(0.7f).build();
        double[] alphas = {0.4f, 1 - 1.0 / 3, 0.7f};
        try (MeanTeacherEngine engine = new MeanTeacherEngine(c, SMALL, PAD, Device.cpu());
             NDManager m = engine.newManager()) {
            TrainingBatch b = batch(m, 1);
            for (int step = 1; step <= 3; step++) {
                List<float[]> teacherBefore = snapshot(trainable(engine.teacher(), true));
                StepStats stats = engine.step(b);
                List<float[]> studentAfter = snapshot(trainable(engine.student(), true));
                List<float[]> teacherAfter = snapshot(trainable(engine.teacher(), true));
                double alpha = alphas[step - 1];
                assertEquals(alpha, stats.emaAlpha(), 1e-7);
                for (int i = 0; i < teacherAfter.size(); i++) {
                    for (int j = 0; j < teacherAfter.get(i).length; j++) {
                        double expected = alpha * teacherBefore.get(i)[j] + (1 - alpha) * studentAfter.get(i)[j];
                        assertEquals(expected, teacherAfter.get(i)[j], 1e-6, "parameter " + i + "[" + j + "] at step " + step);
                    }
                }
            }
        }
    }

    @Test
    void noGradientEverReachesTheTeacher() {
        try (MeanTeacherEngine engine = new MeanTeacherEngine(config().build(), SMALL, PAD, Device.cpu());
             NDManager m = engine.newManager()) {
            engine.step(batch(m, 1));
            for (Parameter p : engine.teacher().getParameters().values()) {
                assertFalse(p.requiresGradient(), p.getName() + " of the teacher is trainable");
                assertFalse(p.getArray().hasGradient(), p.getName() + " of the teacher has a gradient");
            }
            assertTrue(engine.student().getParameters().values().stream()
                    .filter(p -> !isRunningStat(p)).allMatch(p -> p.getArray().hasGradient()));
        }
    }

    /** The first BatchNorm layer's running variance of the teacher after one step: a function of its input only. */
    static float[] teacherInputStatistics(MeanTeacherConfig config) {
        try (MeanTeacherEngine engine = new MeanTeacherEngine(config, SMALL, PAD, Device.cpu());
             NDManager m = engine.newManager()) {
            engine.step(batch(m, 1));
            return trainable(engine.teacher(), false).stream().filter(p -> p.getName().equals("runningVar")).findFirst()
                    .orElseThrow().getArray().toFloatArray();
        }
    }

    @Test
    void weakTeacherInputKeepsNoiseAndCutoutOffTheTeacher() {
        MeanTeacherConfig.Builder base = config().translatePixels(0).horizontalFlip(false);
        float[] clean = teacherInputStatistics(base.inputNoiseStd(0f).cutoutPixels(0).build());
        float[] weak = teacherInputStatistics(base.inputNoiseStd(2f).cutoutPixels(4).weakTeacherInput(true).build());
        float[] same = teacherInputStatistics(base.inputNoiseStd(2f).cutoutPixels(4).weakTeacherInput(false).build());
        assertArrayEquals(clean, weak, 1e-6f, "with weak teacher input the teacher saw the clean batch");
        assertFalse(java.util.Arrays.equals(clean, same), "without it the teacher sees the noisy, cut-out copy");
    }

    @Test
    void teacherKeepsItsOwnBatchNormStatistics() {
        try (MeanTeacherEngine engine = new MeanTeacherEngine(config().build(), SMALL, PAD, Device.cpu());
             NDManager m = engine.newManager()) {
            List<float[]> before = snapshot(trainable(engine.teacher(), false));
            engine.step(batch(m, 1));
            engine.step(batch(m, 2));
            List<float[]> teacherStats = snapshot(trainable(engine.teacher(), false));
            List<float[]> studentStats = snapshot(trainable(engine.student(), false));
            assertEquals(2 * 6, teacherStats.size(), "mean and variance of six BatchNorm layers");
            boolean changed = false;
            boolean differsFromStudent = false;
            for (int i = 0; i < teacherStats.size(); i++) {
                changed |= !java.util.Arrays.equals(before.get(i), teacherStats.get(i));
                differsFromStudent |= !java.util.Arrays.equals(studentStats.get(i), teacherStats.get(i));
            }
            assertTrue(changed, "the teacher's forward passes update its running statistics");
            assertTrue(differsFromStudent, "they are the teacher's own, not copies of the student's");
        }
    }

    @Test
    void consistencyCostIsNonZeroAndMovesTheStudent() {
        MeanTeacherConfig withConsistency = config().consistencyWeight(50f).build();
        MeanTeacherConfig without = config().consistencyWeight(0f).build();
        try (MeanTeacherEngine a = new MeanTeacherEngine(withConsistency, SMALL, PAD, Device.cpu());
             NDManager ma = a.newManager()) {
            StepStats stats = a.step(batch(ma, 1));
            List<float[]> studentWith = snapshot(trainable(a.student(), true));
            assertTrue(stats.consistencyLoss() > 1e-6, "consistency cost is " + stats.consistencyLoss());
            assertEquals(50.0, stats.consistencyWeight(), 0);
            assertEquals(stats.classLoss() + 50 * stats.consistencyLoss(), stats.totalLoss(), 1e-4);
            try (MeanTeacherEngine b = new MeanTeacherEngine(without, SMALL, PAD, Device.cpu());
                 NDManager mb = b.newManager()) {
                StepStats statsB = b.step(batch(mb, 1));
                assertEquals(stats.classLoss(), statsB.classLoss(), 1e-6, "same seed, same batch, same noise");
                List<float[]> studentWithout = snapshot(trainable(b.student(), true));
                double moved = 0;
                for (int i = 0; i < studentWith.size(); i++) {
                    for (int j = 0; j < studentWith.get(i).length; j++) {
                        moved = Math.max(moved, Math.abs(studentWith.get(i)[j] - studentWithout.get(i)[j]));
                    }
                }
                assertTrue(moved > 1e-6, "the consistency term changed the student's update by at most " + moved);
            }
        }
    }

    @Test
    void supervisedModeHasNoConsistencyTerm() {
        MeanTeacherConfig supervised = config().mode(MeanTeacherConfig.Mode.SUPERVISED).build();
        try (MeanTeacherEngine engine = new MeanTeacherEngine(supervised, SMALL, PAD, Device.cpu()); NDManager m = engine.newManager()) {
            TrainingBatch full = batch(m, 1);
            TrainingBatch labeledOnly = new TrainingBatch(full.images().get(":4"), full.labels(), 4);
            StepStats stats = engine.step(labeledOnly);
            assertEquals(0f, stats.consistencyLoss());
            assertEquals(0.0, stats.consistencyWeight());
            assertEquals(stats.classLoss(), stats.totalLoss(), 1e-6);
        }
    }

    @Test
    void twoHeadsAddTheLogitDistance() {
        NetworkSpec twoHeads = NetworkSpec.convNet(1, 12, 12, 5, 4, 0.2f, true);
        try (MeanTeacherEngine engine = new MeanTeacherEngine(config().twoHeads(true).logitDistanceCost(0.5f).build(), twoHeads, PAD, Device.cpu());
             NDManager m = engine.newManager()) {
            StepStats stats = engine.step(batch(m, 1));
            assertTrue(stats.logitDistance() > 0, "two independently initialised heads disagree");
            assertEquals(stats.classLoss() + 10 * stats.consistencyLoss() + 0.5f * stats.logitDistance(), stats.totalLoss(), 1e-4);
            assertEquals(2, engine.student().forward(new ai.djl.training.ParameterStore(m, false),
                    new ai.djl.ndarray.NDList(m.zeros(new Shape(2, 1, 12, 12))), false).size());
        }
    }

    @Test
    void stepsRunOnAnyThread() throws Exception {
        // PyTorch's grad mode is per thread; the trainer service trains on its own thread.
        try (MeanTeacherEngine engine = new MeanTeacherEngine(config().build(), SMALL, PAD, Device.cpu());
             NDManager m = engine.newManager()) {
            TrainingBatch b = batch(m, 1);
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    engine.step(b);
                    engine.predictLogits(true, b.images());
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.start();
            t.join();
            assertEquals(null, failure.get());
            assertEquals(1, engine.steps());
        }
    }

    @Test
    void stepsLeaveNoNativeArraysBehind() {
        try (MeanTeacherEngine engine = new MeanTeacherEngine(config().build(), SMALL, PAD, Device.cpu());
             NDManager m = engine.newManager()) {
            NDManager root = m;
            while (root.getParentManager() != null && root.getParentManager() != root) {
                root = root.getParentManager();
            }
            TrainingBatch b = batch(m, 1);
            for (int s = 0; s < 3; s++) {
                engine.step(b); // optimizer state is created on the first step
            }
            int before = root.getManagedArrays().size();
            for (int s = 0; s < 25; s++) {
                engine.step(b);
            }
            assertEquals(before, root.getManagedArrays().size(), "NDArrays alive after 25 more steps");
        }
    }

    @Test
    void sameSeedGivesTheSameRun() {
        float[][] losses = new float[2][];
        List<List<float[]>> finals = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (MeanTeacherEngine engine = new MeanTeacherEngine(config().build(), SMALL, PAD, Device.cpu());
                 NDManager m = engine.newManager()) {
                losses[run] = new float[3];
                for (int s = 0; s < 3; s++) {
                    losses[run][s] = engine.step(batch(m, s)).totalLoss();
                }
                finals.add(snapshot(engine.teacher().getParameters().values()));
            }
        }
        assertArrayEquals(losses[0], losses[1]);
        for (int i = 0; i < finals.get(0).size(); i++) {
            assertArrayEquals(finals.get(0).get(i), finals.get(1).get(i));
        }
    }

    @Test
    void augmenterTranslatesFlipsAndAddsNoiseOnTheWholeBatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            // One bright pixel at (row 5, col 5) of a 12x12 image on a padding-valued background.
            float[] img = new float[144];
            java.util.Arrays.fill(img, -0.8f);
            img[5 * 12 + 5] = 2f;
            NDArray x = m.create(img, new Shape(1, 1, 12, 12)).repeat(0, 64);
            NDArray shifted = new Augmenter(2, false, 0f, PAD).apply(x);
            float[] out = shifted.toFloatArray();
            java.util.Set<Integer> positions = new java.util.HashSet<>();
            for (int b = 0; b < 64; b++) {
                int brightAt = -1;
                int bright = 0;
                for (int i = 0; i < 144; i++) {
                    float v = out[b * 144 + i];
                    if (v > 1f) {
                        bright++;
                        brightAt = i;
                    } else {
                        assertEquals(-0.8f, v, 1e-5, "background and padding keep the black value");
                    }
                }
                assertEquals(1, bright, "a translation moves the pixel, it does not blur it");
                int dr = brightAt / 12 - 5;
                int dc = brightAt % 12 - 5;
                assertTrue(Math.abs(dr) <= 2 && Math.abs(dc) <= 2, "shift within 2 px: " + dr + "," + dc);
                positions.add(brightAt);
            }
            assertTrue(positions.size() > 10, "shifts differ per image: " + positions.size() + " distinct");
            // Flip only: the pixel lands on column 5 or its mirror 6.
            float[] flipped = new Augmenter(0, true, 0f, PAD).apply(x).toFloatArray();
            int mirrored = 0;
            for (int b = 0; b < 64; b++) {
                if (flipped[b * 144 + 5 * 12 + 6] > 1f) {
                    mirrored++;
                } else {
                    assertTrue(flipped[b * 144 + 5 * 12 + 5] > 1f);
                }
            }
            assertTrue(mirrored > 10 && mirrored < 54, "about half are flipped: " + mirrored);
            NDArray noisy = new Augmenter(0, false, 0.5f, PAD).apply(x);
            float std = noisy.sub(x).pow(2).mean().sqrt().getFloat();
            assertEquals(0.5f, std, 0.05f);
            assertEquals(DataType.FLOAT32, noisy.getDataType());
        }
    }

    @Test
    void cutoutErasesOneSquarePerImageToBlack() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(200, 1, 12, 12)).mul(2f);
            float[] out = new Augmenter(0, false, 0f, 4, PAD).apply(x).toFloatArray();
            int full = 0;
            long[] erasedAt = new long[144];
            for (int b = 0; b < 200; b++) {
                int minR = 99, maxR = -1, minC = 99, maxC = -1, erased = 0;
                for (int i = 0; i < 144; i++) {
                    float v = out[b * 144 + i];
                    if (v < 0) {
                        assertEquals(-0.8f, v, 1e-6, "erased to the black value");
                        erased++;
                        erasedAt[i]++;
                        minR = Math.min(minR, i / 12);
                        maxR = Math.max(maxR, i / 12);
                        minC = Math.min(minC, i % 12);
                        maxC = Math.max(maxC, i % 12);
                    } else {
                        assertEquals(2f, v, 1e-6, "outside the square the image is untouched");
                    }
                }
                assertTrue(erased >= 1 && erased <= 16, "one square of at most 4x4: " + erased);
                assertEquals((maxR - minR + 1) * (maxC - minC + 1), erased, "the erased pixels form a rectangle");
                if (erased == 16) {
                    full++;
                }
            }
            assertTrue(full > 50, "most squares lie fully inside: " + full);
            assertTrue(erasedAt[0] > 0 && erasedAt[143] > 0, "corners can be erased too");
        }
    }
}
