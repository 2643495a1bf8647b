package io.meanstream.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every check can fail: each case breaks a copy of a real rendering in one way a person could, and the check
 * meant to catch it must report a problem (and report none on the unbroken rendering).
 */
class ChecksCanFailTest {

    private record Case(String overlay, Consumer<Manifests> breakIt, Function<Manifests, List<String>> check) {
    }

    private static Arguments of(String description, String overlay, Consumer<Manifests> breakIt, Function<Manifests, List<String>> check) {
        return Arguments.of(description, new Case(overlay, breakIt, check));
    }

    static Stream<Arguments> cases() {
        App t = App.TRAINER;
        App s = App.STREAMS_APP;
        App l = App.LABELER;
        String dev = Overlays.DEV;
        return Stream.of(
                of("a variable no one reads", dev, m -> addEnv(m, t, "MEANSTREAM_TRAINER_CHECKPOINT_DIRECTORY", "/x"),
                        m -> ManifestChecks.everyVariableIsRead(m, t, JibImage.of(t, false))),
                of("a misspelt Kafka property", dev, m -> addEnv(m, s, "MEANSTREAM_KAFKA_SASL_MECHANISMS", "PLAIN"),
                        m -> ManifestChecks.everyVariableIsRead(m, s, JibImage.of(s, false))),
                of("malloc tuning on the streams-app", dev, m -> addEnv(m, s, "MALLOC_TOP_PAD_", "1"),
                        m -> ManifestChecks.everyVariableIsRead(m, s, JibImage.of(s, false))),
                of("an unparsable setting", dev, m -> setConfig(m, "trainer-config", "MEANSTREAM_TRAINER_THREADS", "two"),
                        m -> ManifestChecks.settingsResolve(m, t)),
                of("an invalid input shape", dev, m -> setConfig(m, "meanstream-shared", "MEANSTREAM_INPUT_SHAPE", "28,28"),
                        m -> ManifestChecks.settingsResolve(m, t)),
                of("no Kafka bootstrap", dev, m -> removeConfig(m, "meanstream-shared", "MEANSTREAM_KAFKA_BOOTSTRAP_SERVERS"),
                        m -> ManifestChecks.settingsResolve(m, s)),
                of("the services disagree on the model", dev, m -> setConfig(m, "streams-app-config", "MEANSTREAM_MODEL_NAME", "other"),
                        ManifestChecks::servicesAgree),
                of("models too big to travel inline", dev, m -> setConfig(m, "trainer-config", "MEANSTREAM_TRAINER_RELEASE_INLINE_LIMIT", "4194304"),
                        ManifestChecks::modelsTravelInline),
                of("checkpoints on the read-only root", dev, m -> removeMount(m, t, "/var/lib/meanstream"),
                        m -> ManifestChecks.writablePaths(m, t, JibImage.of(t, false))),
                of("checkpoints on an emptyDir", dev, m -> replaceVolume(m, t, "data", "{\"name\":\"data\",\"emptyDir\":{}}"),
                        m -> ManifestChecks.writablePaths(m, t, JibImage.of(t, false))),
                of("no writable /tmp", dev, m -> removeMount(m, s, "/tmp"),
                        m -> ManifestChecks.writablePaths(m, s, JibImage.of(s, false))),
                of("the prod truststore not mounted", Overlays.PROD, m -> removeMount(m, s, "/etc/meanstream/kafka-ca"),
                        m -> ManifestChecks.writablePaths(m, s, JibImage.of(s, false))),
                of("a liveness probe on /healthz", dev, m -> ((ObjectNode) container(m, t).path("livenessProbe").path("httpGet")).put("path", "/healthz"),
                        m -> ManifestChecks.probesAndPorts(m, t, JibImage.of(t, false))),
                of("readiness on /health", dev, m -> ((ObjectNode) container(m, s).path("readinessProbe").path("httpGet")).put("path", "/health"),
                        m -> ManifestChecks.probesAndPorts(m, s, JibImage.of(s, false))),
                of("a probe on a port number", dev, m -> ((ObjectNode) container(m, t).path("startupProbe").path("httpGet")).put("port", 8081),
                        m -> ManifestChecks.probesAndPorts(m, t, JibImage.of(t, false))),
                of("the container port is not the HTTP port", dev, m -> ((ObjectNode) container(m, s).path("ports").get(0)).put("containerPort", 9090),
                        m -> ManifestChecks.probesAndPorts(m, s, JibImage.of(s, false))),
                of("the HTTP port setting moved", dev, m -> setConfig(m, "trainer-config", "MEANSTREAM_TRAINER_HTTP_PORT", "9999"),
                        m -> ManifestChecks.serviceAndMonitor(m, t)),
                of("the ServiceMonitor scrapes a port the Service lacks", dev,
                        m -> ((ObjectNode) m.get("ServiceMonitor", "trainer").orElseThrow().path("spec").path("endpoints").get(0)).put("port", "metrics"),
                        m -> ManifestChecks.serviceAndMonitor(m, t)),
                of("a topic with other partitions", dev, m -> ((ObjectNode) m.get("KafkaTopic", "meanstream-images").orElseThrow().path("spec")).put("partitions", 3),
                        ManifestChecks::topicsMatchRegistry),
                of("a topic with another retention", dev,
                        m -> ((ObjectNode) m.get("KafkaTopic", "meanstream-predictions").orElseThrow().path("spec").path("config")).put("retention.ms", 1),
                        ManifestChecks::topicsMatchRegistry),
                of("a missing topic", dev, m -> m.objects.removeIf(o -> o.path("metadata").path("name").asText().equals("meanstream-quality")),
                        ManifestChecks::topicsMatchRegistry),
                of("a topic of another cluster", dev,
                        m -> ((ObjectNode) m.get("KafkaTopic", "meanstream-models").orElseThrow().path("metadata").path("labels")).put("strimzi.io/cluster", "x"),
                        ManifestChecks::strimziClusterLabels),
                of("an ACL missing", dev, m -> removeAcl(m, "meanstream-trainer", "meanstream.models", "Write"),
                        m -> ManifestChecks.aclsLeastPrivilege(m, t)),
                of("an ACL too many", dev, m -> addAcl(m, "meanstream-streams-app", "meanstream.models", "Write"),
                        m -> ManifestChecks.aclsLeastPrivilege(m, s)),
                of("the model renamed without the ACLs", dev, m -> setConfig(m, "meanstream-shared", "MEANSTREAM_MODEL_NAME", "digits"),
                        m -> ManifestChecks.aclsLeastPrivilege(m, t)),
                of("the JAAS config from another user's Secret", dev,
                        m -> ((ObjectNode) container(m, s).path("env").get(0).path("valueFrom").path("secretKeyRef")).put("name", "meanstream-trainer"),
                        m -> ManifestChecks.aclsLeastPrivilege(m, s)),
                of("a writable root file system", dev, m -> ((ObjectNode) container(m, t).path("securityContext")).put("readOnlyRootFilesystem", false),
                        ManifestChecks::podSecurity),
                of("capabilities kept", dev, m -> ((ObjectNode) container(m, s).path("securityContext")).remove("capabilities"),
                        ManifestChecks::podSecurity),
                of("no memory limit", dev, m -> ((ObjectNode) container(m, s).path("resources").path("limits")).remove("memory"),
                        ManifestChecks::podSecurity),
                of("an untagged image", dev, m -> ((ObjectNode) container(m, t)).put("image", "ghcr.io/meanstream/meanstream-trainer"),
                        ManifestChecks::podSecurity),
                of("another image", dev, m -> ((ObjectNode) container(m, t)).put("image", "ghcr.io/meanstream/meanstream-streams-app:0.1.0-SNAPSHOT"),
                        m -> ManifestChecks.imageMatchesBuild(m, t, JibImage.of(t, false))),
                of("a user the image does not run as", dev,
                        m -> ((ObjectNode) m.podSpec(s).orElseThrow().path("securityContext")).put("runAsUser", 1000),
                        m -> ManifestChecks.imageMatchesBuild(m, s, JibImage.of(s, false))),
                of("two trainers", dev, m -> ((ObjectNode) m.workload(t).orElseThrow().path("spec")).put("replicas", 2),
                        ManifestChecks::trainerIsSingleWriter),
                of("no time to checkpoint", dev, m -> ((ObjectNode) m.podSpec(t).orElseThrow()).put("terminationGracePeriodSeconds", 30),
                        ManifestChecks::trainerIsSingleWriter),
                of("more streams-apps than partitions", dev,
                        m -> ((ObjectNode) m.get("HorizontalPodAutoscaler", "streams-app").orElseThrow().path("spec")).put("maxReplicas", 12),
                        ManifestChecks::streamsAppScales),
                of("more stream threads than partitions", dev, m -> setConfig(m, "streams-app-config", "MEANSTREAM_STREAMS_THREADS", "4"),
                        ManifestChecks::streamsAppScales),
                of("replicas fixed under the autoscaler", dev, m -> ((ObjectNode) m.workload(s).orElseThrow().path("spec")).put("replicas", 3),
                        ManifestChecks::streamsAppScales),
                of("no DNS egress", dev, m -> ((ArrayNode) m.get("NetworkPolicy", "trainer").orElseThrow().path("spec").path("egress")).remove(0),
                        m -> OverlayChecks.networkPolicy(m, t)),
                of("a plaintext client on the SASL listener", dev, m -> setConfig(m, "meanstream-shared", "MEANSTREAM_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT"),
                        OverlayChecks::devStrimziKafka),
                of("ZooKeeper-era Kafka", dev, m -> ((ObjectNode) m.ofKind("Kafka").get(0).path("metadata").path("annotations")).remove("strimzi.io/kraft"),
                        OverlayChecks::devStrimziKafka),
                of("prod without TLS", Overlays.PROD, m -> setConfig(m, "meanstream-shared", "MEANSTREAM_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"),
                        m -> OverlayChecks.prodExternalKafka(m, "meanstream-kafka-ca")),
                of("a GPU pod without a GPU", Overlays.GPU, m -> ((ObjectNode) container(m, s).path("resources").path("limits")).remove("nvidia.com/gpu"),
                        OverlayChecks::gpu),
                of("a GPU trainer on the CPU", Overlays.GPU, m -> setConfig(m, "trainer-config", "MEANSTREAM_TRAINER_DEVICE", "cpu"),
                        OverlayChecks::gpu),
                of("a GPU for the labeler", Overlays.GPU, m -> ((ObjectNode) container(m, l).path("resources").path("limits")).put("nvidia.com/gpu", 1),
                        OverlayChecks::gpu),
                of("the model's name set on the labeler", dev, m -> addEnv(m, l, "MEANSTREAM_MODEL_NAME", "fashion-mnist"),
                        m -> ManifestChecks.everyVariableIsRead(m, l, JibImage.of(l, false))),
                of("the labeler's buttons in another class order", dev,
                        m -> setConfig(m, "labeler-config", "MEANSTREAM_CLASS_NAMES", "Trouser,T-shirt/top,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot"),
                        ManifestChecks::servicesAgree),
                of("the accounts file outside the Secret", dev, m -> setConfig(m, "labeler-config", "MEANSTREAM_LABELER_ACCOUNTS_FILE", "/tmp/accounts.txt"),
                        m -> ManifestChecks.secretFiles(m, l, JibImage.of(l, false))),
                of("the accounts Secret mounted writable", dev, m -> ((ObjectNode) mount(m, l, "/etc/meanstream/labeler-accounts")).put("readOnly", false),
                        m -> ManifestChecks.secretFiles(m, l, JibImage.of(l, false))),
                of("the page and the ops server on one port", dev, m -> setConfig(m, "labeler-config", "MEANSTREAM_LABELER_OPS_PORT", "8090"),
                        m -> ManifestChecks.probesAndPorts(m, l, JibImage.of(l, false))),
                of("the labeler's liveness probe on the page", dev,
                        m -> ((ObjectNode) container(m, l).path("livenessProbe").path("httpGet")).put("port", "http"),
                        m -> ManifestChecks.probesAndPorts(m, l, JibImage.of(l, false))),
                of("the ServiceMonitor scrapes the labeler's page", dev,
                        m -> ((ObjectNode) m.get("ServiceMonitor", "labeler").orElseThrow().path("spec").path("endpoints").get(0)).put("port", "http"),
                        m -> ManifestChecks.serviceAndMonitor(m, l)),
                of("the labeler's page not in its Service", dev,
                        m -> ((ArrayNode) m.get("Service", "labeler").orElseThrow().path("spec").path("ports")).remove(0),
                        m -> ManifestChecks.serviceAndMonitor(m, l)),
                of("the labeler cannot write labels", dev, m -> removeAcl(m, "meanstream-labeler", "meanstream.labels", "Write"),
                        m -> ManifestChecks.aclsLeastPrivilege(m, l)),
                of("the labeler may write predictions", dev, m -> addAcl(m, "meanstream-labeler", "meanstream.predictions", "Write"),
                        m -> ManifestChecks.aclsLeastPrivilege(m, l)),
                of("the labeler's ops port open to the namespace", dev,
                        m -> ((ArrayNode) m.get("NetworkPolicy", "labeler").orElseThrow().path("spec").path("ingress").get(1).path("from")).addObject()
                                .putObject("podSelector"),
                        m -> OverlayChecks.networkPolicy(m, l)),
                of("two labelers", dev, m -> ((ObjectNode) m.workload(l).orElseThrow().path("spec")).put("replicas", 2),
                        ManifestChecks::labelerIsOnePod),
                of("prod's session cookie over plain HTTP", Overlays.PROD, m -> setConfig(m, "labeler-config", "MEANSTREAM_LABELER_SECURE_COOKIE", "false"),
                        OverlayChecks::labelerCookieIsSecure));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theCheckCatchesIt(String description, Case c) {
        Manifests real = Overlays.get(c.overlay());
        assertEquals(List.of(), c.check().apply(real), "the check must pass on the real " + c.overlay());
        Manifests broken = new Manifests(real.name, real.gpu, new ArrayList<>(Kustomize.copy(real.objects)));
        c.breakIt().accept(broken);
        List<String> problems = c.check().apply(broken);
        assertFalse(problems.isEmpty(), "no problem reported for: " + description);
    }

    @Test
    void missingKubectlFailsWithAClearMessage() {
        String before = System.getProperty("meanstream.kubectl");
        System.setProperty("meanstream.kubectl", "/nonexistent/kubectl");
        try {
            AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                    () -> Kustomize.renderNow(Kustomize.k8sDir().resolve("overlays/prod")));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("/nonexistent/kubectl"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty("meanstream.kubectl");
            } else {
                System.setProperty("meanstream.kubectl", before);
            }
        }
    }

