package io.meanstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meanstream.data.DatasetLocator;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.ImageEncoder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** train-offline (a few steps, exported) then predict on real PNG files, through the command line. */
class TrainAndPredictCommandTest {

    @Test
    void trainExportAndPredict(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model.onnx");
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int rc;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            rc = new CommandLine(new Meanstream()).execute("train-offline", "--no-download", "--labels-per-class", "10",
                    "--steps", "3", "--width", "4", "--batch-size", "32", "--labeled-batch-size", "8", "--log-every", "1",
                    "--threads", "1", "--export", model.toString());
        } finally {
            System.setOut(original);
        }
        assertEquals(0, rc, captured.toString());
        String jsonLine = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
        JsonNode json = new ObjectMapper().readTree(jsonLine);
        assertEquals(3, json.get("steps").asInt());
        assertEquals("mean-teacher", json.get("mode").asText());
        for (String field : new String[] {"studentAccuracy", "teacherAccuracy", "samplesPerSecond", "msPerStep", "peakRssMiB"}) {
            assertTrue(json.has(field), field + " in " + jsonLine);
        }
        assertTrue(Files.size(model) > 1000);

        LabeledImages test = FashionMnist.load(FashionMnist.Split.TEST, DatasetLocator.fashionMnist().allowDownload(false).build());
        Path boot = dir.resolve("boot.png");
        Files.write(boot, ImageEncoder.png(test.image(0)));
        Path bad = dir.resolve("bad.png");
        Files.write(bad, "not a png".getBytes());
        StringWriter out = new StringWriter();
        CommandLine predict = new CommandLine(new Meanstream());
        predict.setOut(new PrintWriter(out));
        int predictRc = predict.execute("predict", "--model", model.toString(), "--top", "2", boot.toString(), bad.toString());
        String text = out.toString();
        assertEquals(2, predictRc, "one image could not be decoded: " + text);
        assertTrue(text.contains("model fashion-mnist v1"), text);
        String bootLine = text.lines().filter(l -> l.startsWith(boot.toString())).findFirst().orElseThrow();
        assertEquals(2, bootLine.split(",").length, "top 2 classes: " + bootLine);
        assertTrue(text.contains("bad.png: cannot decode (CORRUPT)"), text);
    }
}
