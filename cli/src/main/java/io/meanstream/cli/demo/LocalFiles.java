package io.meanstream.cli.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removal of a run's temporary directory. */
final class LocalFiles {

    private LocalFiles() {
    }

    /** Deletes {@code dir} and everything under it, ignoring what cannot be deleted (a temporary directory; the OS cleans it). */
    static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
