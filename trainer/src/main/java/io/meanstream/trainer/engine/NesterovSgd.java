package io.meanstream.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * SGD with Nesterov momentum and L2 weight decay, exactly PyTorch's {@code torch.optim.SGD(nesterov=True)}:
 * d = g + wd*p; buf = mu*buf + d; p -= lr * (d + mu*buf). DJL's {@code Optimizer.nag()} has no PyTorch
 * implementation, hence this one.
 */
public final class NesterovSgd implements ParameterOptimizer {

    private final NDManager manager;
    private final float momentum;
    private final float weightDecay;
    private final List<NDArray> buffers = new ArrayList<>();

    public NesterovSgd(NDManager parent, float momentum, float weightDecay) {
        this.manager = parent.newSubManager();
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(List<Parameter> parameters, double learningRate) {
        float lr = (float) learningRate;
        for (int i = 0; i < parameters.size(); i++) {
            NDArray weight = parameters.get(i).getArray();
            if (buffers.size() <= i) {
                NDArray buffer = manager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
                NDScope.unregister(buffer); // state outlives the step's scope
                buffers.add(buffer);
            }
            NDArray buffer = buffers.get(i);
            try (NDArray gradient = weight.getGradient()) {
                NDArray d = weightDecay == 0 ? gradient.duplicate() : gradient.add(weight.mul(weightDecay));
                buffer.muli(momentum).addi(d);
                d.addi(buffer.mul(momentum));
                weight.subi(d.muli(lr));
                gradient.muli(0);
            }
        }
    }

    @Override
    public NDList state() {
        return new NDList(buffers);
    }

    @Override
    public void saveState(DataOutputStream out) throws IOException {
        OptimizerState.save(out, buffers);
    }

    @Override
    public void loadState(DataInputStream in) throws IOException {
        OptimizerState.load(in, manager, buffers);
    }

    @Override
    public void close() {
        manager.close();
    }
}
