package io.meanstream.image;

import io.meanstream.image.ImageDecodingException.Reason;
import java.util.Objects;

/**
 * Turns a {@link DecodedImage} into the float CHW tensor described by a {@link TensorSpec}: channel
 * conversion, optional bilinear resize, then {@code (x / 255f - mean[c]) / std[c]}.
 *
 * <p>Channel conversion: RGB or RGBA to gray by BT.601 luminance (0.299 R + 0.587 G + 0.114 B,
 * rounded half up to an integer), gray to RGB by replication, RGBA to RGB by dropping alpha.
 *
 * <p>Resizing (policy RESIZE) is bilinear with half-pixel centres, i.e. {@code align_corners=False}
 * as in PyTorch's {@code F.interpolate}, OpenCV's {@code INTER_LINEAR} and TensorFlow 2: output
 * pixel {@code i} samples source coordinate {@code (i + 0.5) * in / out - 0.5}, clamped to the
 * image. Chosen because it keeps the image centred under any scale factor and makes a 2:1 reduction
 * an exact 2x2 average; align-corners would stretch the content outwards by half a pixel. There is
 * no anti-aliasing, so large reductions alias; send images near the model size. Interpolation is
 * done on the channel-converted values without re-quantising to bytes.
 *
 * <p>Immutable and thread-safe. Java floating point is strict since 17, so the same image gives
 * bit-identical tensors on every JVM: in the trainer and in the inference service.
 */
public final class ImageNormaliser {

    private final TensorSpec spec;
    private final float[] mean;
    private final float[] std;

    public ImageNormaliser(TensorSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.mean = spec.mean();
        this.std = spec.std();
    }

    public TensorSpec spec() {
        return spec;
    }

    /** Floats per image: {@code channels * height * width}. */
    public int tensorSize() {
        return spec.tensorSize();
    }

    /** A new CHW tensor for {@code image}. */
    public float[] toChw(DecodedImage image) {
        float[] tensor = new float[spec.tensorSize()];
        toChw(image, tensor, 0);
        return tensor;
    }

    /**
     * Writes the CHW tensor for {@code image} into {@code dest[offset .. offset + tensorSize())},
     * so a batch buffer can be filled without allocating per image.
     *
     * @throws ImageDecodingException {@link Reason#SIZE_MISMATCH} when the size differs and the policy is REJECT
     */
    public void toChw(DecodedImage image, float[] dest, int offset) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(dest, "dest");
        int size = spec.tensorSize();
        if (offset < 0 || offset > dest.length - size) {
            throw new IndexOutOfBoundsException("a " + size + "-float tensor at offset " + offset
                    + " does not fit a buffer of " + dest.length + " floats");
        }
        boolean sameSize = image.width() == spec.width() && image.height() == spec.height();
        if (sameSize) {
            copyNormalised(image, dest, offset);
        } else if (spec.resize() == TensorSpec.ResizePolicy.RESIZE) {
            resizeNormalised(image, dest, offset);
        } else {
            throw new ImageDecodingException(Reason.SIZE_MISMATCH, "Image is " + image.width() + "x"
                    + image.height() + " (width x height) but the model expects " + spec.width() + "x"
                    + spec.height() + " and the resize policy is REJECT; send " + spec.width() + "x"
                    + spec.height() + " images or use ResizePolicy.RESIZE");
        }
    }

    private void copyNormalised(DecodedImage image, float[] dest, int offset) {
        byte[] pixels = image.pixelsUnsafe();
        int sourceChannels = image.channels();
        int channels = spec.channels();
        int plane = spec.height() * spec.width();
        for (int c = 0; c < channels; c++) {
            int out = offset + c * plane;
            for (int p = 0; p < plane; p++) {
                dest[out + p] = normalise(ChannelMapping.value(pixels, p, sourceChannels, channels, c), c);
            }
        }
    }

    private void resizeNormalised(DecodedImage image, float[] dest, int offset) {
        byte[] pixels = image.pixelsUnsafe();
        int sourceChannels = image.channels();
        int sourceWidth = image.width();
        int sourceHeight = image.height();
        int channels = spec.channels();
        int width = spec.width();
        int height = spec.height();
        int plane = width * height;
        double scaleX = (double) sourceWidth / width;
        double scaleY = (double) sourceHeight / height;
        for (int y = 0; y < height; y++) {
            double sy = sourceCoordinate(y, scaleY, sourceHeight);
            int y0 = (int) sy;
            int y1 = Math.min(y0 + 1, sourceHeight - 1);
            double wy = sy - y0;
            for (int x = 0; x < width; x++) {
                double sx = sourceCoordinate(x, scaleX, sourceWidth);
                int x0 = (int) sx;
                int x1 = Math.min(x0 + 1, sourceWidth - 1);
                double wx = sx - x0;
                int p00 = y0 * sourceWidth + x0;
                int p01 = y0 * sourceWidth + x1;
                int p10 = y1 * sourceWidth + x0;
                int p11 = y1 * sourceWidth + x1;
                for (int c = 0; c < channels; c++) {
                    int v00 = ChannelMapping.value(pixels, p00, sourceChannels, channels, c);
                    int v01 = ChannelMapping.value(pixels, p01, sourceChannels, channels, c);
                    int v10 = ChannelMapping.value(pixels, p10, sourceChannels, channels, c);
                    int v11 = ChannelMapping.value(pixels, p11, sourceChannels, channels, c);
                    double top = v00 + (v01 - v00) * wx;
                    double bottom = v10 + (v11 - v10) * wx;
                    float value = (float) (top + (bottom - top) * wy);
                    dest[offset + c * plane + y * width + x] = normalise(value, c);
                }
            }
        }
    }

    /** Half-pixel-centre mapping from an output index to a source coordinate, clamped to the image. */
    private static double sourceCoordinate(int index, double scale, int sourceSize) {
        double coordinate = (index + 0.5) * scale - 0.5;
        return Math.min(Math.max(coordinate, 0.0), sourceSize - 1);
    }

    private float normalise(float value, int channel) {
        return (value / 255f - mean[channel]) / std[channel];
    }
}
