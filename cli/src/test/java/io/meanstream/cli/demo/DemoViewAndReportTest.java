package io.meanstream.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meanstream.schema.ModelRelease;
import io.meanstream.schema.Quality;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoViewAndReportTest {

    static final long START = Instant.parse("2026-11-25T10:00:20Z").toEpochMilli();

    static Quality window(long version, String start, long count, long correct) {
        Instant s = Instant.parse(start);
        return Quality.newBuilder().setModelName("fashion-mnist").setModelVersion(version).setWindowStart(s)
                .setWindowEnd(s.plusSeconds(60)).setCount(count).setCorrect(correct).setAccuracy((double) correct / count)
                .setNumClasses(2).setConfusion(List.of(0L, 0L, 0L, 0L)).build();
    }

    static DemoObserver.Snapshot snapshot() {
        return new DemoObserver.Snapshot(1500, Map.of(1L, 1000L, 2L, 500L),
                List.of(new DemoObserver.Release(1, 150, START + 60_000, 0.6), new DemoObserver.Release(2, 300, START + 120_000, 0.7)),
                List.of(window(2, "2026-11-25T10:02:00Z", 10, 8), window(1, "2026-11-25T10:01:00Z", 20, 10),
                        window(1, "2026-11-25T10:02:00Z", 10, 6)),
                3, Map.of("streams-app/decode-image/CORRUPT", 3L), 0);
    }

    @Test
    void snapshotArithmetic() {
        DemoObserver.Snapshot s = snapshot();
        assertEquals(40, s.judged());
        assertEquals(16.0 / 30, s.accuracyOf(1), 1e-12);
        assertEquals(0.8, s.lastWindowAccuracy(), 1e-12, "newest window, newest version in it");
        assertEquals(2, s.newestVersion());
        assertEquals(24.0 / 40, s.overallAccuracy(), 1e-12);
        assertTrue(Double.isNaN(s.accuracyOf(7)));
    }

    @Test
    void viewShowsEveryPartOfThePipeline() {
        ModelRelease baselineV3 = new ModelRelease();
        baselineV3.setName("fashion-mnist-supervised");
        baselineV3.setVersion(3L);
        baselineV3.setTrainerStep(1200L);
        baselineV3.setMetrics(Map.of("holdoutAccuracy", 0.65));
        List<String> lines = DemoView.render(new DemoStatus(150_000, 600_000, 7_500, 40, 30, 3, 200, 320, 0.81234, 0.01234, 12.5, 36, 4, 2,
                snapshot(), List.of(baselineV3)));
        String all = String.join("\n", lines);
        assertTrue(lines.get(0).contains(" 25%") && lines.get(0).contains("2:30 / 10:00"), lines.get(0));
        assertTrue(all.contains("7,500 images (50.0/s), 40 of 200 labels given (30 answering label requests); 3 by people in the labeler"), all);
        assertTrue(all.contains("step 320") && all.contains("class loss 0.812") && all.contains("consistency 0.0123"), all);
        assertTrue(all.contains("newest v2 (step 300, holdout accuracy 0.700), streams-app serving v2"), all);
        assertTrue(all.contains("1,500 (v1: 1,000, v2: 500)"), all);
        assertTrue(all.contains("whole run 0.600") && all.contains("last window 0.800") && all.contains("v2 0.800"), all);
        assertTrue(all.contains("dead letters  3"), all);
        assertTrue(all.contains("baseline      supervised-only trainer (own JVM): 1 released, newest v3 (step 1,200, holdout accuracy 0.650)"), all);
    }

    @Test
    void viewBeforeAnything() {
        String all = String.join("\n", DemoView.render(new DemoStatus(1000, 600_000, 50, 0, 0, 0, 200, 0, Double.NaN, Double.NaN, Double.NaN, 0, 0,
                -1, new DemoObserver.Snapshot(0, Map.of(), List.of(), List.of(), 0, Map.of(), 0), null)));
        assertTrue(all.contains("waiting for labels") && all.contains("none released yet") && all.contains("no model yet"), all);
        assertFalse(all.contains("baseline"), "no baseline line without a baseline trainer: " + all);
    }

    @Test
    void reportWritesCsvChartAndSummary(@TempDir Path dir) throws Exception {
        DemoReport.Summary summary = new DemoReport.Summary(10, 20, 50, 30_000, 200, 29_990, 2, 2, 300, 0.8, 0.8, 40, 0.7123456,
                3, Map.of("streams-app/decode-image/CORRUPT", 3L), 330, false);
        DemoReport.Story story = new DemoReport.Story(
                List.of(new ReleaseHistory.ReleasePoint("fashion-mnist", 1, 150, 1.0, 40, 0.61, 0.5, 20, 1.05, Map.of()),
                        new ReleaseHistory.ReleasePoint("fashion-mnist", 2, 300, 2.0, 80, 0.7123456, Double.NaN, 0, Double.NaN, Map.of())),
                List.of(new ReleaseHistory.ReleasePoint("fashion-mnist-supervised", 1, 450, 1.5, 60, 0.64, Double.NaN, 0, Double.NaN, Map.of())),
                new ReleaseHistory.Delays(List.of(12.0, 30.0, 45.0), 5, 20));
        List<Path> files = DemoReport.write(dir, START, snapshot(), summary, story);
        assertEquals(4, files.size());
        List<String> releases = Files.readAllLines(dir.resolve("releases.csv"));
        assertEquals(List.of("model,version,minutes_since_start,trainer_step,labels_given,test_accuracy,prequential_accuracy,"
                        + "prequential_judged,served_minutes_since_start", "fashion-mnist,1,1.00,150,40,0.6100,0.5000,20,1.05",
                "fashion-mnist,2,2.00,300,80,0.7123,,0,", "fashion-mnist-supervised,1,1.50,450,60,0.6400,,0,"), releases);
        List<String> csv = Files.readAllLines(dir.resolve("accuracy.csv"));
        assertEquals("model_version,window_start,window_end,minutes_since_start,count,correct,accuracy", csv.get(0));
        assertEquals(4, csv.size());
        assertTrue(csv.get(1).startsWith("1,2026-11-25T10:01:00Z,2026-11-25T10:02:00Z,1.17,20,10,0.5000"), csv.get(1));
        assertTrue(csv.get(3).startsWith("2,2026-11-25T10:02:00Z"), "sorted by window, then version: " + csv);
        BufferedImage png = ImageIO.read(dir.resolve("accuracy.png").toFile());
        assertEquals(1600, png.getWidth());
        assertEquals(600, png.getHeight());
        JsonNode json = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        for (String field : List.of("images", "labels", "predictions", "modelsReleased", "finalPrequentialAccuracy",
                "overallPrequentialAccuracy", "finalTestAccuracy", "deadLetters")) {
            assertTrue(json.has(field), field + " in " + json);
        }
        assertEquals(0.7123, json.get("finalTestAccuracy").asDouble(), 1e-12);
        assertEquals(30_000, json.get("images").asLong());
        assertEquals(30.0, json.get("labelDelayP50Seconds").asDouble());
        assertEquals(2, json.get("releases").size());
        assertEquals("fashion-mnist-supervised", json.get("baselineReleases").get(0).get("model").asText());
    }
}
