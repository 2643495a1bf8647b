package io.meanstream.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * SGD with Nesterov momentum and L2 weight decay, exactly PyTorch's {@code torch.optim.SGD(nesterov=True)}:
 * d = g + wd*p; buf = mu*buf + d; p -= lr * (d + mu*buf). DJL's {@code Optimizer.nag()} has no PyTorch
 * implementation, hence this one.
 */
public final class NesterovSgd extends ParameterOptimizer {

    private final float momentum;
    private final float weightDecay;

    public NesterovSgd(NDManager parent, float momentum, float weightDecay) {
        super(parent, 1); // the momentum buffer
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    protected void update(NDArray weight, NDArray gradient, List<NDArray> state, float lr) {
        NDArray buffer = state.get(0);
        NDArray d = weightDecay == 0 ? gradient.duplicate() : gradient.add(weight.mul(weightDecay));
        buffer.muli(momentum).addi(d);
        d.addi(buffer.mul(momentum));
        weight.subi(d.muli(lr));
    }
}
