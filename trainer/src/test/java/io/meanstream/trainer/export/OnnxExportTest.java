package io.meanstream.trainer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.meanstream.data.DatasetLocator;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.TensorSpec;
import io.meanstream.onnx.ModelProvenance;
import io.meanstream.onnx.OnnxModelException;
import io.meanstream.onnx.OnnxScorer;
import io.meanstream.trainer.data.InMemoryImages;
import io.meanstream.trainer.data.TwoStreamSampler;
import io.meanstream.trainer.engine.MeanTeacherConfig;
import io.meanstream.trainer.engine.MeanTeacherEngine;
import io.meanstream.trainer.model.NetworkSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exported teacher computes what DJL's teacher computes: after real Mean Teacher steps on real
 * Fashion-MNIST (so BatchNorm statistics are far from their initial values), ONNX Runtime and DJL agree on
 * 1,000 real test images to 1e-4 on the logits, with identical predicted classes.
 */
class OnnxExportTest {

    static LabeledImages train;
    static LabeledImages test;

    @BeforeAll
    static void load() throws Exception {
        DatasetLocator locator = DatasetLocator.fashionMnist().allowDownload(false).build();
        LabeledImages fullTrain = FashionMnist.load(FashionMnist.Split.TRAIN, locator);
        train = new LabeledImages(2000, 1, 28, 28, Arrays.copyOf(fullTrain.pixels(), 2000 * 784),
                Arrays.copyOf(fullTrain.labels(), 2000), fullTrain.classNames());
        LabeledImages fullTest = FashionMnist.load(FashionMnist.Split.TEST, locator);
        test = new LabeledImages(1000, 1, 28, 28, Arrays.copyOf(fullTest.pixels(), 1000 * 784),
                Arrays.copyOf(fullTest.labels(), 1000), fullTest.classNames());
    }

    static Stream<Arguments> architectures() {
        TensorSpec gray28 = TensorSpec.fashionMnist();
        // The same images as 3x32x32 RGB through the shared library (gray replicated, bilinear resize).
        TensorSpec rgb32 = new TensorSpec(3, 32, 32, new float[] {0.286f, 0.286f, 0.286f}, new float[] {0.353f, 0.353f, 0.353f},
                TensorSpec.ResizePolicy.RESIZE);
        return Stream.of(
                Arguments.of(gray28, false, 24),
                Arguments.of(gray28, true, 8),
                Arguments.of(rgb32, false, 8),
                Arguments.of(rgb32, true, 8));
    }

    @ParameterizedTest(name = "{0} two heads={1} width={2}")
    @MethodSource("architectures")
    void onnxRuntimeMatchesDjlOnRealImages(TensorSpec input, boolean twoHeads, int width) throws Exception {
        NetworkSpec spec = NetworkSpec.convNet(input.channels(), input.height(), input.width(), 10, width, 0.3f, twoHeads);
        MeanTeacherConfig config = MeanTeacherConfig.builder().batchSize(32).labeledBatchSize(8).twoHeads(twoHeads)
                .widthFactor(width).totalSteps(30).lrWarmupSteps(5).consistencyRampupSteps(10).seed(3).build();
        float[] pad = new float[input.channels()];
        Arrays.fill(pad, -0.286f / 0.353f);
        try (MeanTeacherEngine engine = new MeanTeacherEngine(config, spec, pad, Device.cpu());
             NDManager m = engine.newManager();
             InMemoryImages trainSet = new InMemoryImages(m, train, input);
             InMemoryImages testSet = new InMemoryImages(m, test, input)) {
            TwoStreamSampler sampler = new TwoStreamSampler(IntStream.range(0, 200).toArray(), IntStream.range(200, 2000).toArray(), 8, 24, 3);
            for (int s = 0; s < 30; s++) {
                engine.step(trainSet.batch(m, sampler.next(), 8));
            }
            float[] runningVar = engine.teacher().trunk().getChildren().get(1).getValue().getParameters().get("runningVar").getArray().toFloatArray();
            assertTrue(Math.abs(runningVar[0] - 1f) > 1e-3, "BatchNorm statistics moved away from their initial values");

            ModelProvenance provenance = provenance(input, spec);
            byte[] onnx = OnnxExporter.export(engine.teacher(), provenance);
            NDArray djlLogits = engine.predictLogits(true, testSet.slice(0, 1000));
            float[] expected = djlLogits.toFloatArray();
            float[] inputs = testSet.slice(0, 1000).toFloatArray();
            try (OnnxScorer scorer = OnnxScorer.load(onnx, 1)) {
                OnnxScorer.Scores scores = scorer.score(inputs, 1000);
                double maxDiff = 0;
                int argmaxMismatches = 0;
                for (int i = 0; i < 1000; i++) {
                    int djlArgmax = 0;
                    for (int k = 0; k < 10; k++) {
                        maxDiff = Math.max(maxDiff, Math.abs(expected[i * 10 + k] - scores.logit(i, k)));
                        if (expected[i * 10 + k] > expected[i * 10 + djlArgmax]) {
                            djlArgmax = k;
                        }
                    }
                    if (djlArgmax != scores.argMax(i)) {
                        argmaxMismatches++;
                    }
                }
                System.out.printf("%s two heads=%s width=%d: max abs logit difference ONNX vs DJL %.3g on 1000 images%n", input.describe(), twoHeads, width, maxDiff);
                assertTrue(maxDiff <= 1e-4, "max |ONNX - DJL| on logits = " + maxDiff);
                assertEquals(0, argmaxMismatches, "predicted classes differ");
                float sum = 0;
                for (int k = 0; k < 10; k++) {
                    sum += scores.probability(0, k);
                }
                assertEquals(1f, sum, 1e-5f, "probabilities are a softmax");
                assertEquals(provenance, scorer.provenance(), "provenance survives the round trip through ONNX metadata");
                assertEquals(OnnxScorer.sha256(onnx), scorer.sha256());
            }
        }
    }

