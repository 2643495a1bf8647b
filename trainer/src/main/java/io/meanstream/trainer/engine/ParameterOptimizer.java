package io.meanstream.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Updates trainable parameters from their gradients, then zeroes the gradients (PyTorch accumulates them).
 * Called after the gradient collector has closed. State (momentum, Adam moments) lives in NDArrays owned
 * by the optimizer's own manager and is saved in checkpoints.
 */
public interface ParameterOptimizer extends AutoCloseable {

    void step(List<Parameter> parameters, double learningRate);

    /** The optimizer state, one entry per parameter slot, for checkpoints. */
    NDList state();

    void saveState(DataOutputStream out) throws IOException;

    void loadState(DataInputStream in) throws IOException;

    @Override
    void close();

    /** Zeroes a parameter's accumulated gradient in place. */
    static void zeroGradient(NDArray weight) {
        try (NDArray gradient = weight.getGradient()) {
            gradient.muli(0);
        }
    }
}
