package io.meanstream.trainer.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A classifier: a trunk of layers ending in a feature vector, then one linear classification head and,
 * optionally, a second linear head used only for the consistency cost (Tarvainen & Valpola's
 * "two logit layers" trick; only the classification head is exported and served).
 *
 * @param inputShape {channels, height, width}
 */
public record NetworkSpec(String architecture, int[] inputShape, List<LayerSpec> trunk, int featureSize, int numClasses,
                          boolean twoHeads) {

    public NetworkSpec {
        if (inputShape.length != 3) {
            throw new IllegalArgumentException("input shape must be {channels, height, width}");
        }
        inputShape = inputShape.clone();
        trunk = List.copyOf(trunk);
    }

    public int channels() {
        return inputShape[0];
    }

    public int height() {
        return inputShape[1];
    }

    public int width() {
        return inputShape[2];
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    /**
     * The ConvNet of this project: a narrow, early-downsampling version of the paper's ConvNet for small
     * images. One 3x3 convolution (w filters) at full resolution, 2x2 max-pooling; two 3x3 convolutions
     * (2w) at half resolution, max-pooling; two 3x3 convolutions (4w) and a 1x1 convolution (2w) at quarter
     * resolution; global average pooling; dropout; the linear head(s). Every convolution is followed by
     * BatchNorm and LeakyReLU(0.1). Pooling early keeps the cost of a training step low on CPUs (most of
     * the work of a ConvNet on 28x28 images is at full resolution). Width 24 gives 161,554 parameters on
     * 1x28x28 (12.6M multiply-adds per image); any input of at least 4x4 pixels works (1x28x28, 3x32x32).
     */
    public static NetworkSpec convNet(int channels, int height, int width, int numClasses, int widthFactor, float dropout,
                                      boolean twoHeads) {
        if (height < 4 || width < 4) {
            throw new IllegalArgumentException("the ConvNet needs images of at least 4x4, got " + height + "x" + width);
        }
        int w = widthFactor;
        List<LayerSpec> layers = new ArrayList<>();
        convBnAct(layers, w, 3, 1);
        layers.add(new LayerSpec.MaxPool(2, 2));
        convBnAct(layers, 2 * w, 3, 1);
        convBnAct(layers, 2 * w, 3, 1);
        layers.add(new LayerSpec.MaxPool(2, 2));
        convBnAct(layers, 4 * w, 3, 1);
        convBnAct(layers, 4 * w, 3, 1);
        convBnAct(layers, 2 * w, 1, 0);
        layers.add(new LayerSpec.GlobalAvgPool());
        if (dropout > 0) {
            // On the pooled features, where no BatchNorm follows: dropout in front of a BatchNorm layer makes its
            // running variance (collected with dropout on) wrong at inference, when dropout is off (Li et al.,
            // CVPR 2019). Measured on Fashion-MNIST: dropout 0.3 after the second pooling cost the served
            // network 1.5 points (docs/benchmarks.md, engine defaults).
            layers.add(new LayerSpec.Dropout(dropout));
        }
        return new NetworkSpec("convnet-w" + w, new int[] {channels, height, width}, layers, 2 * w, numClasses, twoHeads);
    }

    private static void convBnAct(List<LayerSpec> layers, int filters, int kernel, int padding) {
        layers.add(new LayerSpec.Conv(filters, kernel, padding, false)); // BatchNorm's beta makes a bias redundant
        layers.add(new LayerSpec.BatchNorm(1e-5f, 0.1f));
        layers.add(new LayerSpec.LeakyRelu(0.1f));
    }
}
