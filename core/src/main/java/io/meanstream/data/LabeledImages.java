package io.meanstream.data;

import io.meanstream.image.DecodedImage;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory labelled image data set with images of one size. Arrays are not copied (a training set
 * is tens of megabytes); treat them as read-only.
 *
 * @param count      number of images
 * @param channels   1, 3 or 4
 * @param height     rows per image
 * @param width      columns per image
 * @param pixels     {@code count * height * width * channels} unsigned bytes; image {@code i} starts at
 *                   {@code i * height * width * channels} and is HWC (for 1 channel identical to CHW)
 * @param labels     class index per image, each in {@code [0, classNames.size())}
 * @param classNames class names by index
 */
public record LabeledImages(int count, int channels, int height, int width, byte[] pixels, int[] labels,
        List<String> classNames) {

    public LabeledImages {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        classNames = List.copyOf(classNames);
        if (count < 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("need count >= 0 and a positive size, got count=" + count + " size="
                    + width + "x" + height);
        }
        if (channels != 1 && channels != 3 && channels != 4) {
            throw new IllegalArgumentException("channels must be 1, 3 or 4, got " + channels);
        }
        long expected = (long) count * height * width * channels;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(count + " images of " + width + "x" + height + "x" + channels
                    + " need " + expected + " pixel bytes, got " + pixels.length);
        }
        if (labels.length != count) {
            throw new IllegalArgumentException("need one label per image (" + count + "), got " + labels.length);
        }
        for (int i = 0; i < count; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside [0, "
                        + classNames.size() + ")");
            }
        }
    }

    /** Bytes per image: {@code height * width * channels}. */
    public int imageBytes() {
        return height * width * channels;
    }

    /** Image {@code i} as a (copied) {@link DecodedImage}. */
    public DecodedImage image(int i) {
        Objects.checkIndex(i, count);
        return DecodedImage.fromSlice(width, height, channels, pixels, i * imageBytes());
    }

    /** Class index of image {@code i}. */
    public int label(int i) {
        Objects.checkIndex(i, count);
        return labels[i];
    }

    /** Class name of image {@code i}. */
    public String className(int i) {
        return classNames.get(label(i));
    }

    /** Number of images per class index. */
    public int[] labelHistogram() {
        int[] histogram = new int[classNames.size()];
        for (int label : labels) {
            histogram[label]++;
        }
        return histogram;
    }

    @Override
    public String toString() {
        return "LabeledImages[" + count + " x " + width + "x" + height + "x" + channels + ", classes=" + classNames + "]";
    }
}
