package io.meanstream.trainer.data;

import ai.djl.ndarray.NDArray;

/**
 * One two-stream minibatch: the first {@code labeledCount} rows of {@code images} are labeled (their
 * classes in {@code labels}), the rest are unlabeled. Only the labeled rows reach the class loss; every
 * row reaches the consistency cost.
 *
 * @param images normalised (N, C, H, W) float32
 * @param labels (labeledCount) int64
 */
public record TrainingBatch(NDArray images, NDArray labels, int labeledCount) {

    public TrainingBatch {
        if (labeledCount < 0 || labeledCount > images.getShape().get(0)) {
            throw new IllegalArgumentException("labeledCount " + labeledCount + " outside the batch of " + images.getShape().get(0));
        }
        if (labels.getShape().get(0) != labeledCount) {
            throw new IllegalArgumentException(labels.getShape().get(0) + " labels for " + labeledCount + " labeled rows");
        }
    }

    public long size() {
        return images.getShape().get(0);
    }
}
