package io.meanstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench-learning} end to end, shortened: both trainer modes on the real pipeline (embedded broker, trainer,
 * streams-app, feed) for 40 s each with a small network that releases every 20 steps, then the report.
 */
class BenchLearningCommandTest {

    @Test
    void bothModesRunOnTheSameStreamAndEveryReleaseIsScored(@TempDir Path out) throws Exception {
        int code = Meanstream.run("bench-learning", "--minutes", "0.67", "--labels-per-class", "5", "--seeds", "7", "--rate", "40",
                "--label-delay", "0s..2s", "--out", out.toString(), "--name", "t", "--no-download",
                "--set", "MEANSTREAM_TRAINER_WIDTH=8", "--set", "MEANSTREAM_TRAINER_BATCH_SIZE=32", "--set", "MEANSTREAM_TRAINER_LABELED_BATCH_SIZE=8",
                "--set", "MEANSTREAM_TRAINER_RELEASE_EVERY_STEPS=20");
        assertEquals(0, code);
        List<JsonNode> runs = new ArrayList<>();
        List<JsonNode> releases = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("t.jsonl"))) {
            JsonNode n = new ObjectMapper().readTree(line);
            (n.get("type").asText().equals("run") ? runs : releases).add(n);
        }
        assertEquals(List.of("mean-teacher", "supervised"), runs.stream().map(r -> r.get("mode").asText()).toList());
        for (JsonNode run : runs) {
            // The same seeded stream, cut at the same wall time: on a loaded machine the feed may fall a few images
            // behind its rate in one run, so the counts agree to within the last second's worth.
            assertEquals(runs.get(0).get("images").asDouble(), run.get("images").asDouble(), 40, "the same stream for both modes");
            assertEquals(runs.get(0).get("labels").asDouble(), run.get("labels").asDouble(), 1, "the same labels for both modes");
            assertTrue(run.get("steps").asLong() > 0, run.toString());
            assertTrue(run.get("releases").asInt() >= 1, run.toString());
            assertTrue(run.get("command").asText().startsWith("./meanstream bench-learning --minutes 0.67"), run.toString());
        }
        for (JsonNode r : releases) {
            double accuracy = r.get("testAccuracy").asDouble();
            assertTrue(accuracy >= 0 && accuracy <= 1, "scored on the test set: " + r);
            assertTrue(r.get("labelsGiven").asLong() <= runs.get(0).get("labels").asLong(), r.toString());
        }
        // Early releases of 20-step increments may sit at chance; the best one has learned something.
        assertTrue(releases.stream().mapToDouble(r -> r.get("testAccuracy").asDouble()).max().orElse(0) > 0.2, releases.toString());
        assertTrue(releases.stream().anyMatch(r -> r.get("mode").asText().equals("supervised")));
        String md = Files.readString(out.resolve("t.md"));
        assertTrue(md.contains("| 5 | mean-teacher |") && md.contains("| 5 | supervised |"), md);
        BufferedImage png = ImageIO.read(out.resolve("t.png").toFile());
        assertEquals(1600, png.getWidth());
    }
}
