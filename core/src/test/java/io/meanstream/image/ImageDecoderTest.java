package io.meanstream.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.image.ImageDecodingException.Reason;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());

    // ---- round trips -------------------------------------------------------------------------

    @Test
    void pngRoundTripsAreLosslessForGrayRgbAndRgba() {
        for (int channels : new int[] {1, 3, 4}) {
            DecodedImage original = TestImages.random(31, 17, channels, channels);
            DecodedImage decoded = decoder.decode(ImageEncoding.PNG, ImageEncoder.png(original), 31, 17, channels);
            assertEquals(original, decoded, channels + " channels");
        }
    }

    @Test
    void pngWithUnknownDeclaredSizeTakesSizeAndChannelsFromTheHeader() {
        DecodedImage original = TestImages.random(5, 7, 3, 42);
        DecodedImage decoded = decoder.decode(ImageEncoding.PNG, ImageEncoder.png(original), 0, 0, 0);
        assertEquals(5, decoded.width());
        assertEquals(7, decoded.height());
        assertEquals(3, decoded.channels());
        assertEquals(original, decoded);
    }

    @Test
    void jpegRoundTripsWithinTolerance() {
        for (int channels : new int[] {1, 3}) {
            DecodedImage original = TestImages.gradient(64, 48, channels);
            byte[] jpeg = ImageEncoder.jpeg(original, 0.95f);
            DecodedImage decoded = decoder.decode(ImageEncoding.JPEG, jpeg, 64, 48, channels);
            assertEquals(channels, decoded.channels());
            byte[] a = original.pixels();
            byte[] b = decoded.pixels();
            long totalError = 0;
            int maxError = 0;
            for (int i = 0; i < a.length; i++) {
                int error = Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
                totalError += error;
                maxError = Math.max(maxError, error);
            }
            double meanError = (double) totalError / a.length;
            assertTrue(meanError < 2.0, "mean abs error " + meanError + " for " + channels + " channels");
            assertTrue(maxError < 24, "max abs error " + maxError + " for " + channels + " channels");
        }
    }

    @Test
    void rawU8RoundTripsAndCopiesThePayload() {
        DecodedImage original = TestImages.random(4, 3, 3, 7);
        byte[] payload = original.pixels();
        DecodedImage decoded = decoder.decode(ImageEncoding.RAW_U8, payload, 4, 3, 3);
        assertEquals(original, decoded);
        payload[0]++;
        assertEquals(original, decoded, "the decoded image must not alias the caller's buffer");
    }

    @Test
    void sixteenBitGrayPngIsRescaledToEightBits() throws IOException {
        BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        image.getRaster().setPixels(0, 0, 4, 1, new int[] {0, 65535, 100 * 257, 128 * 257 + 128});
        DecodedImage decoded = decoder.decode(ImageEncoding.PNG, imageIoPng(image), 4, 1, 1);
        assertArrayEquals(new byte[] {0, (byte) 255, 100, (byte) 128}, decoded.pixels());
    }

    @Test
    void grayAlphaPngBecomesRgbaWithReplicatedGray() throws IOException {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = model.createCompatibleWritableRaster(2, 1);
        raster.setPixels(0, 0, 2, 1, new int[] {10, 200, 30, 40});
        DecodedImage decoded = decoder.decode(ImageEncoding.PNG, imageIoPng(new BufferedImage(model, raster, false, null)),
                2, 1, 4);
        assertArrayEquals(bytes(10, 10, 10, 200, 30, 30, 30, 40), decoded.pixels());
    }

    @Test
    void palettePngBecomesRgbAndGrayPaletteBecomesGray() throws IOException {
        IndexColorModel colours = new IndexColorModel(8, 2, bytes(255, 0), bytes(0, 128), bytes(10, 255));
        BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, colours);
        indexed.getRaster().setPixels(0, 0, 2, 1, new int[] {1, 0});
        assertArrayEquals(bytes(0, 128, 255, 255, 0, 10),
                decoder.decode(ImageEncoding.PNG, imageIoPng(indexed), 2, 1, 3).pixels());

        BufferedImage binary = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY);
        binary.getRaster().setPixels(0, 0, 3, 1, new int[] {1, 0, 1});
        assertArrayEquals(bytes(255, 0, 255), decoder.decode(ImageEncoding.PNG, imageIoPng(binary), 3, 1, 1).pixels());
    }

    @Test
    void decodingIsThreadSafe() {
        List<DecodedImage> originals = IntStream.range(0, 16).mapToObj(i -> TestImages.random(20, 20, 3, i)).toList();
        List<byte[]> pngs = originals.stream().map(ImageEncoder::png).toList();
        IntStream.range(0, 400).parallel().forEach(i -> assertEquals(originals.get(i % 16),
                decoder.decode(ImageEncoding.PNG, pngs.get(i % 16), 20, 20, 3)));
    }

    // ---- limits -----------------------------------------------------------------------------

    @Test
    void emptyPayloadIsRefused() {
        assertReason(Reason.EMPTY, () -> decoder.decode(ImageEncoding.PNG, new byte[0], 0, 0, 0));
        assertReason(Reason.EMPTY, () -> decoder.decode(ImageEncoding.RAW_U8, null, 1, 1, 1));
    }

    @Test
    void payloadOverTheByteLimitIsRefusedBeforeAnythingElse() {
        ImageDecoder small = new ImageDecoder(new ImageLimits(100, 4096, 4096, 1 << 24));
        ImageDecodingException e = assertReason(Reason.TOO_MANY_BYTES,
                () -> small.decode(ImageEncoding.PNG, new byte[101], 0, 0, 0));
        assertEquals("PNG payload is 101 bytes, limit is 100", e.getMessage());
    }

    @Test
    void pixelWidthAndHeightLimitsApplyToPngJpegAndRaw() {
        ImageDecoder limited = new ImageDecoder(new ImageLimits(1 << 20, 20, 10, 150));
        byte[] tooManyPixels = ImageEncoder.png(TestImages.random(16, 10, 1, 1)); // 160 > 150
        ImageDecodingException pixels = assertReason(Reason.TOO_LARGE,
                () -> limited.decode(ImageEncoding.PNG, tooManyPixels, 0, 0, 0));
        assertEquals("PNG header declares 16x10 = 160 pixels, limit is 150", pixels.getMessage());

        byte[] tooWide = ImageEncoder.jpeg(TestImages.gradient(21, 2, 3), 0.9f);
        ImageDecodingException wide = assertReason(Reason.TOO_LARGE,
                () -> limited.decode(ImageEncoding.JPEG, tooWide, 0, 0, 0));
        assertEquals("JPEG header declares 21x2, limit is 20x10", wide.getMessage());

        byte[] tooHigh = ImageEncoder.png(TestImages.random(2, 11, 1, 1));
        assertReason(Reason.TOO_LARGE, () -> limited.decode(ImageEncoding.PNG, tooHigh, 0, 0, 0));

        assertReason(Reason.TOO_LARGE, () -> limited.decode(ImageEncoding.RAW_U8, new byte[11 * 2], 2, 11, 1));
    }

    @Test
    void giantPngHeaderIsRefusedWithoutDecodingPixels() {
        byte[] bomb = TestImages.pngWithHeaderOnlySize(60000, 60000);
        assertTrue(bomb.length < 100, "the crafted PNG is tiny: " + bomb.length + " bytes");
        ImageDecodingException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(ImageDecodingException.class,
                        () -> decoder.decode(ImageEncoding.PNG, bomb, 0, 0, 0)));
        assertEquals(Reason.TOO_LARGE, e.reason());
        assertEquals("PNG header declares 60000x60000 = 3600000000 pixels, limit is 16777216", e.getMessage());
    }

    @Test
    void pngHeaderWithinLimitsButMissingPixelDataIsCorrupt() {
        byte[] truncatedData = TestImages.pngWithHeaderOnlySize(100, 100);
        assertReason(Reason.CORRUPT, () -> decoder.decode(ImageEncoding.PNG, truncatedData, 100, 100, 1));
    }

    // ---- corrupt and mismatched payloads ------------------------------------------------------

    @Test
    void truncatedPngIsCorrupt() {
        byte[] png = ImageEncoder.png(TestImages.random(40, 40, 3, 3));
        assertReason(Reason.CORRUPT, () -> decoder.decode(ImageEncoding.PNG, Arrays.copyOf(png, png.length / 2), 0, 0, 0));
        assertReason(Reason.CORRUPT, () -> decoder.decode(ImageEncoding.PNG, Arrays.copyOf(png, 20), 0, 0, 0));
        assertReason(Reason.CORRUPT, () -> decoder.decode(ImageEncoding.PNG, Arrays.copyOf(png, 8), 0, 0, 0));
    }

    @Test
    void truncatedJpegIsCorrupt() {
        byte[] jpeg = ImageEncoder.jpeg(TestImages.gradient(64, 64, 3), 0.9f);
        ImageDecodingException e = assertReason(Reason.CORRUPT,
                () -> decoder.decode(ImageEncoding.JPEG, Arrays.copyOf(jpeg, jpeg.length * 2 / 3), 0, 0, 0));
        assertTrue(e.getMessage().startsWith("JPEG pixel data is"), e.getMessage());
    }

    @Test
    void nonImageBytesAreCorruptAndTheMessageShowsWhatWasExpected() {
        byte[] text = "Hello, world! This is not an image.".getBytes(StandardCharsets.US_ASCII);
        ImageDecodingException e = assertReason(Reason.CORRUPT, () -> decoder.decode(ImageEncoding.PNG, text, 0, 0, 0));
        assertEquals("Payload declared as PNG is not a recognisable image (35 bytes): expected the PNG signature "
                + "89 50 4E 47 0D 0A 1A 0A, found 48 65 6C 6C 6F 2C 20 77", e.getMessage());
        assertReason(Reason.CORRUPT, () -> decoder.decode(ImageEncoding.JPEG, text, 0, 0, 0));
        // Dark raw pixels start with zero bytes, which ImageIO's WBMP reader claims; still just "corrupt".
        assertReason(Reason.CORRUPT, () -> decoder.decode(ImageEncoding.PNG, new byte[] {0, 0, 10, 10, 0, 0, 0, 0}, 0, 0, 0));
    }

    @Test
    void jpegDeclaredAsPngNamesBothFormats() {
        byte[] jpeg = ImageEncoder.jpeg(TestImages.gradient(8, 8, 3), 0.9f);
        ImageDecodingException e = assertReason(Reason.UNSUPPORTED_FORMAT,
                () -> decoder.decode(ImageEncoding.PNG, jpeg, 0, 0, 0));
        assertTrue(e.getMessage().startsWith("Payload declared as PNG is actually JPEG (first bytes FF D8 FF"),
                e.getMessage());

        byte[] png = ImageEncoder.png(TestImages.gradient(8, 8, 3));
        ImageDecodingException reverse = assertReason(Reason.UNSUPPORTED_FORMAT,
                () -> decoder.decode(ImageEncoding.JPEG, png, 0, 0, 0));
        assertTrue(reverse.getMessage().startsWith("Payload declared as JPEG is actually PNG"), reverse.getMessage());
    }

    @Test
    void otherImageFormatsAreUnsupported() throws IOException {
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED), "gif", gif);
        ImageDecodingException e = assertReason(Reason.UNSUPPORTED_FORMAT,
                () -> decoder.decode(ImageEncoding.PNG, gif.toByteArray(), 0, 0, 0));
        assertTrue(e.getMessage().contains("is actually GIF"), e.getMessage());
    }

    @Test
    void declaredSizeMustMatchTheHeader() {
        byte[] png = ImageEncoder.png(TestImages.random(28, 28, 1, 1));
        ImageDecodingException e = assertReason(Reason.DECLARED_SIZE_MISMATCH,
                () -> decoder.decode(ImageEncoding.PNG, png, 32, 28, 1));
        assertEquals("Declared size 32x28 does not match the PNG header's 28x28", e.getMessage());
        assertReason(Reason.DECLARED_SIZE_MISMATCH, () -> decoder.decode(ImageEncoding.PNG, png, 0, 27, 0));
        assertEquals(28, decoder.decode(ImageEncoding.PNG, png, 28, 0, 0).width(), "0 means unknown");
    }

    @Test
    void declaredChannelsMustMatchTheDecodedImage() {
        byte[] png = ImageEncoder.png(TestImages.random(4, 4, 1, 1));
        ImageDecodingException e = assertReason(Reason.DECLARED_SIZE_MISMATCH,
                () -> decoder.decode(ImageEncoding.PNG, png, 4, 4, 3));
        assertEquals("Declared 3 channels but the PNG decodes to 1 channel (gray)", e.getMessage());
        assertReason(Reason.UNSUPPORTED_CHANNELS, () -> decoder.decode(ImageEncoding.PNG, png, 4, 4, 2));
    }

    @Test
    void negativeDeclarationsAreRefused() {
        byte[] png = ImageEncoder.png(TestImages.random(4, 4, 1, 1));
        assertReason(Reason.DECLARED_SIZE_MISMATCH, () -> decoder.decode(ImageEncoding.PNG, png, -1, 4, 1));
    }

    @Test
    void rawLengthMustMatchTheDeclaredSizeExactly() {
        ImageDecodingException shorter = assertReason(Reason.DECLARED_SIZE_MISMATCH,
                () -> decoder.decode(ImageEncoding.RAW_U8, new byte[700], 28, 28, 1));
        assertEquals("RAW_U8 declares 28x28x1 = 784 bytes, payload has 700 bytes", shorter.getMessage());
        assertReason(Reason.DECLARED_SIZE_MISMATCH, () -> decoder.decode(ImageEncoding.RAW_U8, new byte[785], 28, 28, 1));
        assertReason(Reason.DECLARED_SIZE_MISMATCH, () -> decoder.decode(ImageEncoding.RAW_U8, new byte[784], 28, 28, 3));
    }

    @Test
    void rawNeedsDeclaredDimensionsAndSupportedChannels() {
        ImageDecodingException missing = assertReason(Reason.DECLARED_SIZE_MISMATCH,
                () -> decoder.decode(ImageEncoding.RAW_U8, new byte[784], 0, 28, 1));
        assertTrue(missing.getMessage().contains("width=0"), missing.getMessage());
        assertReason(Reason.DECLARED_SIZE_MISMATCH, () -> decoder.decode(ImageEncoding.RAW_U8, new byte[784], 28, 28, 0));
        ImageDecodingException channels = assertReason(Reason.UNSUPPORTED_CHANNELS,
                () -> decoder.decode(ImageEncoding.RAW_U8, new byte[8], 2, 2, 2));
        assertEquals("Declared RAW_U8 image has 2 channels; supported are 1 (gray), 3 (RGB) and 4 (RGBA)",
                channels.getMessage());
    }

    @Test
    void limitsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new ImageLimits(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ImageLimits(1, 1, -1, 1));
        ImageLimits defaults = ImageLimits.defaults();
        assertEquals(8 * 1024 * 1024, defaults.maxBytes());
        assertEquals(4096, defaults.maxWidth());
        assertEquals(4096, defaults.maxHeight());
        assertEquals(16_777_216L, defaults.maxPixels());
    }

    // ---- helpers -------------------------------------------------------------------------------

    static ImageDecodingException assertReason(Reason expected, Executable executable) {
        ImageDecodingException e = assertThrows(ImageDecodingException.class, executable);
        assertEquals(expected, e.reason(), e.getMessage());
        return e;
    }

    private static byte[] imageIoPng(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, "png", out), "no PNG writer for " + image);
        return out.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
