package io.meanstream.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    private static final Path REAL = DatasetLocator.DEBIAN_FASHION_MNIST_DIR;

    @TempDir
    Path temp;

    @Test
    void readsTheRealGzippedFashionMnistFiles() throws IOException {
        assumeTrue(Files.isDirectory(REAL), "needs the Debian package dataset-fashion-mnist");
        IdxArray trainLabels = IdxReader.read(REAL.resolve("train-labels-idx1-ubyte.gz"));
        assertArrayEquals(new int[] {60000}, trainLabels.dims());
        assertEquals(9, trainLabels.data()[0]);
        IdxArray testImages = IdxReader.read(REAL.resolve("t10k-images-idx3-ubyte.gz"));
        assertArrayEquals(new int[] {10000, 28, 28}, testImages.dims());
        assertEquals(10000 * 784, testImages.data().length);
    }

    @Test
    void readsPlainAndGzippedFilesIdentically() throws IOException {
        byte[] data = new byte[2 * 3 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 11);
        }
        IdxArray plain = IdxReader.read(TestIdx.write(temp.resolve("plain"), new int[] {2, 3, 4}, data, false));
        IdxArray gzipped = IdxReader.read(TestIdx.write(temp.resolve("packed.gz"), new int[] {2, 3, 4}, data, true));
        assertArrayEquals(new int[] {2, 3, 4}, plain.dims());
        assertArrayEquals(data, plain.data());
        assertArrayEquals(plain.dims(), gzipped.dims());
        assertArrayEquals(plain.data(), gzipped.data());
        assertEquals(3, plain.rank());
        assertEquals(4, plain.dim(2));
        assertEquals("IdxArray[2, 3, 4]", plain.toString());
    }

    @Test
    void truncatedDataIsAnErrorThatSaysHowMuchIsMissing() throws IOException {
        byte[] whole = TestIdx.bytes(0x08, new int[] {10, 28, 28}, new byte[7840]);
        Path file = temp.resolve("short");
        Files.write(file, Arrays.copyOf(whole, whole.length - 100));
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(file));
        assertEquals(file + " is truncated: its IDX header declares dimensions [10, 28, 28] = 7840 data bytes, "
                + "but only 7740 follow", e.getMessage());

        Path gzipped = temp.resolve("short.gz");
        Files.write(gzipped, TestIdx.gzip(Arrays.copyOf(whole, whole.length - 1)));
        assertTrue(assertThrows(IOException.class, () -> IdxReader.read(gzipped)).getMessage().contains("truncated"));

        Path header = temp.resolve("header");
        Files.write(header, Arrays.copyOf(whole, 9));
        assertEquals(header + " is truncated inside the IDX header",
                assertThrows(IOException.class, () -> IdxReader.read(header)).getMessage());
    }

    @Test
    void trailingBytesAreAnError() {
        byte[] bytes = TestIdx.bytes(0x08, new int[] {3}, new byte[4]);
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(new ByteArrayInputStream(bytes), "x"));
        assertTrue(e.getMessage().contains("unexpected bytes after the 3 data bytes"), e.getMessage());
    }

    @Test
    void wrongMagicIsAnError() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0};
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(new ByteArrayInputStream(png), "image.png"));
        assertEquals("image.png is not an IDX file: the magic number must start with 00 00, found 89 50 4E 47",
                e.getMessage());
    }

    @Test
    void onlyUnsignedBytesAreSupported() {
        byte[] floats = TestIdx.bytes(0x0D, new int[] {1}, new byte[4]);
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(new ByteArrayInputStream(floats), "f"));
        assertEquals("f: IDX data type 0x0D (float) is not supported, only 0x08 (unsigned byte)", e.getMessage());
    }

    @Test
    void zeroDimensionsAndNegativeDimensionsAreErrors() {
        byte[] scalar = {0, 0, 8, 0};
        assertThrows(IOException.class, () -> IdxReader.read(new ByteArrayInputStream(scalar), "s"));
        byte[] negative = TestIdx.bytes(0x08, new int[] {-1}, new byte[0]);
        IOException e = assertThrows(IOException.class, () -> IdxReader.read(new ByteArrayInputStream(negative), "n"));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
    }
}
