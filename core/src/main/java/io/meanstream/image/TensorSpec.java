package io.meanstream.image;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * The input a model expects: channel count, size, per-channel normalisation and what to do with
 * images of another size. A pixel value {@code x} (0..255) of channel {@code c} becomes
 * {@code (x / 255f - mean[c]) / std[c]}.
 *
 * <p>The arrays are copied on the way in and out, so a spec is immutable; {@code equals} and
 * {@code hashCode} compare their contents.
 *
 * @param channels 1 (gray) or 3 (RGB)
 * @param height   rows of the model input
 * @param width    columns of the model input
 * @param mean     per-channel mean on the 0..1 scale, {@code channels} values
 * @param std      per-channel standard deviation on the 0..1 scale, {@code channels} positive values
 * @param resize   what to do when an image is not {@code width x height}
 */
public record TensorSpec(int channels, int height, int width, float[] mean, float[] std, ResizePolicy resize) {

    /** What the normaliser does with an image whose size differs from the spec. */
    public enum ResizePolicy {
        /** Refuse it with {@link ImageDecodingException.Reason#SIZE_MISMATCH}. */
        REJECT,
        /** Resample it bilinearly to the spec's size. */
        RESIZE
    }

    /** Fashion-MNIST: 1x28x28, mean 0.2860, std 0.3530 (the training set's statistics), REJECT. */
    public static TensorSpec fashionMnist() {
        return new TensorSpec(1, 28, 28, new float[] {0.2860f}, new float[] {0.3530f}, ResizePolicy.REJECT);
    }

    public TensorSpec {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("height and width must be > 0, got " + height + "x" + width);
        }
        Objects.requireNonNull(resize, "resize");
        mean = Objects.requireNonNull(mean, "mean").clone();
        std = Objects.requireNonNull(std, "std").clone();
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("mean and std need one value per channel (" + channels + "), got "
                    + mean.length + " and " + std.length);
        }
        for (int c = 0; c < channels; c++) {
            if (!Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("mean[" + c + "] must be finite, got " + mean[c]);
            }
            if (!(std[c] > 0f) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("std[" + c + "] must be finite and > 0, got " + std[c]);
            }
        }
    }

    /** The same spec with another resize policy. */
    public TensorSpec withResize(ResizePolicy policy) {
        return new TensorSpec(channels, height, width, mean, std, policy);
    }

    /** A copy of the per-channel means. */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /** A copy of the per-channel standard deviations. */
    @Override
    public float[] std() {
        return std.clone();
    }

    /** Number of floats in one CHW tensor: {@code channels * height * width}. */
    public int tensorSize() {
        return channels * height * width;
    }

    /**
     * A stable one-line description for provenance records, e.g.
     * {@code 1x28x28 mean=[0.286] std=[0.353] resize=REJECT}. Numbers are the exact float values
     * rounded to 7 significant digits, so the text does not depend on the JDK's float formatting.
     */
    public String describe() {
        return channels + "x" + height + "x" + width + " mean=" + format(mean) + " std=" + format(std)
                + " resize=" + resize;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec other && channels == other.channels && height == other.height
                && width == other.width && Arrays.equals(mean, other.mean) && Arrays.equals(std, other.std)
                && resize == other.resize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(channels, height, width, Arrays.hashCode(mean), Arrays.hashCode(std), resize);
    }

    @Override
    public String toString() {
        return "TensorSpec[" + describe() + "]";
    }

    private static String format(float[] values) {
        StringJoiner joined = new StringJoiner(",", "[", "]");
        for (float value : values) {
            joined.add(new BigDecimal(value).round(MathContext.DECIMAL32).stripTrailingZeros().toPlainString());
        }
        return joined.toString();
    }
}
