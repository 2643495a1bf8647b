package io.meanstream.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.image.DecodedImage;
import io.meanstream.image.ImageDecoder;
import io.meanstream.image.ImageEncoder;
import io.meanstream.image.ImageEncoding;
import io.meanstream.image.ImageLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {

    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.defaults());

    @TempDir
    Path root;

    /** RGB image whose every pixel is (value, value / 2, 255 - value). */
    private static DecodedImage colour(int width, int height, int value) {
        byte[] pixels = new byte[width * height * 3];
        for (int i = 0; i < pixels.length; i += 3) {
            pixels[i] = (byte) value;
            pixels[i + 1] = (byte) (value / 2);
            pixels[i + 2] = (byte) (255 - value);
        }
        return new DecodedImage(width, height, 3, pixels);
    }

    private void png(String relative, DecodedImage image) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, ImageEncoder.png(image));
    }

    /** dog/ (2 images, one nested, one upper-case), cat/ (1 image + junk), .hidden/ and stray files. */
    private void standardLayout() throws IOException {
        png("dog/b.png", colour(4, 3, 100));
        png("dog/nested/a.PNG", colour(4, 3, 120));
        png("cat/z.png", colour(4, 3, 200));
        Files.writeString(root.resolve("cat/README.txt"), "not an image");
        png("cat/.thumb.png", colour(9, 9, 1));
        png("cat/.cache/x.png", colour(9, 9, 1));
        png(".hidden/x.png", colour(9, 9, 1));
        Files.writeString(root.resolve("labels.csv"), "stray file at the top level");
    }

    @Test
    void classesAreSortedNonHiddenSubFolders() throws IOException {
        standardLayout();
        Files.createDirectories(root.resolve("empty-class"));
        assertEquals(List.of("cat", "dog", "empty-class"), ImageFolderDataset.classNames(root));
    }

    @Test
    void listIsLazyGroupedByClassAndSkipsHiddenAndNonImageFiles() throws IOException {
        standardLayout();
        png("cat/y.jpeg", colour(4, 3, 1)); // listed even though it is a PNG in disguise: nothing is read
        List<ImageFolderDataset.Entry> entries = ImageFolderDataset.list(root);
        assertEquals(List.of(
                new ImageFolderDataset.Entry(root.resolve("cat/y.jpeg"), 0, "cat", ImageEncoding.JPEG),
                new ImageFolderDataset.Entry(root.resolve("cat/z.png"), 0, "cat", ImageEncoding.PNG),
                new ImageFolderDataset.Entry(root.resolve("dog/b.png"), 1, "dog", ImageEncoding.PNG),
                new ImageFolderDataset.Entry(root.resolve("dog/nested/a.PNG"), 1, "dog", ImageEncoding.PNG)),
                entries);
    }

    @Test
    void loadDecodesEverythingInListOrder() throws IOException {
        standardLayout();
        LabeledImages rgb = ImageFolderDataset.load(root, 3, decoder);
        assertEquals(3, rgb.count());
        assertEquals(3, rgb.channels());
        assertEquals(4, rgb.width());
        assertEquals(3, rgb.height());
        assertEquals(List.of("cat", "dog"), rgb.classNames());
        assertArrayEquals(new int[] {0, 1, 1}, rgb.labels());
        assertEquals(colour(4, 3, 200), rgb.image(0));
        assertEquals(colour(4, 3, 100), rgb.image(1));
        assertEquals(colour(4, 3, 120), rgb.image(2));
        assertArrayEquals(new int[] {1, 2}, rgb.labelHistogram());
    }

    @Test
    void loadConvertsToGrayWithTheNormalisersLuminance() throws IOException {
        standardLayout();
        LabeledImages gray = ImageFolderDataset.load(root, 1, decoder);
        assertEquals(1, gray.channels());
        // (200, 100, 55): 59.8 + 58.7 + 6.27 = 124.77 -> 125
        assertEquals(125, gray.image(0).sample(3, 2, 0));
        assertEquals(colour(4, 3, 200).toChannels(1), gray.image(0));
        assertEquals(4 * 3 * 3, gray.pixels().length);
    }

    @Test
    void jpegFilesAreDecodedToo() throws IOException {
        Files.createDirectories(root.resolve("a"));
        Files.write(root.resolve("a/photo.JPG"), ImageEncoder.jpeg(colour(8, 8, 90), 1f));
        LabeledImages images = ImageFolderDataset.load(root, 3, decoder);
        assertEquals(1, images.count());
        assertTrue(Math.abs(images.image(0).sample(4, 4, 0) - 90) <= 3);
    }

    @Test
    void imagesOfDifferentSizesAreAnError() throws IOException {
        png("a/1.png", colour(4, 3, 1));
        png("b/2.png", colour(5, 3, 1));
        IOException e = assertThrows(IOException.class, () -> ImageFolderDataset.load(root, 3, decoder));
        assertEquals(root.resolve("b/2.png") + " is 5x3 but earlier images are 4x3; all images of an image folder "
                + "data set must have the same size", e.getMessage());
    }

    @Test
    void undecodableFilesAreNamedInTheError() throws IOException {
        png("a/1.png", colour(4, 3, 1));
        Files.write(root.resolve("a/2.png"), new byte[] {1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> ImageFolderDataset.load(root, 3, decoder));
        assertTrue(e.getMessage().startsWith("Cannot load " + root.resolve("a/2.png") + " (CORRUPT): "), e.getMessage());
    }

    @Test
    void emptyOrMissingFoldersAreClearErrors() throws IOException {
        IOException empty = assertThrows(IOException.class, () -> ImageFolderDataset.list(root));
        assertTrue(empty.getMessage().startsWith("Image folder " + root + " has no class sub-folders"),
                empty.getMessage());

        Files.createDirectories(root.resolve("cat"));
        Files.writeString(root.resolve("cat/notes.txt"), "x");
        IOException noImages = assertThrows(IOException.class, () -> ImageFolderDataset.list(root));
        assertEquals("Image folder " + root + " has class folders [cat] but no .png, .jpg or .jpeg files in them",
                noImages.getMessage());

        assertThrows(NoSuchFileException.class, () -> ImageFolderDataset.list(root.resolve("missing")));
        assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.load(root, 4, decoder));
    }

    @Test
    void encodingIsTakenFromTheExtension() {
        assertEquals(Optional.of(ImageEncoding.PNG), ImageFolderDataset.encodingOf(Path.of("x.Png")));
        assertEquals(Optional.of(ImageEncoding.JPEG), ImageFolderDataset.encodingOf(Path.of("x.jpeg")));
        assertEquals(Optional.of(ImageEncoding.JPEG), ImageFolderDataset.encodingOf(Path.of("x.JPG")));
        assertEquals(Optional.empty(), ImageFolderDataset.encodingOf(Path.of("x.gif")));
        assertEquals(Optional.empty(), ImageFolderDataset.encodingOf(Path.of("png")));
    }

    @Test
    void labeledImagesValidatesItsArrays() {
        List<String> classes = List.of("a");
        assertThrows(IllegalArgumentException.class, () -> new LabeledImages(1, 1, 2, 2, new byte[3], new int[1], classes));
        assertThrows(IllegalArgumentException.class, () -> new LabeledImages(1, 1, 2, 2, new byte[4], new int[2], classes));
        assertThrows(IllegalArgumentException.class, () -> new LabeledImages(1, 1, 2, 2, new byte[4], new int[] {1}, classes));
        LabeledImages ok = new LabeledImages(2, 1, 1, 2, new byte[] {1, 2, 3, 4}, new int[] {0, 0}, classes);
        assertArrayEquals(new byte[] {3, 4}, ok.image(1).pixels());
        assertThrows(IndexOutOfBoundsException.class, () -> ok.image(2));
        assertTrue(Arrays.equals(new int[] {2}, ok.labelHistogram()));
    }
}
