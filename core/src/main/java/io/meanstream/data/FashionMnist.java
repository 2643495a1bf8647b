package io.meanstream.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Zalando's Fashion-MNIST: 70,000 gray 28x28 images of clothing in 10 classes, stored as four IDX
 * files (gzipped or not).
 */
public final class FashionMnist {

    /** Class names by label index, as published. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The two published splits. */
    public enum Split {
        /** 60,000 images, 6,000 per class. */
        TRAIN("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
        /** 10,000 images, 1,000 per class. */
        TEST("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

        private final String imagesFile;
        private final String labelsFile;

        Split(String imagesFile, String labelsFile) {
            this.imagesFile = imagesFile;
            this.labelsFile = labelsFile;
        }

        /** File name of the images, without {@code .gz}. */
        public String imagesFile() {
            return imagesFile;
        }

        /** File name of the labels, without {@code .gz}. */
        public String labelsFile() {
            return labelsFile;
        }
    }

    private FashionMnist() {
    }

    /** The four file names (without {@code .gz}), train before test, images before labels. */
    public static List<String> fileNames() {
        return List.of(Split.TRAIN.imagesFile(), Split.TRAIN.labelsFile(), Split.TEST.imagesFile(),
                Split.TEST.labelsFile());
    }

    /** Loads a split from wherever {@code locator} finds (or downloads) the data set. */
    public static LabeledImages load(Split split, DatasetLocator locator) throws IOException {
        return load(split, locator.locate());
    }

    /**
     * Loads a split from {@code directory}, which holds the IDX files with or without {@code .gz}.
     *
     * @throws IOException if a file is missing, malformed, or images and labels disagree
     */
    public static LabeledImages load(Split split, Path directory) throws IOException {
        Objects.requireNonNull(split, "split");
        Path imagesFile = resolve(directory, split.imagesFile());
        Path labelsFile = resolve(directory, split.labelsFile());
        IdxArray images = IdxReader.read(imagesFile);
        IdxArray labels = IdxReader.read(labelsFile);
        if (images.rank() != 3) {
            throw new IOException(imagesFile + " should be a 3-dimensional IDX (count, rows, columns), has dimensions "
                    + Arrays.toString(images.dims()));
        }
        if (labels.rank() != 1) {
            throw new IOException(labelsFile + " should be a 1-dimensional IDX (count), has dimensions "
                    + Arrays.toString(labels.dims()));
        }
        int count = images.dim(0);
        if (labels.dim(0) != count) {
            throw new IOException(imagesFile + " has " + count + " images but " + labelsFile + " has "
                    + labels.dim(0) + " labels");
        }
        byte[] rawLabels = labels.data();
        int[] classIndices = new int[count];
        for (int i = 0; i < count; i++) {
            classIndices[i] = rawLabels[i] & 0xFF;
            if (classIndices[i] >= CLASS_NAMES.size()) {
                throw new IOException(labelsFile + ": label " + classIndices[i] + " of image " + i
                        + " is not a Fashion-MNIST class (0.." + (CLASS_NAMES.size() - 1) + ")");
            }
        }
        return new LabeledImages(count, 1, images.dim(1), images.dim(2), images.data(), classIndices, CLASS_NAMES);
    }

    /** {@code name} if present, else {@code name.gz}: an unpacked copy is preferred because it reads faster. */
    static Path resolve(Path directory, String name) throws IOException {
        Path plain = directory.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gzipped = directory.resolve(name + ".gz");
        if (Files.isRegularFile(gzipped)) {
            return gzipped;
        }
        throw new IOException("Neither " + plain + " nor " + gzipped + " exists");
    }
}
