package io.meanstream.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The DJL network for a {@link NetworkSpec}: trunk, classification head and optional consistency head.
 * {@code forward} returns {@code [classLogits]} or {@code [classLogits, consistencyLogits]}.
 */
public final class MeanTeacherNet extends AbstractBlock {

    private static final byte VERSION = 1;

    private final NetworkSpec spec;
    private final SequentialBlock trunk;
    private final Linear classHead;
    private final Linear consistencyHead;

    public MeanTeacherNet(NetworkSpec spec) {
        super(VERSION);
        this.spec = spec;
        this.trunk = addChildBlock("trunk", buildTrunk(spec));
        this.classHead = addChildBlock("classHead", Linear.builder().setUnits(spec.numClasses()).build());
        this.consistencyHead = spec.twoHeads()
                ? addChildBlock("consistencyHead", Linear.builder().setUnits(spec.numClasses()).build()) : null;
    }

    public NetworkSpec spec() {
        return spec;
    }

    public SequentialBlock trunk() {
        return trunk;
    }

    public Linear classHead() {
        return classHead;
    }

    /** Null when the network has a single head. */
    public Linear consistencyHead() {
        return consistencyHead;
    }

    private static SequentialBlock buildTrunk(NetworkSpec spec) {
        SequentialBlock trunk = new SequentialBlock();
        for (LayerSpec layer : spec.trunk()) {
            trunk.add(toBlock(layer));
        }
        return trunk;
    }

    static Block toBlock(LayerSpec layer) {
        if (layer instanceof LayerSpec.Conv c) {
            return Conv2d.builder().setFilters(c.filters()).setKernelShape(new Shape(c.kernel(), c.kernel()))
                    .optPadding(new Shape(c.padding(), c.padding())).optBias(c.bias()).build();
        } else if (layer instanceof LayerSpec.BatchNorm b) {
            // DJL's momentum is the weight of the old running value: 1 - PyTorch's.
            return BatchNorm.builder().optEpsilon(b.epsilon()).optMomentum(1f - b.momentum()).build();
        } else if (layer instanceof LayerSpec.LeakyRelu r) {
            return Activation.leakyReluBlock(r.slope());
        } else if (layer instanceof LayerSpec.MaxPool p) {
            return Pool.maxPool2dBlock(new Shape(p.kernel(), p.kernel()), new Shape(p.stride(), p.stride()));
        } else if (layer instanceof LayerSpec.Dropout d) {
            return Dropout.builder().optRate(d.rate()).build();
        } else if (layer instanceof LayerSpec.GlobalAvgPool) {
            return Pool.globalAvgPool2dBlock();
        } else if (layer instanceof LayerSpec.Dense d) {
            return Linear.builder().setUnits(d.units()).build();
        }
        throw new IllegalArgumentException("no DJL block for layer " + layer);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDList features = trunk.forward(parameterStore, new NDList(channelsLastOnCpu(inputs.singletonOrThrow())), training, params);
        NDList logits = classHead.forward(parameterStore, features, training, params);
        if (consistencyHead == null) {
            return logits;
        }
        NDList consistency = consistencyHead.forward(parameterStore, features, training, params);
        return new NDList(logits.singletonOrThrow(), consistency.singletonOrThrow());
    }

    /**
     * The same (N, C, H, W) tensor, laid out channels-last in memory (strides of NHWC) on a CPU. PyTorch's
     * oneDNN convolutions keep an input's layout for their output, so the whole trunk (convolutions,
     * BatchNorm, LeakyReLU, max-pooling, average pooling) then runs channels-last, which is what oneDNN's
     * CPU kernels are fastest at: measured 20% off the forward and backward of the default network (and
     * PyTorch's NCHW max-pooling kernel, the slowest layer, is avoided). DJL has no memory-format API;
     * permute, then reshape (which copies a non-viewable tensor into the permuted order), then permute back,
     * gives the layout with public operations. Values and shapes are unchanged; the ONNX export is unaffected.
     */
    static NDArray channelsLastOnCpu(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || !Device.Type.CPU.equals(x.getDevice().getDeviceType())) {
            return x;
        }
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        return x.transpose(0, 2, 3, 1).reshape(n, h * w * c).reshape(n, h, w, c).transpose(0, 3, 1, 2);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape out = new Shape(inputShapes[0].get(0), spec.numClasses());
        return consistencyHead == null ? new Shape[] {out} : new Shape[] {out, out};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        trunk.initialize(manager, dataType, inputShapes);
        Shape[] featureShapes = trunk.getOutputShapes(inputShapes);
        classHead.initialize(manager, dataType, featureShapes);
        if (consistencyHead != null) {
            consistencyHead.initialize(manager, dataType, featureShapes);
        }
    }
}
