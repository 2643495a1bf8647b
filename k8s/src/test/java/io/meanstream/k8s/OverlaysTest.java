package io.meanstream.k8s;

import static io.meanstream.k8s.ManifestChecks.assertNone;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What each overlay is for: dev's Strimzi Kafka, prod's external TLS/SASL Kafka, the GPU variant, the image tags. */
class OverlaysTest {

    @Test
    void devRunsASingleNodeKraftKafkaTheAppsCanReach() {
        assertNone(OverlayChecks.devStrimziKafka(Overlays.get(Overlays.DEV)));
    }

    @Test
    void prodUsesTheExternalKafkaOverTlsWithSaslSecrets() {
        assertNone(OverlayChecks.prodExternalKafka(Overlays.get(Overlays.PROD), "meanstream-kafka-ca"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {Overlays.PROD, Overlays.GPU})
    void prodSendsTheLabelersSessionCookieOverHttpsOnly(String name) {
        assertNone(OverlayChecks.labelerCookieIsSecure(Overlays.get(name)));
    }

    @Test
    void gpuOverlayIsProdPlusGpus() {
        Manifests gpu = Overlays.get(Overlays.GPU);
        List<String> problems = new ArrayList<>(OverlayChecks.prodExternalKafka(gpu, "meanstream-kafka-ca"));
        problems.addAll(OverlayChecks.gpu(gpu));
        assertNone(problems);
    }

    static List<String> gpuRenderings() {
        return Overlays.gpuOnes();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gpuRenderings")
    void gpuRenderingsRequestGpusAndRunTheCudaImages(String name) {
        Manifests m = Overlays.get(name);
        String suffix = cudaSuffix();
        List<String> problems = new ArrayList<>(OverlayChecks.gpu(m));
        List<App> cpuApps = java.util.Arrays.stream(App.values()).filter(a -> !a.gpu).toList();
        problems.addAll(OverlayChecks.imageTags(m, App.gpuApps(), "a " + suffix + " build", tag -> tag.endsWith(suffix)));
        problems.addAll(OverlayChecks.imageTags(m, cpuApps, "a CPU build", tag -> !tag.endsWith(suffix)));
        assertNone(problems);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {Overlays.BASE, Overlays.DEV, Overlays.PROD})
    void cpuRenderingsRequestNoGpuAndRunTheCpuImages(String name) {
        Manifests m = Overlays.get(name);
        String suffix = cudaSuffix();
        List<String> problems = new ArrayList<>(OverlayChecks.noGpu(m));
        problems.addAll(OverlayChecks.imageTags(m, "a CPU build", tag -> !tag.endsWith(suffix)));
        assertNone(problems);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {Overlays.BASE, Overlays.DEV})
    void baseAndDevRunTheProjectVersion(String name) {
        String version = JibImage.of(App.TRAINER, false).tag();
        assertNone(OverlayChecks.imageTags(Overlays.get(name), "the project version " + version, version::equals));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {Overlays.PROD, Overlays.GPU})
    void prodRunsReleases(String name) {
        assertNone(OverlayChecks.imageTags(Overlays.get(name), "a release tag", tag -> !tag.isEmpty() && !tag.contains("SNAPSHOT")));
    }

    /** What -Pgpu appends to the image tag (the root pom's gpu profile). */
    static String cudaSuffix() {
        String cpu = JibImage.of(App.TRAINER, false).tag();
        String gpu = JibImage.of(App.TRAINER, true).tag();
        if (!gpu.startsWith(cpu) || gpu.equals(cpu)) {
            throw new AssertionError("the -Pgpu image tag " + gpu + " does not extend the CPU tag " + cpu);
        }
        return gpu.substring(cpu.length());
    }
}
