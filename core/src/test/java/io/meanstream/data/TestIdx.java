package io.meanstream.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests. */
final class TestIdx {

    private TestIdx() {
    }

    static byte[] bytes(int type, int[] dims, byte[] data) {
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * dims.length);
        header.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int dim : dims) {
            header.putInt(dim);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.array());
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Path write(Path file, int[] dims, byte[] data, boolean gzipped) throws IOException {
        byte[] plain = bytes(0x08, dims, data);
        Files.write(file, gzipped ? gzip(plain) : plain);
        return file;
    }

    /**
     * A miniature Fashion-MNIST in {@code dir}: {@code count} 28x28 images per split whose pixels are
     * {@code (index + 1)} everywhere, labels {@code index % 10}.
     */
    static Path writeMiniFashionMnist(Path dir, int count, boolean gzipped) throws IOException {
        Files.createDirectories(dir);
        for (FashionMnist.Split split : FashionMnist.Split.values()) {
            byte[] pixels = new byte[count * 28 * 28];
            byte[] labels = new byte[count];
            for (int i = 0; i < count; i++) {
                java.util.Arrays.fill(pixels, i * 784, (i + 1) * 784, (byte) (i + 1));
                labels[i] = (byte) (i % 10);
            }
            String suffix = gzipped ? ".gz" : "";
            write(dir.resolve(split.imagesFile() + suffix), new int[] {count, 28, 28}, pixels, gzipped);
            write(dir.resolve(split.labelsFile() + suffix), new int[] {count}, labels, gzipped);
        }
        return dir;
    }
}
