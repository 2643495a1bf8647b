package io.meanstream.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meanstream.image.DecodedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @TempDir
    Path temp;

    private DatasetLocator offlineLocator() {
        assumeTrue(Files.isDirectory(DatasetLocator.DEBIAN_FASHION_MNIST_DIR),
                "needs the Debian package dataset-fashion-mnist");
        return DatasetLocator.fashionMnist().cacheDir(temp.resolve("cache")).allowDownload(false).build();
    }

    @Test
    void loadsTheRealTrainingSet() throws IOException {
        LabeledImages train = FashionMnist.load(FashionMnist.Split.TRAIN, offlineLocator());
        assertEquals(60000, train.count());
        assertEquals(1, train.channels());
        assertEquals(28, train.height());
        assertEquals(28, train.width());
        assertEquals(60000 * 784, train.pixels().length);
        int[] expected = new int[10];
        Arrays.fill(expected, 6000);
        assertArrayEquals(expected, train.labelHistogram());
        assertEquals(9, train.label(0));
        assertEquals("Ankle boot", train.className(0));
        DecodedImage first = train.image(0);
        assertEquals(28, first.width());
        assertEquals(1, first.channels());
        assertTrue(Arrays.equals(first.pixels(), Arrays.copyOfRange(train.pixels(), 0, 784)));
    }

    @Test
    void loadsTheRealTestSet() throws IOException {
        LabeledImages test = FashionMnist.load(FashionMnist.Split.TEST, offlineLocator());
        assertEquals(10000, test.count());
        int[] expected = new int[10];
        Arrays.fill(expected, 1000);
        assertArrayEquals(expected, test.labelHistogram());
        assertEquals(FashionMnist.CLASS_NAMES, test.classNames());
    }

    @Test
    void loadsUnpackedFilesFromAnyDirectory() throws IOException {
        Path dir = TestIdx.writeMiniFashionMnist(temp.resolve("mini"), 12, false);
        LabeledImages images = FashionMnist.load(FashionMnist.Split.TEST, dir);
        assertEquals(12, images.count());
        assertEquals(3, images.label(3));
        assertEquals(4, images.image(3).sample(27, 27, 0));
        assertEquals(1, images.label(11));
        assertEquals("Dress", images.className(3));
    }

    @Test
    void mismatchedImageAndLabelCountsAreAnError() throws IOException {
        Path dir = TestIdx.writeMiniFashionMnist(temp.resolve("mini"), 3, true);
        TestIdx.write(dir.resolve("train-labels-idx1-ubyte"), new int[] {2}, new byte[2], false);
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(FashionMnist.Split.TRAIN, dir));
        assertTrue(e.getMessage().contains("has 3 images but"), e.getMessage());
        assertTrue(e.getMessage().contains("has 2 labels"), e.getMessage());
    }

    @Test
    void labelsOutsideTheTenClassesAreAnError() throws IOException {
        Path dir = TestIdx.writeMiniFashionMnist(temp.resolve("mini"), 2, false);
        TestIdx.write(dir.resolve("t10k-labels-idx1-ubyte"), new int[] {2}, new byte[] {1, 10}, false);
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(FashionMnist.Split.TEST, dir));
        assertTrue(e.getMessage().endsWith("label 10 of image 1 is not a Fashion-MNIST class (0..9)"), e.getMessage());
    }

    @Test
    void fileNamesAndClassNamesAreThePublishedOnes() {
        assertEquals(java.util.List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"), FashionMnist.fileNames());
        assertEquals(java.util.List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                "Sneaker", "Bag", "Ankle boot"), FashionMnist.CLASS_NAMES);
    }
}
