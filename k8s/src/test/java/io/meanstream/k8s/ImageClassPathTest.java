package io.meanstream.k8s;

import static io.meanstream.k8s.ManifestChecks.assertNone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each service's image carries only what that service uses: checked on the runtime class paths Maven resolved for
 * the trainer and streams-app modules, from which Jib builds the images. Built with -Pgpu (meanstream.gpu) the
 * CUDA builds of PyTorch and ONNX Runtime are expected instead of the CPU ones.
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

    /** The CLI's class path (every command, the demo and the benchmarks) holds everything the services' must not. */
    @Test
    void theChecksFailOnTheDeveloperClassPath() {
        RuntimeClassPath cli = RuntimeClassPath.of("cli");
        List<String> problems = ClassPathChecks.streamsApp(cli, GPU);
        for (ClassPathChecks.Forbidden rule : List.of(ClassPathChecks.PYTORCH, ClassPathChecks.BROKER, ClassPathChecks.CHARTS,
                ClassPathChecks.DEVELOPER_CLI)) {
            assertTrue(problems.stream().anyMatch(p -> p.contains(rule.what())), rule.what() + " not reported on " + cli + ": " + problems);
        }
        if (!GPU) {
            RuntimeClassPath withGpu = RuntimeClassPath.of("trainer").with("com.microsoft.onnxruntime:onnxruntime_gpu");
            assertEquals(1, ClassPathChecks.trainer(withGpu, false).size(), "the trainer check must fail on " + withGpu);
        }
    }
}
