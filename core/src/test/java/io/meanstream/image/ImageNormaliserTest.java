package io.meanstream.image;

import static io.meanstream.image.ImageDecoderTest.assertReason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.image.ImageDecodingException.Reason;
import io.meanstream.image.TensorSpec.ResizePolicy;
import org.junit.jupiter.api.Test;

class ImageNormaliserTest {

    /** Identity normalisation on the 0..1 scale, so expected values are simply x / 255. */
    private static TensorSpec unitSpec(int channels, int height, int width, ResizePolicy resize) {
        float[] zeros = new float[channels];
        float[] ones = new float[channels];
        java.util.Arrays.fill(ones, 1f);
        return new TensorSpec(channels, height, width, zeros, ones, resize);
    }

    @Test
    void fashionMnistNormalisationFollowsTheDocumentedFormula() {
        ImageNormaliser normaliser = new ImageNormaliser(TensorSpec.fashionMnist());
        int[] values = new int[28 * 28];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i * 37) % 256;
        }
        float[] tensor = normaliser.toChw(TestImages.gray(28, 28, values));
        assertEquals(784, tensor.length);
        for (int i = 0; i < values.length; i++) {
            assertEquals((values[i] / 255f - 0.2860f) / 0.3530f, tensor[i], 0f, "pixel " + i);
        }
        assertEquals(-0.2860f / 0.3530f, tensor[0], 1e-6f);
        assertEquals((1f - 0.2860f) / 0.3530f, normaliser.toChw(TestImages.uniform(28, 28, 1, 255))[100], 1e-6f);
    }

    @Test
    void perChannelMeanAndStdAndChwLayout() {
        TensorSpec spec = new TensorSpec(3, 1, 2, new float[] {0.1f, 0.2f, 0.3f}, new float[] {0.5f, 0.25f, 2f},
                ResizePolicy.REJECT);
        // Two RGB pixels: (255, 0, 51) and (102, 204, 255)
        DecodedImage image = new DecodedImage(2, 1, 3, new byte[] {(byte) 255, 0, 51, 102, (byte) 204, (byte) 255});
        float[] tensor = new ImageNormaliser(spec).toChw(image);
        float[] expected = {
            (1f - 0.1f) / 0.5f, (102 / 255f - 0.1f) / 0.5f,     // R plane
            (0f - 0.2f) / 0.25f, (204 / 255f - 0.2f) / 0.25f,   // G plane
            (51 / 255f - 0.3f) / 2f, (1f - 0.3f) / 2f};         // B plane
        assertArrayEquals(expected, tensor, 0f);
    }

    @Test
    void colourToGrayUsesRoundedBt601Luminance() {
        DecodedImage rgb = new DecodedImage(5, 1, 3, new byte[] {
            (byte) 255, 0, 0,   0, (byte) 255, 0,   0, 0, (byte) 255,   10, 20, 30,   (byte) 200, (byte) 200, (byte) 200});
        // 0.299*255 = 76.245, 0.587*255 = 149.685, 0.114*255 = 29.07, 2.99+11.74+3.42 = 18.15, gray stays gray
        int[] expected = {76, 150, 29, 18, 200};
        DecodedImage gray = rgb.toChannels(1);
        float[] tensor = new ImageNormaliser(unitSpec(1, 1, 5, ResizePolicy.REJECT)).toChw(rgb);
        for (int x = 0; x < expected.length; x++) {
            assertEquals(expected[x], gray.sample(x, 0, 0), "pixel " + x);
            assertEquals(expected[x] / 255f, tensor[x], 0f, "pixel " + x);
        }
        // 0.114 * 250 = 28.5 exactly: ties round up, computed in integers so no float error can flip it
        assertEquals(29, new DecodedImage(1, 1, 3, new byte[] {0, 0, (byte) 250}).toChannels(1).sample(0, 0, 0));
        assertEquals(75, new DecodedImage(1, 1, 3, new byte[] {(byte) 250, 0, 0}).toChannels(1).sample(0, 0, 0));
    }

    @Test
    void rgbaToGrayIgnoresAlpha() {
        DecodedImage rgba = new DecodedImage(1, 1, 4, new byte[] {(byte) 255, 0, 0, 0});
        assertEquals(76, rgba.toChannels(1).sample(0, 0, 0));
        assertEquals(76 / 255f, new ImageNormaliser(unitSpec(1, 1, 1, ResizePolicy.REJECT)).toChw(rgba)[0], 0f);
    }

    @Test
    void grayToRgbReplicatesAndRgbaToRgbDropsAlpha() {
        ImageNormaliser rgbNormaliser = new ImageNormaliser(unitSpec(3, 1, 2, ResizePolicy.REJECT));
        float[] fromGray = rgbNormaliser.toChw(TestImages.gray(2, 1, 0, 51));
        assertArrayEquals(new float[] {0f, 0.2f, 0f, 0.2f, 0f, 0.2f}, fromGray, 0f);

        DecodedImage rgba = new DecodedImage(2, 1, 4, new byte[] {10, 20, 30, 0, 40, 50, 60, (byte) 255});
        float[] fromRgba = rgbNormaliser.toChw(rgba);
        assertArrayEquals(new float[] {10 / 255f, 40 / 255f, 20 / 255f, 50 / 255f, 30 / 255f, 60 / 255f}, fromRgba, 0f);
        assertArrayEquals(new byte[] {10, 20, 30, 40, 50, 60}, rgba.toChannels(3).pixels());
    }

    @Test
    void toChannelsToRgbaAddsOpaqueAlphaAndSameCountIsIdentity() {
        DecodedImage gray = TestImages.gray(1, 1, 9);
        assertArrayEquals(new byte[] {9, 9, 9, (byte) 255}, gray.toChannels(4).pixels());
        assertSame(gray, gray.toChannels(1));
        assertReason(Reason.UNSUPPORTED_CHANNELS, () -> gray.toChannels(2));
    }

    @Test
    void rejectPolicyRefusesOtherSizesWithAClearMessage() {
        ImageNormaliser normaliser = new ImageNormaliser(TensorSpec.fashionMnist());
        ImageDecodingException e = assertReason(Reason.SIZE_MISMATCH,
                () -> normaliser.toChw(TestImages.uniform(56, 56, 1, 10)));
        assertEquals("Image is 56x56 (width x height) but the model expects 28x28 and the resize policy is REJECT; "
                + "send 28x28 images or use ResizePolicy.RESIZE", e.getMessage());
    }

    @Test
    void resizingAUniformImageKeepsItUniform() {
        ImageNormaliser normaliser = new ImageNormaliser(TensorSpec.fashionMnist().withResize(ResizePolicy.RESIZE));
        float expected = (200 / 255f - 0.2860f) / 0.3530f;
        for (DecodedImage image : new DecodedImage[] {TestImages.uniform(56, 56, 1, 200),
                TestImages.uniform(13, 41, 3, 200), TestImages.uniform(100, 7, 4, 200)}) {
            float[] tensor = normaliser.toChw(image);
            for (float value : tensor) {
                assertEquals(expected, value, 0f, image.toString());
            }
        }
    }

    @Test
    void upscaling2x2To4x4UsesHalfPixelCentres() {
        ImageNormaliser normaliser = new ImageNormaliser(unitSpec(1, 4, 4, ResizePolicy.RESIZE));
        float[] tensor = normaliser.toChw(TestImages.gray(2, 2, 0, 100, 200, 40));
        // Source coordinates for outputs 0..3 are clamp((i + 0.5) / 2 - 0.5) = 0, 0.25, 0.75, 1.
        float[][] expected = {
            {0f, 25f, 75f, 100f},
            {50f, 58.75f, 76.25f, 85f},
            {150f, 126.25f, 78.75f, 55f},
            {200f, 160f, 80f, 40f}};
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(expected[y][x] / 255f, tensor[y * 4 + x], 1e-6f, "(" + x + ", " + y + ")");
            }
        }
    }

    @Test
    void halvingAveragesEach2x2Block() {
        ImageNormaliser normaliser = new ImageNormaliser(unitSpec(1, 2, 2, ResizePolicy.RESIZE));
        float[] tensor = normaliser.toChw(TestImages.gray(4, 4,
                0, 4, 10, 20,
                8, 12, 30, 40,
                100, 100, 1, 3,
                100, 100, 5, 7));
        assertArrayEquals(new float[] {6 / 255f, 25 / 255f, 100 / 255f, 4 / 255f}, tensor, 1e-6f);
    }

    @Test
    void resizeAppliesChannelConversionFirst() {
        ImageNormaliser normaliser = new ImageNormaliser(unitSpec(1, 1, 1, ResizePolicy.RESIZE));
        // 2x2 of pure red (luminance 76) averaged to one pixel
        float[] tensor = normaliser.toChw(new DecodedImage(2, 2, 3, new byte[] {
            (byte) 255, 0, 0, (byte) 255, 0, 0, (byte) 255, 0, 0, (byte) 255, 0, 0}));
        assertEquals(76 / 255f, tensor[0], 1e-6f);
    }

    @Test
    void fillsABatchBufferAtAnOffsetWithoutTouchingTheRest() {
        ImageNormaliser normaliser = new ImageNormaliser(unitSpec(1, 2, 2, ResizePolicy.REJECT));
        float[] batch = new float[12];
        java.util.Arrays.fill(batch, -7f);
        normaliser.toChw(TestImages.gray(2, 2, 255, 255, 255, 255), batch, 4);
        assertArrayEquals(new float[] {-7f, -7f, -7f, -7f, 1f, 1f, 1f, 1f, -7f, -7f, -7f, -7f}, batch, 0f);
        assertThrows(IndexOutOfBoundsException.class,
                () -> normaliser.toChw(TestImages.gray(2, 2, 1, 2, 3, 4), batch, 9));
        assertThrows(IndexOutOfBoundsException.class,
                () -> normaliser.toChw(TestImages.gray(2, 2, 1, 2, 3, 4), batch, -1));
    }

    @Test
    void tensorSpecDescribesItselfStablyAndValidates() {
        assertEquals("1x28x28 mean=[0.286] std=[0.353] resize=REJECT", TensorSpec.fashionMnist().describe());
        TensorSpec imagenet = new TensorSpec(3, 224, 224, new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f}, ResizePolicy.RESIZE);
        assertEquals("3x224x224 mean=[0.485,0.456,0.406] std=[0.229,0.224,0.225] resize=RESIZE", imagenet.describe());
        assertEquals(ResizePolicy.RESIZE, TensorSpec.fashionMnist().withResize(ResizePolicy.RESIZE).resize());
        assertEquals(TensorSpec.fashionMnist(), TensorSpec.fashionMnist());
        assertEquals(TensorSpec.fashionMnist().hashCode(), TensorSpec.fashionMnist().hashCode());
        assertEquals(784, TensorSpec.fashionMnist().tensorSize());

        float[] mean = {0.5f};
        TensorSpec spec = new TensorSpec(1, 2, 2, mean, new float[] {1f}, ResizePolicy.REJECT);
        mean[0] = 9f;
        spec.mean()[0] = 9f;
        assertEquals(0.5f, spec.mean()[0], "the spec is immutable");

        assertThrows(IllegalArgumentException.class,
                () -> new TensorSpec(2, 2, 2, new float[2], new float[] {1f, 1f}, ResizePolicy.REJECT));
        assertThrows(IllegalArgumentException.class,
                () -> new TensorSpec(3, 2, 2, new float[1], new float[] {1f}, ResizePolicy.REJECT));
        assertThrows(IllegalArgumentException.class,
                () -> new TensorSpec(1, 2, 2, new float[1], new float[] {0f}, ResizePolicy.REJECT));
        assertThrows(IllegalArgumentException.class,
                () -> new TensorSpec(1, 0, 2, new float[1], new float[] {1f}, ResizePolicy.REJECT));
        assertThrows(NullPointerException.class,
                () -> new TensorSpec(1, 2, 2, new float[1], new float[] {1f}, null));
    }

    @Test
    void pipelineDecodesAndNormalisesLikeItsParts() {
        ImagePipeline pipeline = new ImagePipeline(ImageLimits.defaults(), TensorSpec.fashionMnist());
        DecodedImage rgb = TestImages.random(28, 28, 3, 5);
        byte[] png = ImageEncoder.png(rgb);
        float[] expected = new ImageNormaliser(TensorSpec.fashionMnist()).toChw(rgb);
        assertArrayEquals(expected, pipeline.decodeToChw(ImageEncoding.PNG, png, 28, 28, 3), 0f);
        assertArrayEquals(expected, pipeline.decodeToChw(ImageEncoding.RAW_U8, rgb.pixels(), 28, 28, 3), 0f);

        float[] batch = new float[2 * 784];
        pipeline.decodeToChw(ImageEncoding.PNG, png, 0, 0, 0, batch, 784);
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(batch, 784, 1568), 0f);
        assertEquals(TensorSpec.fashionMnist(), pipeline.spec());

        ImageDecodingException e = assertReason(Reason.SIZE_MISMATCH,
                () -> pipeline.decodeToChw(ImageEncoding.PNG, ImageEncoder.png(TestImages.random(30, 28, 1, 1)), 0, 0, 0));
        assertTrue(e.getMessage().contains("30x28"), e.getMessage());
    }
}
