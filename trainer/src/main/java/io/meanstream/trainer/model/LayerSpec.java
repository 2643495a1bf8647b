package io.meanstream.trainer.model;

/**
 * One layer of a network description. The DJL network and the ONNX exporter are both built from these
 * descriptions, so every layer type the trainer can build is one the exporter knows how to write.
 */
public sealed interface LayerSpec {

    /** 2-D convolution, stride 1, square kernel, symmetric zero padding. */
    record Conv(int filters, int kernel, int padding, boolean bias) implements LayerSpec {
    }

    /** Batch normalisation over channels. {@code momentum} is PyTorch's: running = (1-m)*running + m*batch. */
    record BatchNorm(float epsilon, float momentum) implements LayerSpec {
    }

    /** max(x, slope*x). */
    record LeakyRelu(float slope) implements LayerSpec {
    }

    /** Max pooling, square window, no padding. */
    record MaxPool(int kernel, int stride) implements LayerSpec {
    }

    /** Dropout; active only in training. */
    record Dropout(float rate) implements LayerSpec {
    }

    /** Mean over height and width: (N, C, H, W) to (N, C). */
    record GlobalAvgPool() implements LayerSpec {
    }

    /** Fully connected layer (weights [out, in], bias [out]). */
    record Dense(int units) implements LayerSpec {
    }
}
