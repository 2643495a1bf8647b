package io.meanstream.k8s;

import static io.meanstream.k8s.ManifestChecks.assertNone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each service's image carries only what that service uses: checked on the runtime class paths Maven resolved for
 * the trainer, streams-app and labeler modules, from which Jib builds the images. Built with -Pgpu (meanstream.gpu)
 * the CUDA builds of PyTorch and ONNX Runtime are expected instead of the CPU ones; the labeler holds neither.
 */
class ImageClassPathTest {

    private static final boolean GPU = Boolean.getBoolean("meanstream.gpu");

    @Test
    void theStreamsAppCarriesNoPyTorchNoBrokerNoCharts() {
        assertNone(ClassPathChecks.streamsApp(RuntimeClassPath.of("streams-app"), GPU));
    }

    @Test
    void theTrainerCarriesNoBrokerNoChartsAndOnnxRuntimeGpuOnlyUnderPgpu() {
        assertNone(ClassPathChecks.trainer(RuntimeClassPath.of("trainer"), GPU));
    }

    @Test
    void theLabelerCarriesNoModelRuntimeNoKafkaStreamsNoBrokerNoCharts() {
        assertNone(ClassPathChecks.labeler(RuntimeClassPath.of("labeler")));
    }

    /** The CLI's class path (every command, the demo and the benchmarks) holds everything the services' must not. */
    @Test
    void theChecksFailOnTheDeveloperClassPath() {
        RuntimeClassPath cli = RuntimeClassPath.of("cli");
        List<String> problems = ClassPathChecks.streamsApp(cli, GPU);
        for (ClassPathChecks.Forbidden rule : List.of(ClassPathChecks.PYTORCH, ClassPathChecks.BROKER, ClassPathChecks.CHARTS,
                ClassPathChecks.DEVELOPER_CLI)) {
            assertTrue(problems.stream().anyMatch(p -> p.contains(rule.what())), rule.what() + " not reported on " + cli + ": " + problems);
        }
        List<String> labeler = ClassPathChecks.labeler(cli);
        for (ClassPathChecks.Forbidden rule : List.of(ClassPathChecks.PYTORCH, ClassPathChecks.ONNX_RUNTIME, ClassPathChecks.KAFKA_STREAMS,
                ClassPathChecks.BROKER, ClassPathChecks.CHARTS, ClassPathChecks.DEVELOPER_CLI)) {
            assertTrue(labeler.stream().anyMatch(p -> p.contains(rule.what())), rule.what() + " not reported on " + cli + ": " + labeler);
        }
        if (!GPU) {
            RuntimeClassPath withGpu = RuntimeClassPath.of("trainer").with("com.microsoft.onnxruntime:onnxruntime_gpu");
            assertEquals(1, ClassPathChecks.trainer(withGpu, false).size(), "the trainer check must fail on " + withGpu);
        }
        // meanstream-core's gpu profile puts onnxruntime_gpu on the class paths of the modules that depend on it.
        RuntimeClassPath labelerWithGpu = RuntimeClassPath.of("labeler").with("com.microsoft.onnxruntime:onnxruntime_gpu");
        assertEquals(1, ClassPathChecks.labeler(labelerWithGpu).size(), "the labeler check must fail on " + labelerWithGpu);
    }
}
