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

/** Adam with decoupled weight decay (AdamW), beta1 0.9, beta2 0.999, eps 1e-8. */
public final class Adam implements ParameterOptimizer {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final NDManager manager;
    private final float weightDecay;
    private final List<NDArray> moments = new ArrayList<>(); // m0, v0, m1, v1, ...
    private long updates;

    public Adam(NDManager parent, float weightDecay) {
        this.manager = parent.newSubManager();
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(List<Parameter> parameters, double learningRate) {
        updates++;
        float lr = (float) learningRate;
        float correction1 = (float) (1 - Math.pow(BETA1, updates));
        float correction2 = (float) (1 - Math.pow(BETA2, updates));
        for (int i = 0; i < parameters.size(); i++) {
            NDArray weight = parameters.get(i).getArray();
            if (moments.size() <= 2 * i) {
                for (int k = 0; k < 2; k++) {
                    NDArray moment = manager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
                    NDScope.unregister(moment); // state outlives the step's scope
                    moments.add(moment);
                }
            }
            NDArray m = moments.get(2 * i);
            NDArray v = moments.get(2 * i + 1);
            try (NDArray gradient = weight.getGradient()) {
                m.muli(BETA1).addi(gradient.mul(1 - BETA1));
                v.muli(BETA2).addi(gradient.square().muli(1 - BETA2));
                NDArray step = m.div(correction1).divi(v.div(correction2).sqrt().addi(EPSILON)).muli(lr);
                if (weightDecay > 0) {
                    weight.muli(1 - lr * weightDecay);
                }
                weight.subi(step);
                gradient.muli(0);
            }
        }
    }

    @Override
    public NDList state() {
        return new NDList(moments);
    }

    @Override
    public void saveState(DataOutputStream out) throws IOException {
        out.writeLong(updates);
        OptimizerState.save(out, moments);
    }

    @Override
    public void loadState(DataInputStream in) throws IOException {
        updates = in.readLong();
        OptimizerState.load(in, manager, moments);
    }

    @Override
    public void close() {
        manager.close();
    }
}