    // ---------------------------------------------------------------- ways to break a rendering

    private static JsonNode container(Manifests m, App app) {
        return m.container(app).orElseThrow();
    }

    private static void addEnv(Manifests m, App app, String name, String value) {
        ObjectNode c = (ObjectNode) container(m, app);
        ArrayNode env = c.has("env") ? (ArrayNode) c.get("env") : c.putArray("env");
        env.addObject().put("name", name).put("value", value);
    }

    private static ObjectNode configData(Manifests m, String configMapPrefix) {
        return (ObjectNode) m.ofKind("ConfigMap").stream()
                .filter(c -> c.path("metadata").path("name").asText().startsWith(configMapPrefix + "-")).findFirst().orElseThrow()
                .path("data");
    }

    private static void setConfig(Manifests m, String configMap, String key, String value) {
        configData(m, configMap).put(key, value);
    }

    private static void removeConfig(Manifests m, String configMap, String key) {
        configData(m, configMap).remove(key);
    }

    private static JsonNode mount(Manifests m, App app, String mountPath) {
        for (JsonNode vm : container(m, app).path("volumeMounts")) {
            if (vm.path("mountPath").asText().equals(mountPath)) {
                return vm;
            }
        }
        throw new AssertionError("no mount " + mountPath);
    }

    private static void removeMount(Manifests m, App app, String mountPath) {
        ArrayNode mounts = (ArrayNode) container(m, app).path("volumeMounts");
        for (int i = 0; i < mounts.size(); i++) {
            if (mounts.get(i).path("mountPath").asText().equals(mountPath)) {
                mounts.remove(i);
                return;
            }
        }
        throw new AssertionError("no mount " + mountPath);
    }

