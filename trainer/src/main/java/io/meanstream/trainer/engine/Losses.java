package io.meanstream.trainer.engine;

import ai.djl.ndarray.NDArray;

/**
 * The loss terms, each normalised so its scale does not depend on the batch composition: the class loss
 * is a mean over the labeled rows only (never over the whole batch: with 32 labeled rows in 128 that would
 * silently divide the supervised signal by 4), the consistency costs are means over all rows.
 */
public final class Losses {

    private Losses() {
    }

    /** Mean cross-entropy of logits (L, K) against int labels (L). */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray logProbs = logits.logSoftmax(1);
        NDArray picked = logProbs.mul(labels.oneHot((int) logits.getShape().get(1))).sum(new int[] {1});
        return picked.mean().neg();
    }

    /**
     * MSE between the softmax outputs: squared differences summed over the K classes, divided by K, averaged
     * over the rows. The teacher side is a constant (no gradient).
     */
    public static NDArray softmaxMse(NDArray studentLogits, NDArray teacherLogits) {
        NDArray diff = studentLogits.softmax(1).sub(teacherLogits.softmax(1).stopGradient());
        long classes = studentLogits.getShape().get(1);
        return diff.square().sum(new int[] {1}).div(classes).mean();
    }

    /** KL(teacher || student) of the softmax outputs, summed over classes, averaged over rows. */
    public static NDArray softmaxKl(NDArray studentLogits, NDArray teacherLogits) {
        NDArray teacherLogProbs = teacherLogits.logSoftmax(1).stopGradient();
        NDArray kl = teacherLogProbs.exp().mul(teacherLogProbs.sub(studentLogits.logSoftmax(1)));
        return kl.sum(new int[] {1}).mean();
    }

    /** The two-heads logit distance: squared differences summed over classes, divided by K, averaged over rows. */
    public static NDArray logitDistance(NDArray a, NDArray b) {
        long classes = a.getShape().get(1);
        return a.sub(b).square().sum(new int[] {1}).div(classes).mean();
    }

    public static NDArray consistency(MeanTeacherConfig.ConsistencyType type, NDArray student, NDArray teacher) {
        return type == MeanTeacherConfig.ConsistencyType.MSE ? softmaxMse(student, teacher) : softmaxKl(student, teacher);
    }
}
