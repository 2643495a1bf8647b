package io.meanstream.image;

import io.meanstream.schema.Image;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Decoder plus normaliser: encoded bytes in, model-ready CHW floats out. Trainer and inference
 * service both build one from the same {@link ImageLimits} and {@link TensorSpec}, which is what
 * keeps their preprocessing identical. Immutable and thread-safe.
 */
public final class ImagePipeline {

    private final ImageDecoder decoder;
    private final ImageNormaliser normaliser;

    public ImagePipeline(ImageDecoder decoder, ImageNormaliser normaliser) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.normaliser = Objects.requireNonNull(normaliser, "normaliser");
    }

    public ImagePipeline(ImageLimits limits, TensorSpec spec) {
        this(new ImageDecoder(limits), new ImageNormaliser(spec));
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    public ImageNormaliser normaliser() {
        return normaliser;
    }

    public TensorSpec spec() {
        return normaliser.spec();
    }

    /**
     * Decodes and normalises one image into a new CHW tensor.
     *
     * @see ImageDecoder#decode(ImageEncoding, byte[], int, int, int) for the meaning of the declared values
     * @throws ImageDecodingException if the payload is refused or does not fit the spec
     */
    public float[] decodeToChw(ImageEncoding encoding, byte[] data, int declaredWidth, int declaredHeight,
            int declaredChannels) {
        return normaliser.toChw(decoder.decode(encoding, data, declaredWidth, declaredHeight, declaredChannels));
    }

    /** As {@link #decodeToChw(ImageEncoding, byte[], int, int, int)}, writing into {@code dest} at {@code offset}. */
    public void decodeToChw(ImageEncoding encoding, byte[] data, int declaredWidth, int declaredHeight,
            int declaredChannels, float[] dest, int offset) {
        normaliser.toChw(decoder.decode(encoding, data, declaredWidth, declaredHeight, declaredChannels), dest, offset);
    }

    /** Decodes and normalises an {@link Image} record (its declared encoding and size) into a new CHW tensor. */
    public float[] decodeToChw(Image image) {
        return decodeToChw(encoding(image), bytes(image.getData()), image.getWidth(), image.getHeight(), image.getChannels());
    }

    /** As {@link #decodeToChw(Image)}, writing into {@code dest} at {@code offset} (a batch tensor). */
    public void decodeToChw(Image image, float[] dest, int offset) {
        decodeToChw(encoding(image), bytes(image.getData()), image.getWidth(), image.getHeight(), image.getChannels(), dest, offset);
    }

    /** The contract's encoding enum and the library's have the same constants. */
    private static ImageEncoding encoding(Image image) {
        return ImageEncoding.valueOf(image.getEncoding().name());
    }

    private static byte[] bytes(ByteBuffer data) {
        byte[] out = new byte[data.remaining()];
        data.duplicate().get(out);
        return out;
    }
}
