package io.meanstream.itest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * A meanstream command in its own JVM, as a user or Kubernetes would run it, so a test can kill it for
 * real (SIGTERM or SIGKILL). Output (stdout and stderr merged) is collected line by line; readiness is
 * read from that output, never guessed with a sleep.
 */
final class ChildJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "child-output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code meanstream <args>} with this test's class path. */
    static ChildJvm meanstream(String name, Path workDir, String... args) throws IOException {
        return meanstream(name, workDir, java.util.Map.of(), args);
    }

    /** Starts {@code meanstream <args>} with extra environment variables. */
    static ChildJvm meanstream(String name, Path workDir, java.util.Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"),
                "io.meanstream.cli.Meanstream"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().putIfAbsent("MALLOC_MMAP_THRESHOLD_", "1073741824");
        builder.environment().putIfAbsent("MALLOC_TRIM_THRESHOLD_", "1073741824");
        return new ChildJvm(name, builder.start());
    }

    /** Waits for an output line matching {@code condition}; fails with the output so far. */
    String awaitLine(Predicate<String> condition, Duration timeout) {
        try {
            return Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50))
                    .failFast(() -> !process.isAlive() && lines.stream().noneMatch(condition))
                    .until(() -> lines.stream().filter(condition).findFirst(), Optional::isPresent).orElseThrow();
        } catch (TerminalFailureException e) {
            throw new AssertionError(name + " exited with " + process.exitValue() + " before the expected line:\n" + output());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(name + ": expected line not seen within " + timeout + ":\n" + output());
        }
    }

    /** Waits for the process to end and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + timeout + ":\n" + output());
        }
        reader.join(5_000); // let the reader drain the last lines
        return process.exitValue();
    }

    /** SIGTERM: what Ctrl-C or a Kubernetes pod deletion sends. */
    void terminate() {
        // Through the handle: Process.destroy() would also close our end of the pipes and lose the last output.
        process.toHandle().destroy();
    }

    /** SIGKILL: a crash. */
    void kill() {
        process.toHandle().destroyForcibly();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    String output() {
        return String.join("\n", lines);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
