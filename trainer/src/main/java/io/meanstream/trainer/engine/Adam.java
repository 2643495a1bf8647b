package io.meanstream.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/** Adam with decoupled weight decay (AdamW), beta1 0.9, beta2 0.999, eps 1e-8. */
public final class Adam extends ParameterOptimizer {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final float weightDecay;
    private long updates;
    private float correction1;
    private float correction2;

    public Adam(NDManager parent, float weightDecay) {
        super(parent, 2); // first and second moment
        this.weightDecay = weightDecay;
    }

    @Override
    protected void beforeStep() {
        updates++;
        correction1 = (float) (1 - Math.pow(BETA1, updates));
        correction2 = (float) (1 - Math.pow(BETA2, updates));
    }

    @Override
    protected void update(NDArray weight, NDArray gradient, List<NDArray> state, float lr) {
        NDArray m = state.get(0);
        NDArray v = state.get(1);
        m.muli(BETA1).addi(gradient.mul(1 - BETA1));
        v.muli(BETA2).addi(gradient.square().muli(1 - BETA2));
        NDArray step = m.div(correction1).divi(v.div(correction2).sqrt().addi(EPSILON)).muli(lr);
        if (weightDecay > 0) {
            weight.muli(1 - lr * weightDecay);
        }
        weight.subi(step);
    }

    @Override
    protected void saveScalars(DataOutputStream out) throws IOException {
        out.writeLong(updates);
    }

    @Override
    protected void loadScalars(DataInputStream in) throws IOException {
        updates = in.readLong();
    }
}
