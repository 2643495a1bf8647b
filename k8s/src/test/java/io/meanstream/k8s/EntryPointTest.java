package io.meanstream.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The main class each image runs is a real entry point: in its own JVM, with one unparsable setting in its
 * environment, it logs why it cannot start and exits with 1 (so the pod restarts and shows the reason) instead of
 * hanging half-started.
 */
class EntryPointTest {

    @ParameterizedTest
    @EnumSource(App.class)
    void aBadSettingEndsTheProcessWithTheReason(App app, @TempDir Path dir) throws Exception {
        JibImage image = JibImage.of(app, false);
        Path output = dir.resolve("output.txt");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), image.mainClass())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put(app.opsPort.env(), "eighty");
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(image.mainClass() + " still running after 60 s:\n" + Files.readString(output));
        }
        String log = Files.readString(output);
        assertEquals(1, process.exitValue(), log);
        assertTrue(log.contains(app.name + ": cannot start"), log);
        assertTrue(log.contains(app.opsPort.env() + "='eighty'"), log);
    }
}
