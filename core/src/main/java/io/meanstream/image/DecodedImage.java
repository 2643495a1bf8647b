package io.meanstream.image;

import java.util.Arrays;

/**
 * An immutable 8-bit image: {@code height} rows of {@code width} pixels, each pixel {@code channels}
 * interleaved unsigned bytes (HWC order). Channels are 1 (gray), 3 (RGB) or 4 (RGBA).
 *
 * <p>Immutability lets one decoded image be shared between threads (for example a cache and a
 * batcher); {@link #pixels()} therefore returns a copy, and {@link #copyPixelsTo} exists for callers
 * that fill a larger buffer.
 */
public final class DecodedImage {

    private final int width;
    private final int height;
    private final int channels;
    private final byte[] pixels;

    /**
     * Creates an image from a copy of {@code pixels}.
     *
     * @throws IllegalArgumentException if a dimension is not positive, the channel count is not 1, 3
     *                                  or 4, or {@code pixels.length != width * height * channels}
     */
    public DecodedImage(int width, int height, int channels, byte[] pixels) {
        this(width, height, channels, pixels.clone(), true);
    }

    private DecodedImage(int width, int height, int channels, byte[] ownedPixels, boolean validate) {
        if (validate) {
            validate(width, height, channels, ownedPixels.length);
        }
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.pixels = ownedPixels;
    }

    /** Creates an image from {@code width * height * channels} bytes of {@code source} starting at {@code offset}. */
    public static DecodedImage fromSlice(int width, int height, int channels, byte[] source, int offset) {
        validateDimensions(width, height, channels);
        int length = Math.multiplyExact(Math.multiplyExact(width, height), channels);
        if (offset < 0 || offset > source.length - length) {
            throw new IllegalArgumentException("slice [" + offset + ", " + ((long) offset + length)
                    + ") is outside a source array of " + source.length + " bytes");
        }
        return new DecodedImage(width, height, channels, Arrays.copyOfRange(source, offset, offset + length), false);
    }

    /** Takes ownership of {@code pixels} without copying; only for arrays nobody else references. */
    static DecodedImage wrap(int width, int height, int channels, byte[] pixels) {
        return new DecodedImage(width, height, channels, pixels, true);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int channels() {
        return channels;
    }

    /** A copy of the pixels, HWC interleaved, unsigned bytes. */
    public byte[] pixels() {
        return pixels.clone();
    }

    /** Number of pixel bytes: {@code width * height * channels}. */
    public int byteCount() {
        return pixels.length;
    }

    /** Copies all pixel bytes (HWC) into {@code dest} starting at {@code offset}. */
    public void copyPixelsTo(byte[] dest, int offset) {
        System.arraycopy(pixels, 0, dest, offset, pixels.length);
    }

    /** The unsigned value (0..255) of channel {@code c} at column {@code x}, row {@code y}. */
    public int sample(int x, int y, int c) {
        if (x < 0 || x >= width || y < 0 || y >= height || c < 0 || c >= channels) {
            throw new IndexOutOfBoundsException("sample(" + x + ", " + y + ", " + c + ") outside "
                    + width + "x" + height + "x" + channels);
        }
        return pixels[(y * width + x) * channels + c] & 0xFF;
    }

    /**
     * This image with {@code targetChannels} channels (1, 3 or 4), converted as documented by the
     * normaliser: luminance for colour to gray, replication for gray to colour, alpha dropped or
     * made opaque. Returns {@code this} when the count already matches.
     */
    public DecodedImage toChannels(int targetChannels) {
        ChannelMapping.requireSupported(targetChannels, "Requested conversion target");
        if (targetChannels == channels) {
            return this;
        }
        int pixelCount = width * height;
        byte[] out = new byte[pixelCount * targetChannels];
        for (int p = 0, o = 0; p < pixelCount; p++) {
            for (int c = 0; c < targetChannels; c++) {
                out[o++] = (byte) ChannelMapping.value(pixels, p, channels, targetChannels, c);
            }
        }
        return new DecodedImage(width, height, targetChannels, out, false);
    }

    /** Read access for same-package code that must not pay for a copy (normaliser, encoder). */
    byte[] pixelsUnsafe() {
        return pixels;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecodedImage other
                && width == other.width && height == other.height && channels == other.channels
                && Arrays.equals(pixels, other.pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * width + height) + channels) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "DecodedImage[" + width + "x" + height + "x" + channels + "]";
    }

    private static void validate(int width, int height, int channels, int length) {
        validateDimensions(width, height, channels);
        long expected = (long) width * height * channels;
        if (expected != length) {
            throw new IllegalArgumentException("a " + width + "x" + height + "x" + channels + " image needs "
                    + expected + " pixel bytes, got " + length);
        }
    }

    private static void validateDimensions(int width, int height, int channels) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("width and height must be > 0, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3 && channels != 4) {
            throw new IllegalArgumentException("channels must be 1, 3 or 4, got " + channels);
        }
    }
}
