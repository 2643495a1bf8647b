package io.meanstream.trainer.service;

import io.meanstream.trainer.engine.EngineCheckpoint;
import io.meanstream.trainer.engine.MeanTeacherEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint directory: {@code ckpt-<step>.bin} files written atomically (temp file, fsync, rename), the
 * newest {@code keep} kept. Restoring takes the newest file that passes its CRC; a half-written or corrupted
 * one is skipped with a warning.
 */
final class Checkpoints {

    private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);

    private final Path dir;
    private final int keep;

    Checkpoints(Path dir, int keep) throws IOException {
        this.dir = dir;
        this.keep = Math.max(1, keep);
        Files.createDirectories(dir);
    }

    Path write(MeanTeacherEngine engine, byte[] extra) throws IOException {
        byte[] bytes = EngineCheckpoint.write(engine, extra);
        Path target = dir.resolve(String.format(Locale.ROOT, "ckpt-%012d.bin", engine.steps()));
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself is durable
        } catch (IOException ignored) {
            // not every file system lets a directory be opened; the rename is still atomic
        }
        List<Path> all = list();
        for (int i = keep; i < all.size(); i++) {
            Files.deleteIfExists(all.get(i));
        }
        log.info("checkpoint {} ({} bytes)", target.getFileName(), bytes.length);
        return target;
    }

    /** Restores the newest valid checkpoint into the engine and returns its extra state, or null if none. */
    byte[] restoreNewest(MeanTeacherEngine engine) throws IOException {
        for (Path file : list()) {
            try {
                return EngineCheckpoint.restore(engine, Files.readAllBytes(file));
            } catch (IOException e) {
                log.warn("skipping checkpoint {}: {}", file.getFileName(), e.getMessage());
            }
        }
        return null;
    }

    /** Checkpoint files, newest first (temp files of interrupted writes are ignored). */
    List<Path> list() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("ckpt-\\d{12}\\.bin"))
                    .sorted((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString())).toList();
        }
    }
}
