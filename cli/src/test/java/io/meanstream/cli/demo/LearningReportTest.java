package io.meanstream.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.cli.feed.DelayRange;
import io.meanstream.cli.feed.Feeder;
import io.meanstream.cli.feed.LabelPolicy;
import io.meanstream.data.LabeledImages;
import io.meanstream.schema.ModelRelease;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live learning benchmark's arithmetic and report, on hand-made runs. */
class LearningReportTest {

    static LearningRun.Result run(String mode, long seed, long steps, double... accuracies) {
        return run(mode, LabelPolicy.RANDOM, seed, steps, accuracies);
    }

    static LearningRun.Result run(String mode, LabelPolicy policy, long seed, long steps, double... accuracies) {
        List<ReleaseHistory.ReleasePoint> points = new java.util.ArrayList<>();
        for (int i = 0; i < accuracies.length; i++) {
            points.add(new ReleaseHistory.ReleasePoint("m", i + 1, (i + 1) * steps / accuracies.length, 2.0 * (i + 1), 20L * (i + 1), accuracies[i],
                    0.5, 10, 2.0 * (i + 1) + 0.1, Map.of()));
        }
        LearningRun.Spec spec = new LearningRun.Spec(mode, policy, 20, seed, 10, 50, DelayRange.parse("2s..30s"), 1, Map.of());
        List<Feeder.RequestedLabel> requested = policy == LabelPolicy.REQUESTED
                ? List.of(new Feeder.RequestedLabel("fmnist-train-00000", 1), new Feeder.RequestedLabel("fmnist-train-00001", 1),
                        new Feeder.RequestedLabel("fmnist-train-00002", 0), new Feeder.RequestedLabel("elsewhere-7", 2))
                : List.of();
        return new LearningRun.Result(spec, 30_000, 200, policy == LabelPolicy.REQUESTED ? 150 : 0, steps, points, 0.6, 150, List.of(10.0, 20.0, 30.0, 40.0), 3, 20,
                requested);
    }

    @Test
    void percentilesAndSpread() {
        assertEquals(20.0, LearningReport.percentile(List.of(40.0, 10.0, 30.0, 20.0), 0.5));
        assertEquals(40.0, LearningReport.percentile(List.of(40.0, 10.0, 30.0, 20.0), 0.95));
        assertTrue(Double.isNaN(LearningReport.percentile(List.of(), 0.5)));
        assertEquals(1.0, LearningReport.sd(List.of(1.0, 2.0, 3.0)), 1e-12);
        assertEquals(0.0, LearningReport.sd(List.of(5.0)));
    }

    @Test
    void summaryComparesTheModesAtTheSameLabelsAndAtEqualSteps(@TempDir Path dir) throws Exception {
        List<LearningRun.Result> results = List.of(
                run("mean-teacher", 1, 1000, 0.60, 0.70), run("supervised", 1, 3000, 0.55, 0.62, 0.66),
                run("mean-teacher", 2, 1000, 0.62, 0.74), run("supervised", 2, 3000, 0.50, 0.60, 0.64));
        String md = LearningReport.summary(results, "./meanstream bench-learning --seeds 1,2", "x.png");
        assertTrue(md.contains("| 20 | mean-teacher | 0.7200 ± 0.0283 | 0.7000 / 0.7400 |"), md);
        // newest releases: 0.70 - 0.66 and 0.74 - 0.64; at equal steps supervised's v1 (step 1,000): 0.70 - 0.55 and 0.74 - 0.50
        assertTrue(md.contains("+7.00 ± 4.24 points (+4.00 / +10.00)"), md);
        assertTrue(md.contains("+19.50 ± 6.36 points (+15.00 / +24.00)"), md);
        assertTrue(md.contains("| 20 / 40 (8 / 6) |"), md);
        List<Path> files = LearningReport.write(dir, "t", results, "cmd", images(3));
        BufferedImage png = ImageIO.read(files.get(0).toFile());
        assertEquals(1600, png.getWidth());
        assertTrue(Files.readString(files.get(1)).startsWith("Command: `cmd`"));
    }

    @Test
    void summaryComparesRequestedWithRandomLabelsForMeanTeacher(@TempDir Path dir) throws Exception {
        List<LearningRun.Result> results = List.of(
                run("mean-teacher", 1, 1000, 0.70), run("mean-teacher", LabelPolicy.REQUESTED, 1, 1000, 0.72, 0.75),
                run("mean-teacher", 2, 1000, 0.72), run("mean-teacher", LabelPolicy.REQUESTED, 2, 1000, 0.60, 0.71));
        String md = LearningReport.summary(results, "cmd", "x.png");
        assertTrue(md.contains("| 20 | mean-teacher + requested labels | 0.7300 ± 0.0283 |"), md);
        // seed 1 reached 0.70 with its first release (20 labels given); seed 2's 0.71 never reached 0.72
        assertTrue(md.contains("| 20 | +2.00 ± 4.24 points (+5.00 / -1.00) | 150 of 200 / 150 of 200 | 20 of 200 (10 %) / not reached |"), md);

        List<Path> files = LearningReport.write(dir, "r", results, "cmd", images(3));
        assertEquals(List.of("r.png", "r-requested.png", "r.md"), files.stream().map(f -> f.getFileName().toString()).toList());
        String written = Files.readString(files.get(2));
        assertTrue(written.contains("| 20, seed 1 | 4 | 1 | 2 | 1 |"), written);
        BufferedImage sheet = ImageIO.read(files.get(1).toFile());
        assertEquals(10 * (28 * 3 + 4), sheet.getWidth());
        assertEquals(1 * (28 * 3 + 12 + 6), sheet.getHeight(), "4 images: one row");
        // the second image is all white (255), captioned; the fourth id is not a training image: left blank
        assertEquals(0xFFFFFF, sheet.getRGB((28 * 3 + 4) + 2 + 40, 2 + 40) & 0xFFFFFF);
        assertEquals(0x000000, sheet.getRGB(2 + 40, 2 + 40) & 0xFFFFFF);
    }

    /** {@code n} 28x28 gray images of three classes: image i is filled with the value 255 * (i % 2). */
    static LabeledImages images(int n) {
        byte[] pixels = new byte[n * 28 * 28];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(pixels, i * 784, (i + 1) * 784, (byte) (255 * (i % 2)));
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        return new LabeledImages(n, 1, 28, 28, pixels, labels, List.of("a", "b", "c"));
    }

    @Test
    void aLabelIsServedByTheFirstModelExportedAfterItWasFirstDrawn() {
        List<ModelRelease> models = List.of(release(1, 1_000), release(2, 2_000), release(3, 3_000));
        Map<Long, Long> served = Map.of(1L, 1_100L, 2L, 2_100L);
        assertEquals(1_100, ReleaseHistory.servedAfter(500, models, served));
        assertEquals(2_100, ReleaseHistory.servedAfter(1_500, models, served));
        assertEquals(-1, ReleaseHistory.servedAfter(2_500, models, served), "v3 was never served");
        assertEquals(-1, ReleaseHistory.servedAfter(-1, models, served), "never drawn");
    }

    static ModelRelease release(long version, long createdMillis) {
        return ModelRelease.newBuilder().setName("m").setVersion(version).setCreatedTime(Instant.ofEpochMilli(createdMillis)).setTrainerStep(1)
                .setSha256("x").setInputShape(List.of(1, 28, 28)).setNormalisation(io.meanstream.schema.Normalisation.newBuilder()
                        .setMean(List.of(0f)).setStd(List.of(1f)).setResize("REJECT").build()).setClassNames(List.of("a")).setMetrics(Map.of()).build();
    }
}
