package io.meanstream.trainer.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.ImageNormaliser;
import io.meanstream.image.TensorSpec;

/**
 * A data set held as one normalised (N, C, H, W) tensor on the training device, normalised once with the
 * shared image library (the same code the streams-app runs), so batches are a single gather.
 */
public final class InMemoryImages implements AutoCloseable {

    private final NDArray images;
    private final int[] labels;
    private final TensorSpec spec;

    public InMemoryImages(NDManager manager, LabeledImages data, TensorSpec spec) {
        ImageNormaliser normaliser = new ImageNormaliser(spec);
        int size = normaliser.tensorSize();
        float[] all = new float[Math.multiplyExact(data.count(), size)];
        for (int i = 0; i < data.count(); i++) {
            normaliser.toChw(data.image(i), all, i * size);
        }
        this.images = manager.create(all, new Shape(data.count(), spec.channels(), spec.height(), spec.width()));
        this.labels = data.labels().clone();
        this.spec = spec;
    }

    public int size() {
        return labels.length;
    }

    public int label(int i) {
        return labels[i];
    }

    public int[] labels() {
        return labels.clone();
    }

    public TensorSpec spec() {
        return spec;
    }

    /** Rows {@code indices} as a batch whose first {@code labeledCount} rows are labeled. */
    public TrainingBatch batch(NDManager manager, int[] indices, int labeledCount) {
        long[] idx = new long[indices.length];
        long[] lab = new long[labeledCount];
        for (int i = 0; i < indices.length; i++) {
            idx[i] = indices[i];
            if (i < labeledCount) {
                lab[i] = labels[indices[i]];
            }
        }
        NDArray index = manager.create(idx);
        NDArray x = images.get(index);
        return new TrainingBatch(x, manager.create(lab).toType(DataType.INT64, false), labeledCount);
    }

    /** Rows [from, to) without labels, for evaluation. */
    public NDArray slice(int from, int to) {
        return images.get(from + ":" + to);
    }

    @Override
    public void close() {
        images.close();
    }
}