    static ModelProvenance provenance(TensorSpec input, NetworkSpec spec) {
        return new ModelProvenance("fmnist", 3, 30, Instant.parse("2026-11-25T12:00:00Z"), spec.architecture(),
                FashionMnist.CLASS_NAMES, input, 200, 1800, Map.of("meanstream.images-0", 1234L), "0123456789abcdef",
                Map.of("holdoutAccuracy", 0.5), "supervised");
    }

    @Test
    void corruptedOrTruncatedModelsAreRefusedWithAClearError() throws Exception {
        NetworkSpec spec = NetworkSpec.convNet(1, 28, 28, 10, 4, 0.3f, false);
        try (MeanTeacherEngine engine = new MeanTeacherEngine(MeanTeacherConfig.builder().widthFactor(4).build(), spec,
                new float[] {-0.81f}, Device.cpu())) {
            byte[] onnx = OnnxExporter.export(engine.teacher(), provenance(TensorSpec.fashionMnist(), spec));
            try (OnnxScorer ok = OnnxScorer.load(onnx, 1)) {
                assertEquals(10, ok.numClasses());
            }
            for (byte[] bad : List.of(Arrays.copyOf(onnx, onnx.length / 2), Arrays.copyOf(onnx, 40), "not a model".getBytes(), new byte[0])) {
                OnnxModelException e = assertThrows(OnnxModelException.class, () -> OnnxScorer.load(bad, 1));
                assertTrue(e.getMessage().startsWith("Cannot load ONNX model (" + bad.length + " bytes"), e.getMessage());
            }
            byte[] garbled = onnx.clone();
            for (int i = 100; i < garbled.length; i += 7) {
                garbled[i] = (byte) ~garbled[i];
            }
            assertThrows(OnnxModelException.class, () -> OnnxScorer.load(garbled, 1));
        }
    }

    @Test
    void everyLayerTypeExportsIncludingDenseAndADriftedNetworkIsRefused() throws Exception {
        // A trunk using the one layer type the default ConvNet does not: Dense after the pooling.
        List<io.meanstream.trainer.model.LayerSpec> layers = new java.util.ArrayList<>(NetworkSpec.convNet(1, 28, 28, 10, 4, 0.3f, false).trunk());
        layers.add(new io.meanstream.trainer.model.LayerSpec.Dense(16));
        layers.add(new io.meanstream.trainer.model.LayerSpec.LeakyRelu(0.1f));
        NetworkSpec dense = new NetworkSpec("convnet-dense", new int[] {1, 28, 28}, layers, 16, 10, false);
        try (MeanTeacherEngine engine = new MeanTeacherEngine(MeanTeacherConfig.builder().widthFactor(4).build(), dense,
                new float[] {-0.81f}, Device.cpu());
             NDManager m = engine.newManager();
             InMemoryImages testSet = new InMemoryImages(m, test, TensorSpec.fashionMnist())) {
            byte[] onnx = OnnxExporter.export(engine.teacher(), provenance(TensorSpec.fashionMnist(), dense));
            float[] expected = engine.predictLogits(true, testSet.slice(0, 100)).toFloatArray();
            try (OnnxScorer scorer = OnnxScorer.load(onnx, 1)) {
                float[] actual = scorer.score(testSet.slice(0, 100).toFloatArray(), 100).logits();
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-4f);
                }
            }
            // A network that no longer matches its description is refused, not exported approximately.
            engine.teacher().trunk().add(ai.djl.nn.Blocks.identityBlock());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> OnnxExporter.export(engine.teacher(), provenance(TensorSpec.fashionMnist(), dense)));
            assertTrue(e.getMessage().contains("blocks, its spec"), e.getMessage());
        }
    }

    @Test
    void aModelWithoutMeanstreamMetadataIsRefused() throws Exception {
        NetworkSpec spec = NetworkSpec.convNet(1, 28, 28, 10, 4, 0.3f, false);
        try (MeanTeacherEngine engine = new MeanTeacherEngine(MeanTeacherConfig.builder().widthFactor(4).build(), spec,
                new float[] {-0.81f}, Device.cpu())) {
            byte[] onnx = OnnxExporter.export(engine.teacher(), provenance(TensorSpec.fashionMnist(), spec));
            ai.onnx.proto.OnnxMl.ModelProto stripped = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(onnx).toBuilder().clearMetadataProps().build();
            OnnxModelException e = assertThrows(OnnxModelException.class, () -> OnnxScorer.load(stripped.toByteArray(), 1));
            assertTrue(e.getMessage().contains("missing metadata entry meanstream."), e.getMessage());
        }
    }
}
