package io.meanstream.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: a magic number {@code 0x00 0x00 type rank},
 * {@code rank} big-endian 32-bit dimensions, then the data. Only the unsigned-byte type (0x08) is
 * supported, which is what image and label files use. Gzipped files (starting with {@code 1f 8b})
 * are decompressed transparently, so both the published {@code .gz} files and unpacked copies work.
 */
public final class IdxReader {

    private static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {
    }

    /** Reads {@code file}, gzipped or not. */
    public static IdxArray read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads an IDX stream, gzipped or not; the stream is consumed to its end but not closed.
     *
     * @param sourceName used in error messages, e.g. the file name
     * @throws IOException if the stream is not IDX, not unsigned bytes, truncated or has trailing bytes
     */
    public static IdxArray read(InputStream in, String sourceName) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        DataInputStream data = new DataInputStream(isGzip(buffered)
                ? new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16) : buffered);
        byte[] magic = new byte[4];
        int[] dims;
        try {
            data.readFully(magic);
            checkMagic(magic, sourceName);
            dims = new int[magic[3] & 0xFF];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = data.readInt();
                if (dims[i] < 0) {
                    throw new IOException(sourceName + ": IDX dimension " + i + " is negative ("
                            + Integer.toUnsignedLong(dims[i]) + " as unsigned), file is corrupt");
                }
            }
        } catch (EOFException e) {
            throw new IOException(sourceName + " is truncated inside the IDX header", e);
        }
        long expected = 1;
        for (int dim : dims) {
            expected *= dim;
            if (expected > Integer.MAX_VALUE - 8) {
                throw new IOException(sourceName + ": IDX dimensions " + Arrays.toString(dims)
                        + " describe more than 2 GiB of data, which is not supported");
            }
        }
        // readNBytes grows its buffer as data arrives, so a lying header cannot force a huge allocation.
        byte[] values = data.readNBytes((int) expected);
        if (values.length != expected) {
            throw new IOException(sourceName + " is truncated: its IDX header declares dimensions "
                    + Arrays.toString(dims) + " = " + expected + " data bytes, but only " + values.length
                    + " follow");
        }
        if (data.read() != -1) {
            throw new IOException(sourceName + " has unexpected bytes after the " + expected
                    + " data bytes its IDX header " + Arrays.toString(dims) + " declares");
        }
        return new IdxArray(dims, values);
    }

    private static boolean isGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == 0x1f && second == 0x8b;
    }

    private static void checkMagic(byte[] magic, String sourceName) throws IOException {
        if (magic[0] != 0 || magic[1] != 0) {
            throw new IOException(sourceName + " is not an IDX file: the magic number must start with 00 00, found "
                    + hex(magic));
        }
        int type = magic[2] & 0xFF;
        if (type != UNSIGNED_BYTE) {
            throw new IOException(sourceName + ": IDX data type 0x" + String.format(Locale.ROOT, "%02X", type)
                    + " (" + typeName(type) + ") is not supported, only 0x08 (unsigned byte)");
        }
        if (magic[3] == 0) {
            throw new IOException(sourceName + ": IDX header declares 0 dimensions, expected at least 1");
        }
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "unknown type";
        };
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(out.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%02X", b & 0xFF));
        }
        return out.toString();
    }
}
