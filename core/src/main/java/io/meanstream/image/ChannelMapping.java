package io.meanstream.image;

/**
 * The single definition of how channel counts are converted, shared by {@link DecodedImage#toChannels}
 * (u8 to u8) and {@link ImageNormaliser} (u8 to float) so that both paths give identical values.
 */
final class ChannelMapping {

    private ChannelMapping() {
    }

    /**
     * Value (0..255) of channel {@code targetChannel} of pixel {@code pixelIndex} after converting an
     * interleaved image with {@code sourceChannels} channels into {@code targetChannels} channels.
     *
     * <ul>
     *   <li>3 or 4 to 1: luminance (ITU-R BT.601 weights 0.299 R + 0.587 G + 0.114 B), rounded half up;
     *       alpha is ignored rather than composited, because there is no meaningful background.</li>
     *   <li>1 to 3 or 4: the gray value is replicated into R, G and B.</li>
     *   <li>4 to 3: alpha is dropped.</li>
     *   <li>1 or 3 to 4: alpha is opaque (255).</li>
     * </ul>
     */
    static int value(byte[] pixels, int pixelIndex, int sourceChannels, int targetChannels, int targetChannel) {
        int base = pixelIndex * sourceChannels;
        if (sourceChannels == targetChannels) {
            return pixels[base + targetChannel] & 0xFF;
        }
        if (targetChannels == 1) {
            return luminance(pixels[base] & 0xFF, pixels[base + 1] & 0xFF, pixels[base + 2] & 0xFF);
        }
        if (targetChannel == 3) {
            return 255; // target is RGBA and the source has no alpha
        }
        return sourceChannels == 1 ? pixels[base] & 0xFF : pixels[base + targetChannel] & 0xFF;
    }

    /**
     * BT.601 luminance in exact integer arithmetic: floating point would round some ties (such as
     * 0.5 exactly) differently depending on evaluation order, and train/serve parity depends on
     * bit-identical results.
     */
    static int luminance(int r, int g, int b) {
        return (299 * r + 587 * g + 114 * b + 500) / 1000;
    }

    static void requireSupported(int channels, String what) {
        if (channels != 1 && channels != 3 && channels != 4) {
            throw new ImageDecodingException(ImageDecodingException.Reason.UNSUPPORTED_CHANNELS,
                    what + " has " + channels + " channels; supported are 1 (gray), 3 (RGB) and 4 (RGBA)");
        }
    }
}