    private static void replaceVolume(Manifests m, App app, String name, String json) {
        ArrayNode volumes = (ArrayNode) m.podSpec(app).orElseThrow().path("volumes");
        for (int i = 0; i < volumes.size(); i++) {
            if (volumes.get(i).path("name").asText().equals(name)) {
                try {
                    volumes.set(i, Kustomize.YAML.readTree(json));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    private static void removeAcl(Manifests m, String user, String topic, String operation) {
        for (JsonNode acl : m.get("KafkaUser", user).orElseThrow().path("spec").path("authorization").path("acls")) {
            if (acl.path("resource").path("name").asText().equals(topic)) {
                ArrayNode ops = (ArrayNode) acl.path("operations");
                for (int i = 0; i < ops.size(); i++) {
                    if (ops.get(i).asText().equals(operation)) {
                        ops.remove(i);
                        return;
                    }
                }
            }
        }
        throw new AssertionError("no ACL " + operation + " on " + topic);
    }

    private static void addAcl(Manifests m, String user, String topic, String operation) {
        for (JsonNode acl : m.get("KafkaUser", user).orElseThrow().path("spec").path("authorization").path("acls")) {
            if (acl.path("resource").path("name").asText().equals(topic)) {
                ((ArrayNode) acl.path("operations")).add(operation);
                return;
            }
        }
        throw new AssertionError("no ACL on " + topic);
    }
}
