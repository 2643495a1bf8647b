package io.meanstream.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;

/**
 * Turns whatever {@link BufferedImage} the ImageIO readers produce into an 8-bit HWC
 * {@link DecodedImage}: gray to 1 channel, RGB to 3, anything with alpha to 4 (RGBA).
 *
 * <p>Samples are taken as stored (no colour-space conversion, as in PIL and torchvision) so that
 * a PNG written by {@link ImageEncoder} decodes to exactly the bytes it was written from. Wider
 * samples (16-bit PNG) are rescaled to 8 bits with rounding. Bulk raster access is used instead of
 * {@code getRGB} per pixel, which would be an order of magnitude slower.
 */
final class BufferedImageConversion {

    private BufferedImageConversion() {
    }

    static DecodedImage toDecodedImage(BufferedImage image) {
        ColorModel colorModel = image.getColorModel();
        if (colorModel instanceof IndexColorModel indexed) {
            return fromIndexed(image.getRaster(), indexed);
        }
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        int colourComponents = colorModel.getNumColorComponents();
        boolean alpha = colorModel.hasAlpha();
        if (bands != colorModel.getNumComponents() || colorModel.isAlphaPremultiplied()) {
            throw unsupported(colorModel, bands);
        }
        // For every output channel, the raster band it comes from. Band order follows the colour
        // model's component order, which puts alpha last for both component and packed models.
        int[] sourceBand;
        if (colourComponents == 1) {
            sourceBand = alpha ? new int[] {0, 0, 0, 1} : new int[] {0};
        } else if (colourComponents == 3 && colorModel.getColorSpace().getType() == ColorSpace.TYPE_RGB) {
            sourceBand = alpha ? new int[] {0, 1, 2, 3} : new int[] {0, 1, 2};
        } else {
            throw unsupported(colorModel, bands);
        }
        int width = raster.getWidth();
        int height = raster.getHeight();
        byte[] out = new byte[width * height * sourceBand.length];
        if (!copyInterleavedBytes(raster, sourceBand, out)) {
            copyViaSamples(raster, sourceBand, out);
        }
        return DecodedImage.wrap(width, height, sourceBand.length, out);
    }

    /** Fast path for the common byte-per-sample rasters (gray PNG, RGB(A) PNG, BGR JPEG). */
    private static boolean copyInterleavedBytes(Raster raster, int[] sourceBand, byte[] out) {
        SampleModel sampleModel = raster.getSampleModel();
        DataBuffer buffer = raster.getDataBuffer();
        if (!(sampleModel instanceof ComponentSampleModel components) || !(buffer instanceof DataBufferByte bytes)
                || buffer.getNumBanks() != 1) {
            return false;
        }
        for (int size : sampleModel.getSampleSize()) {
            if (size != 8) {
                return false;
            }
        }
        byte[] data = bytes.getData();
        int pixelStride = components.getPixelStride();
        int scanlineStride = components.getScanlineStride();
        int[] bandOffsets = components.getBandOffsets();
        int[] offsets = new int[sourceBand.length];
        for (int c = 0; c < offsets.length; c++) {
            offsets[c] = bandOffsets[sourceBand[c]];
        }
        int width = raster.getWidth();
        int height = raster.getHeight();
        int originX = raster.getMinX() - raster.getSampleModelTranslateX();
        int originY = raster.getMinY() - raster.getSampleModelTranslateY();
        int channels = offsets.length;
        int o = 0;
        for (int y = 0; y < height; y++) {
            int rowStart = buffer.getOffset() + (originY + y) * scanlineStride + originX * pixelStride;
            if (channels == 1 && pixelStride == 1) {
                System.arraycopy(data, rowStart + offsets[0], out, o, width);
                o += width;
                continue;
            }
            for (int x = 0, pixel = rowStart; x < width; x++, pixel += pixelStride) {
                for (int c = 0; c < channels; c++) {
                    out[o++] = data[pixel + offsets[c]];
                }
            }
        }
        return true;
    }

    /** General path: any sample model and sample width, one row of samples at a time. */
    private static void copyViaSamples(Raster raster, int[] sourceBand, byte[] out) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int bands = raster.getNumBands();
        int[] maxValue = new int[bands];
        for (int b = 0; b < bands; b++) {
            maxValue[b] = (int) ((1L << raster.getSampleModel().getSampleSize(b)) - 1);
        }
        int[] row = new int[width * bands];
        int channels = sourceBand.length;
        int o = 0;
        for (int y = 0; y < height; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
            for (int x = 0; x < width; x++) {
                int base = x * bands;
                for (int c = 0; c < channels; c++) {
                    int band = sourceBand[c];
                    out[o++] = (byte) to8Bit(row[base + band], maxValue[band]);
                }
            }
        }
    }

    /** Rescales a sample in [0, max] to [0, 255], rounding to nearest (16-bit 65535 becomes 255). */
    private static int to8Bit(int sample, int max) {
        if (max == 255) {
            return sample;
        }
        return (int) ((sample * 255L + max / 2) / max);
    }

    /**
     * Palette images (and 1/2/4-bit gray PNGs, which ImageIO models as palettes): an all-gray opaque
     * palette gives 1 channel, otherwise RGB or RGBA.
     */
    private static DecodedImage fromIndexed(Raster raster, IndexColorModel palette) {
        int size = palette.getMapSize();
        byte[] reds = new byte[size];
        byte[] greens = new byte[size];
        byte[] blues = new byte[size];
        byte[] alphas = new byte[size];
        palette.getReds(reds);
        palette.getGreens(greens);
        palette.getBlues(blues);
        palette.getAlphas(alphas);
        boolean alpha = palette.hasAlpha();
        boolean gray = !alpha;
        for (int i = 0; i < size && gray; i++) {
            gray = reds[i] == greens[i] && greens[i] == blues[i];
        }
        int channels = gray ? 1 : alpha ? 4 : 3;
        int width = raster.getWidth();
        int height = raster.getHeight();
        byte[] out = new byte[width * height * channels];
        int[] indices = new int[width];
        int o = 0;
        for (int y = 0; y < height; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 0, indices);
            for (int x = 0; x < width; x++) {
                int index = Math.min(indices[x], size - 1); // indices past the palette render as its last entry
                out[o++] = reds[index];
                if (!gray) {
                    out[o++] = greens[index];
                    out[o++] = blues[index];
                    if (alpha) {
                        out[o++] = alphas[index];
                    }
                }
            }
        }
        return DecodedImage.wrap(width, height, channels, out);
    }

    private static ImageDecodingException unsupported(ColorModel colorModel, int bands) {
        return new ImageDecodingException(ImageDecodingException.Reason.UNSUPPORTED_CHANNELS,
                "Decoded image has " + bands + " bands with " + colorModel.getNumColorComponents()
                        + " colour components (colour space type " + colorModel.getColorSpace().getType()
                        + (colorModel.isAlphaPremultiplied() ? ", premultiplied alpha" : "")
                        + "); supported are gray, gray+alpha, RGB and RGBA");
    }
}
