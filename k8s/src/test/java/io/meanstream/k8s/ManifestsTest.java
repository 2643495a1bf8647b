package io.meanstream.k8s;

import static io.meanstream.k8s.ManifestChecks.assertNone;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders the base, every overlay and dev with the GPU component through {@code kubectl kustomize} and checks each
 * rendering against the services' code: settings registries, HTTP servers, topic registry, Kafka access and the
 * images Jib builds from the services' modules.
 */
class ManifestsTest {

    static Stream<String> renderings() {
        return Overlays.all();
    }

    /** The image the app runs in that rendering: the -Pgpu build only for the apps that use a GPU. */
    private static JibImage image(Manifests m, App app) {
        return JibImage.of(app, m.gpu && app.gpu);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void rendersEveryResourceOnce(String name) {
        Manifests m = Overlays.get(name);
        List<String> problems = new ArrayList<>();
        Map<String, Integer> seen = new TreeMap<>();
        m.objects.forEach(o -> seen.merge(o.path("kind").asText() + "/" + o.path("metadata").path("name").asText(), 1, Integer::sum));
        seen.forEach((k, n) -> {
            if (n > 1) {
                problems.add(m + ": " + k + " rendered " + n + " times");
            }
        });
        m.objects.forEach(o -> {
            if (o.path("apiVersion").asText().isEmpty() || o.path("metadata").path("name").asText().isEmpty()) {
                problems.add(m + ": an object without apiVersion or name: " + o.path("kind").asText());
            }
        });
        Map<String, Integer> expected = Map.ofEntries(Map.entry("StatefulSet", 1), Map.entry("Deployment", 2),
                Map.entry("PersistentVolumeClaim", 1), Map.entry("Service", 3), Map.entry("ServiceMonitor", 3),
                Map.entry("HorizontalPodAutoscaler", 1), Map.entry("PodDisruptionBudget", 1), Map.entry("NetworkPolicy", 3),
                Map.entry("ServiceAccount", 3), Map.entry("KafkaTopic", 8));
        expected.forEach((kind, n) -> {
            if (m.ofKind(kind).size() != n) {
                problems.add(m + ": " + m.ofKind(kind).size() + " " + kind + ", expected " + n);
            }
        });
        for (App app : App.values()) {
            if (m.get("KafkaUser", app.kafkaUser()).isEmpty()) {
                problems.add(m + ": no KafkaUser " + app.kafkaUser());
            }
        }
        assertNone(problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void everyVariableSetIsReadByTheService(String name) {
        Manifests m = Overlays.get(name);
        List<String> problems = new ArrayList<>();
        for (App app : App.values()) {
            problems.addAll(ManifestChecks.everyVariableIsRead(m, app, image(m, app)));
        }
        assertNone(problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void everySettingResolvesAndRequiredOnesAreSet(String name) {
        Manifests m = Overlays.get(name);
        List<String> problems = new ArrayList<>();
        for (App app : App.values()) {
            problems.addAll(ManifestChecks.settingsResolve(m, app));
        }
        problems.addAll(ManifestChecks.servicesAgree(m));
        problems.addAll(ManifestChecks.modelsTravelInline(m));
        assertNone(problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void everythingWrittenIsOnAWritableVolume(String name) {
        Manifests m = Overlays.get(name);
        List<String> problems = new ArrayList<>();
        for (App app : App.values()) {
            problems.addAll(ManifestChecks.writablePaths(m, app, image(m, app)));
        }
        assertNone(problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void secretFilesAreMountedReadOnlyFromSecrets(String name) {
        Manifests m = Overlays.get(name);
        List<String> problems = new ArrayList<>();
        for (App app : App.values()) {
            problems.addAll(ManifestChecks.secretFiles(m, app, image(m, app)));
        }
        assertNone(problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void probesServicesAndMonitorsHitTheOpsServer(String name) {
        Manifests m = Overlays.get(name);
        List<String> problems = new ArrayList<>();
        for (App app : App.values()) {
            problems.addAll(ManifestChecks.probesAndPorts(m, app, image(m, app)));
            problems.addAll(ManifestChecks.serviceAndMonitor(m, app));
        }
        assertNone(problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void kafkaTopicsEqualTheTopicRegistry(String name) {
        Manifests m = Overlays.get(name);
        List<String> problems = new ArrayList<>(ManifestChecks.topicsMatchRegistry(m));
        problems.addAll(ManifestChecks.strimziClusterLabels(m));
        assertNone(problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void kafkaUsersGrantExactlyWhatEachServiceDoes(String name) {
        Manifests m = Overlays.get(name);
        List<String> problems = new ArrayList<>();
        for (App app : App.values()) {
            problems.addAll(ManifestChecks.aclsLeastPrivilege(m, app));
        }
        assertNone(problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void podsAreRestrictedAndRunTheBuiltImages(String name) {
        Manifests m = Overlays.get(name);
        List<String> problems = new ArrayList<>(ManifestChecks.podSecurity(m));
        for (App app : App.values()) {
            problems.addAll(ManifestChecks.imageMatchesBuild(m, app, image(m, app)));
        }
        assertNone(problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void trainerIsOneWriterStreamsAppScalesWithinPartitionsLabelerIsOnePod(String name) {
        Manifests m = Overlays.get(name);
        List<String> problems = new ArrayList<>(ManifestChecks.trainerIsSingleWriter(m));
        problems.addAll(ManifestChecks.streamsAppScales(m));
        problems.addAll(ManifestChecks.labelerIsOnePod(m));
        assertNone(problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void networkPoliciesAdmitTheServicePortsAndLetOutOnlyDnsAndKafka(String name) {
        Manifests m = Overlays.get(name);
        List<String> problems = new ArrayList<>();
        for (App app : App.values()) {
            problems.addAll(OverlayChecks.networkPolicy(m, app));
        }
        assertNone(problems);
    }
}
