package io.meanstream.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Builders for test images and hand-crafted PNG byte streams. */
public final class TestImages {

    private TestImages() {
    }

    /** Deterministic noise, which exercises every byte value and defeats accidental equality. */
    public static DecodedImage random(int width, int height, int channels, long seed) {
        byte[] pixels = new byte[width * height * channels];
        new Random(seed).nextBytes(pixels);
        return new DecodedImage(width, height, channels, pixels);
    }

    /** A smooth image, which JPEG reproduces closely (noise would not survive lossy compression). */
    static DecodedImage gradient(int width, int height, int channels) {
        byte[] pixels = new byte[width * height * channels];
        int i = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    pixels[i++] = (byte) (30 + x * 100 / Math.max(1, width - 1) + y * 50 / Math.max(1, height - 1) + c * 25);
                }
            }
        }
        return new DecodedImage(width, height, channels, pixels);
    }

    static DecodedImage uniform(int width, int height, int channels, int value) {
        byte[] pixels = new byte[width * height * channels];
        java.util.Arrays.fill(pixels, (byte) value);
        return new DecodedImage(width, height, channels, pixels);
    }

    static DecodedImage gray(int width, int height, int... values) {
        byte[] pixels = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            pixels[i] = (byte) values[i];
        }
        return new DecodedImage(width, height, 1, pixels);
    }

    /**
     * A syntactically valid 8-bit gray PNG whose IHDR declares {@code width x height} (valid CRCs)
     * but whose IDAT holds only one compressed row: any decoder that trusts the header and
     * allocates first would need width*height bytes.
     */
    public static byte[] pngWithHeaderOnlySize(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[] {0, 0, 0, 0, 0}); // filter byte + 4 pixels: nowhere near a full row
        deflater.finish();
        byte[] compressed = new byte[64];
        int length = deflater.deflate(compressed);
        deflater.end();
        chunk(out, "IDAT", java.util.Arrays.copyOf(compressed, length));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
