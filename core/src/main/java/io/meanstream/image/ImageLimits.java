package io.meanstream.image;

/**
 * Upper bounds that an untrusted image must respect before any pixel memory is allocated.
 *
 * <p>The pixel limit exists separately from width and height because a 4096x4096 image is fine while
 * the product of two individually acceptable sides may still be too much memory for a server that
 * decodes many images concurrently.
 *
 * @param maxBytes  largest accepted encoded payload, in bytes
 * @param maxWidth  largest accepted width, in pixels
 * @param maxHeight largest accepted height, in pixels
 * @param maxPixels largest accepted width * height
 */
public record ImageLimits(int maxBytes, int maxWidth, int maxHeight, long maxPixels) {

    /** 8 MiB payloads, at most 4096 pixels per side and 16 Mi pixels (4096x4096) in total. */
    public static ImageLimits defaults() {
        return new ImageLimits(8 * 1024 * 1024, 4096, 4096, 4096L * 4096L);
    }

    public ImageLimits {
        requirePositive("maxBytes", maxBytes);
        requirePositive("maxWidth", maxWidth);
        requirePositive("maxHeight", maxHeight);
        requirePositive("maxPixels", maxPixels);
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }
}
