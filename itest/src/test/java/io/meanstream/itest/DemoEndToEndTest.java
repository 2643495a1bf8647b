package io.meanstream.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meanstream demo --baseline} in its own JVM: a person signs in to its labeler with the printed one-time login and
 * labels an image, which the demo's view counts; stopped with SIGTERM (what Ctrl-C does to the JVM) once the first
 * models of both trainers are out: it stops cleanly, stops the baseline's JVM, and still writes its report with both.
 */
class DemoEndToEndTest {

    /** Signs in with the printed one-time login, as a person would, and labels the first image offered. */
    private static void labelOneImageAsAPerson(String labelerLine) throws Exception {
        Matcher printed = Pattern.compile("labeler on (http://\\S+/) : sign in as (\\S+) with the one-time password (\\S+) ").matcher(labelerLine);
        assertTrue(printed.find(), labelerLine);
        String base = printed.group(1);
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String form = http.send(HttpRequest.newBuilder(URI.create(base + "login")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher token = Pattern.compile("name=\"csrfToken\" value=\"([^\"]+)\"").matcher(form);
        assertTrue(token.find(), form);
        HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create(base + "login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrfToken=" + token.group(1) + "&username=" + printed.group(2) + "&password=" + printed.group(3)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(signedIn.statusCode() == 200 || signedIn.statusCode() == 303, signedIn.statusCode() + " " + signedIn.body());
        ObjectMapper json = new ObjectMapper();
        String csrf = json.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "api/me")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .get("csrfToken").asText();
        JsonNode offered = Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> json.readTree(
                http.send(HttpRequest.newBuilder(URI.create(base + "api/next?source=recent&n=1")).build(), HttpResponse.BodyHandlers.ofString()).body()),
                n -> n.size() > 0);
        HttpResponse<String> given = http.send(HttpRequest.newBuilder(URI.create(base + "api/labels")).header("Content-Type", "application/json")
                .header("X-CSRF-Token", csrf).POST(HttpRequest.BodyPublishers.ofString("{\"imageId\":\"" + offered.get(0).get("imageId").asText()
                        + "\",\"classIndex\":0}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, given.statusCode(), given.body());
    }

    @Test
    void ctrlCStopsTheDemoAndStillWritesTheReport(@TempDir Path work) throws Exception {
        Path report = work.resolve("report");
        try (ChildJvm demo = ChildJvm.meanstream("demo", work, java.util.Map.of(), "demo", "--minutes", "10", "--rate", "40",
                "--labels-per-class", "30", "--label-delay", "1s..5s", "--report-dir", report.toString(), "--no-download",
                "--set", "MEANSTREAM_TRAINER_WIDTH=8", "--set", "MEANSTREAM_TRAINER_BATCH_SIZE=32",
                "--set", "MEANSTREAM_TRAINER_LABELED_BATCH_SIZE=8", "--set", "MEANSTREAM_TRAINER_RELEASE_EVERY_STEPS=40", "--baseline",
                "--labeler-port", "0")) {
            String labelerLine = demo.awaitLine(l -> l.contains("labeler on http://"), Duration.ofMinutes(3));
            demo.awaitLine(l -> l.contains("4/5 streaming") && l.contains("requested images"), Duration.ofMinutes(3));
            labelOneImageAsAPerson(labelerLine);
            demo.awaitLine(l -> l.contains("1 by people in the labeler"), Duration.ofMinutes(2));
            // The view prints every 30 s when not on a terminal; wait for a frame that shows a released model.
            demo.awaitLine(l -> l.contains("models") && l.contains("released, newest v"), Duration.ofMinutes(4));
            demo.awaitLine(l -> l.contains("baseline      supervised-only trainer (own JVM):") && l.contains("released, newest v"), Duration.ofMinutes(4));
            // ... and a frame in which the streams-app has scored images with a released model.
            demo.awaitLine(l -> l.matches("\\s*predictions\\s+[1-9][0-9,]* .*"), Duration.ofMinutes(4));
            demo.terminate();
            int exit = demo.awaitExit(Duration.ofMinutes(2));
            assertTrue(List.of(0, 143).contains(exit), "exit " + exit + ":\n" + demo.output());
            assertTrue(demo.output().contains("meanstream demo summary (stopped early)"), demo.output());
        }
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains("io.meanstream.trainer.TrainerMain")),
                "the baseline trainer's JVM is gone with the demo");
        assertTrue(Files.readString(report.resolve("baseline.log")).contains("trainer: stopped cleanly"), "the baseline stopped on SIGTERM");
        for (String file : List.of("accuracy.csv", "accuracy.png", "summary.json", "demo.log", "releases.csv")) {
            assertTrue(Files.size(report.resolve(file)) > 0, file);
        }
        JsonNode summary = new ObjectMapper().readTree(report.resolve("summary.json").toFile());
        assertTrue(summary.get("interrupted").asBoolean());
        assertTrue(summary.get("images").asLong() > 0);
        assertTrue(summary.get("modelsReleased").asInt() >= 1, summary.toString());
        assertTrue(summary.get("predictions").asLong() > 0, summary.toString());
        double test = summary.get("finalTestAccuracy").asDouble();
        // Stopped right after the first releases, trained on a few dozen labels: a real accuracy, not yet a good one
        // (how well the pipeline learns is asserted by PipelineEndToEndTest).
        assertTrue(test > 0.0 && test <= 1.0, "test accuracy of the newest model: " + test);
        assertEquals(0, summary.get("deadLetters").asLong(), summary.toString());
        JsonNode baseline = summary.get("baselineReleases");
        assertTrue(baseline.size() >= 1, summary.toString());
        assertEquals("fashion-mnist-supervised", baseline.get(0).get("model").asText(), baseline.toString());
        assertTrue(baseline.get(0).get("testAccuracy").asDouble() > 0.1, "the baseline's release scored on the test set: " + baseline);
    }
}
