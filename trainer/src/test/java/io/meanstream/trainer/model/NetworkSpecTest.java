package io.meanstream.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkSpecTest {

    @Test
    void noDropoutFeedsABatchNormLayer() {
        // Dropout in front of BatchNorm leaves the running variance describing dropped-out activations, which
        // inference never sees; the served teacher would normalise with the wrong statistics.
        List<LayerSpec> trunk = NetworkSpec.convNet(1, 28, 28, 10, 24, 0.3f, false).trunk();
        boolean dropoutSeen = false;
        for (LayerSpec layer : trunk) {
            if (layer instanceof LayerSpec.Dropout) {
                dropoutSeen = true;
            }
            assertFalse(dropoutSeen && layer instanceof LayerSpec.BatchNorm, "a BatchNorm layer after dropout in " + trunk);
        }
        assertInstanceOf(LayerSpec.Dropout.class, trunk.get(trunk.size() - 1), "dropout acts on the pooled features");
    }

    @Test
    void dropoutZeroAddsNoLayer() {
        assertFalse(NetworkSpec.convNet(1, 28, 28, 10, 24, 0f, false).trunk().stream().anyMatch(l -> l instanceof LayerSpec.Dropout));
    }

    @Test
    void defaultWidthHasTheDocumentedParameterCount() {
        try (Model model = Model.newInstance("count")) {
            MeanTeacherNet net = new MeanTeacherNet(NetworkSpec.convNet(1, 28, 28, 10, 24, 0.3f, false));
            model.setBlock(net);
            net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
            long trainable = net.getParameters().values().stream().filter(Parameter::requiresGradient)
                    .mapToLong(p -> p.getArray().size()).sum();
            assertEquals(161_554, trainable);
        }
    }
}
