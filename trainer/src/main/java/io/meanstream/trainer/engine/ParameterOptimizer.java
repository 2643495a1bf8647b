package io.meanstream.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Updates trainable parameters from their gradients, then zeroes the gradients (PyTorch accumulates them).
 * Called after the gradient collector has closed. The per-parameter state (momentum, Adam moments) is a fixed
 * number of buffers per parameter, owned by the optimizer's own manager, created on the first step and saved
 * in checkpoints; subclasses only write the update rule.
 */
public abstract class ParameterOptimizer implements AutoCloseable {

    private final NDManager manager;
    private final int buffersPerParameter;
    private final List<NDArray> buffers = new ArrayList<>(); // parameter 0's buffers, then parameter 1's, ...

    protected ParameterOptimizer(NDManager parent, int buffersPerParameter) {
        this.manager = parent.newSubManager();
        this.buffersPerParameter = buffersPerParameter;
    }

    /** One update of every parameter with the given learning rate. */
    public void step(List<Parameter> parameters, double learningRate) {
        beforeStep();
        float lr = (float) learningRate;
        for (int i = 0; i < parameters.size(); i++) {
            NDArray weight = parameters.get(i).getArray();
            List<NDArray> state = buffersOf(i, weight);
            try (NDArray gradient = weight.getGradient()) {
                update(weight, gradient, state, lr);
                gradient.muli(0);
            }
        }
    }

    /** Called once per step before any parameter is updated. */
    protected void beforeStep() {
    }

    /** Updates {@code weight} in place from {@code gradient}, with this parameter's state buffers. */
    protected abstract void update(NDArray weight, NDArray gradient, List<NDArray> state, float learningRate);

    /** Writes state that is not per parameter (before the buffers). */
    protected void saveScalars(DataOutputStream out) throws IOException {
    }

    /** Reads what {@link #saveScalars} wrote. */
    protected void loadScalars(DataInputStream in) throws IOException {
    }

    private List<NDArray> buffersOf(int parameter, NDArray weight) {
        int from = parameter * buffersPerParameter;
        while (buffers.size() < from + buffersPerParameter) {
            NDArray buffer = manager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
            NDScope.unregister(buffer); // state outlives the step's scope
            buffers.add(buffer);
        }
        return buffers.subList(from, from + buffersPerParameter);
    }

    /** Writes the state in DJL's NDArray encoding, each buffer length-prefixed. */
    public final void saveState(DataOutputStream out) throws IOException {
        saveScalars(out);
        out.writeInt(buffers.size());
        for (NDArray buffer : buffers) {
            byte[] bytes = buffer.encode();
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    /** Replaces the state with what {@link #saveState} wrote. */
    public final void loadState(DataInputStream in) throws IOException {
        loadScalars(in);
        int count = in.readInt();
        buffers.forEach(NDArray::close);
        buffers.clear();
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            NDArray buffer = NDArray.decode(manager, bytes);
            NDScope.unregister(buffer);
            buffers.add(buffer);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
