package io.meanstream.trainer.stream;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The deterministic holdout: an image is held out when a hash of its id falls in the first
 * {@code fraction} of the hash space. The same image is held out on every run and every restart, and a
 * corrected label stays on the same side, so holdout images are never trained on.
 */
public record HoldoutSplit(double fraction) {

    private static final int BUCKETS = 10_000;

    public HoldoutSplit {
        if (fraction < 0 || fraction >= 1) {
            throw new IllegalArgumentException("holdout fraction must be in [0, 1), got " + fraction);
        }
    }

    public boolean isHoldout(String imageId) {
        CRC32 crc = new CRC32();
        crc.update(imageId.getBytes(StandardCharsets.UTF_8));
        // Mix the CRC so ids differing only in their last characters spread over the buckets.
        long h = crc.getValue() * 0x9E3779B97F4A7C15L;
        int bucket = (int) Long.remainderUnsigned(h >>> 16, BUCKETS);
        return bucket < fraction * BUCKETS;
    }
}
