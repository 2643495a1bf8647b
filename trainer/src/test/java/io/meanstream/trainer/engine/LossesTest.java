package io.meanstream.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Loss values against hand computations (natural logs, softmax by hand). */
class LossesTest {

    static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    static double[] softmax(double... z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = Math.exp(z[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < z.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    @Test
    void crossEntropyIsTheMeanNegativeLogLikelihood() {
        NDArray logits = manager.create(new float[] {2, 1, 0, 0, 0, 3}, new Shape(2, 3));
        NDArray labels = manager.create(new long[] {0, 1});
        double expected = -(Math.log(softmax(2, 1, 0)[0]) + Math.log(softmax(0, 0, 3)[1])) / 2;
        assertEquals(expected, Losses.crossEntropy(logits, labels).getFloat(), 1e-6);
    }

    @Test
    void softmaxMseSumsOverClassesDividesByTheClassCountAndAveragesRows() {
        double[] s1 = softmax(1, 0, -1);
        double[] t1 = softmax(0, 0, 0);
        double[] s2 = softmax(3, 0, 0);
        double[] t2 = softmax(0, 3, 0);
        double row1 = 0;
        double row2 = 0;
        for (int k = 0; k < 3; k++) {
            row1 += Math.pow(s1[k] - t1[k], 2);
            row2 += Math.pow(s2[k] - t2[k], 2);
        }
        double expected = (row1 / 3 + row2 / 3) / 2;
        NDArray student = manager.create(new float[] {1, 0, -1, 3, 0, 0}, new Shape(2, 3));
        NDArray teacher = manager.create(new float[] {0, 0, 0, 0, 3, 0}, new Shape(2, 3));
        assertEquals(expected, Losses.softmaxMse(student, teacher).getFloat(), 1e-7);
        assertEquals(0.0, Losses.softmaxMse(student, student).getFloat(), 1e-9);
    }

    @Test
    void klIsTeacherWeightedLogRatio() {
        double[] s = softmax(1, 2, 0);
        double[] t = softmax(0, 1, 3);
        double expected = 0;
        for (int k = 0; k < 3; k++) {
            expected += t[k] * (Math.log(t[k]) - Math.log(s[k]));
        }
        NDArray student = manager.create(new float[] {1, 2, 0}, new Shape(1, 3));
        NDArray teacher = manager.create(new float[] {0, 1, 3}, new Shape(1, 3));
        assertEquals(expected, Losses.softmaxKl(student, teacher).getFloat(), 1e-6);
    }

    @Test
    void logitDistanceIsTheMeanSquaredLogitGapOverClasses() {
        NDArray a = manager.create(new float[] {1, 2, 3, 0}, new Shape(2, 2));
        NDArray b = manager.create(new float[] {0, 0, 3, 2}, new Shape(2, 2));
        // rows: (1 + 4)/2 = 2.5 and (0 + 4)/2 = 2 -> mean 2.25
        assertEquals(2.25, Losses.logitDistance(a, b).getFloat(), 1e-7);
    }

    @Test
    void unlabeledRowsNeverReachTheClassLoss() {
        NDArray logits = manager.randomNormal(new Shape(6, 4));
        logits.setRequiresGradient(true);
        NDArray labels = manager.create(new long[] {1, 3});
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(MeanTeacherEngine.classLoss(logits, labels, 2));
        }
        float[] grad = logits.getGradient().toFloatArray();
        for (int i = 2 * 4; i < 6 * 4; i++) {
            assertEquals(0f, grad[i], 0f, "row " + i / 4 + " is unlabeled");
        }
        float labeledGrad = 0;
        for (int i = 0; i < 2 * 4; i++) {
            labeledGrad += Math.abs(grad[i]);
        }
        assertEquals(true, labeledGrad > 0, "labeled rows get gradient");
    }

    @Test
    void consistencyCostGivesNoGradientToTheTeacherSide() {
        NDArray student = manager.randomNormal(new Shape(3, 5));
        NDArray teacher = manager.randomNormal(new Shape(3, 5));
        student.setRequiresGradient(true);
        teacher.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(Losses.softmaxMse(student, teacher).add(Losses.softmaxKl(student, teacher)));
        }
        assertArrayEquals(new float[15], teacher.getGradient().toFloatArray(), 0f);
        assertEquals(DataType.FLOAT32, student.getGradient().getDataType());
    }
}
