package io.meanstream.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes {@link DecodedImage}s as PNG (lossless: decoding gives back the same bytes) or JPEG (lossy),
 * for the feeder and for tests. Stateless and thread-safe.
 */
public final class ImageEncoder {

    private ImageEncoder() {
    }

    /** Lossless PNG: 8-bit gray, RGB or RGBA according to the channel count. */
    public static byte[] png(DecodedImage image) {
        return write("png", toBufferedImage(image), null);
    }

    /**
     * JPEG (8-bit gray or YCbCr) at the given quality.
     *
     * @param quality 0 (smallest) to 1 (best)
     * @throws IllegalArgumentException for RGBA images (JPEG has no alpha; convert with
     *                                  {@code image.toChannels(3)} first) or a quality outside [0, 1]
     */
    public static byte[] jpeg(DecodedImage image, float quality) {
        if (!(quality >= 0f && quality <= 1f)) {
            throw new IllegalArgumentException("JPEG quality must be in [0, 1], got " + quality);
        }
        if (image.channels() == 4) {
            throw new IllegalArgumentException("JPEG cannot store alpha; convert the RGBA image with toChannels(3) first");
        }
        return write("jpeg", toBufferedImage(image), quality);
    }

    /** Wraps the image's bytes in a {@link BufferedImage} whose raster bands are R, G, B(, A) or gray. */
    static BufferedImage toBufferedImage(DecodedImage image) {
        int channels = image.channels();
        ColorSpace colorSpace = ColorSpace.getInstance(channels == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        boolean alpha = channels == 4;
        ColorModel colorModel = new ComponentColorModel(colorSpace, alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        int[] bandOffsets = new int[channels];
        for (int c = 0; c < channels; c++) {
            bandOffsets[c] = c;
        }
        DataBufferByte buffer = new DataBufferByte(image.pixels(), image.byteCount());
        WritableRaster raster = Raster.createInterleavedRaster(buffer, image.width(), image.height(),
                image.width() * channels, channels, bandOffsets, null);
        return new BufferedImage(colorModel, raster, false, null);
    }

    private static byte[] write(String format, BufferedImage image, Float quality) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format);
        if (!writers.hasNext()) {
            throw new IllegalStateException("This JDK has no ImageIO writer for " + format);
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream output = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(output);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (quality != null) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("Encoding " + format + " in memory failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
