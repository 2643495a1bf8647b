package io.meanstream.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.labeler.LabelerSettings;
import io.meanstream.streams.service.StreamsAppSettings;
import io.meanstream.trainer.service.TrainerSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/** Checks of NetworkPolicies and of what differs between the overlays: Kafka, TLS/SASL, GPUs, image tags. */
final class OverlayChecks {

    private OverlayChecks() {
    }

    /** host:port of the first bootstrap server. */
    static String[] bootstrap(Manifests m, App app) {
        String first = KafkaClientConfig.resolve(null, null, m.plainEnv(app)).bootstrapServers().split(",")[0].strip();
        int colon = first.lastIndexOf(':');
        return new String[] {first.substring(0, colon), first.substring(colon + 1)};
    }

    /**
     * Each app pod is isolated by a NetworkPolicy (Ingress and Egress) that lets in the ports it listens on and lets
     * out DNS and the Kafka bootstrap port, and nothing on other ports. An ops port that serves no other client
     * (/health, /ready, /metrics answer without sign-in) admits Prometheus pods only.
     */
    static List<String> networkPolicy(Manifests m, App app) {
        List<String> problems = new ArrayList<>();
        JsonNode podLabels = m.workload(app).orElseThrow().path("spec").path("template").path("metadata").path("labels");
        List<ObjectNode> policies = m.ofKind("NetworkPolicy").stream().filter(p -> {
            JsonNode sel = p.path("spec").path("podSelector").path("matchLabels");
            return !sel.isEmpty() && ManifestChecks.subset(sel, podLabels);
        }).toList();
        if (policies.size() != 1) {
            return List.of(m + ": " + policies.size() + " NetworkPolicies select the " + app.name + " pods, expected 1");
        }
        JsonNode spec = policies.get(0).path("spec");
        Set<String> types = new HashSet<>();
        spec.path("policyTypes").forEach(t -> types.add(t.asText()));
        if (!types.equals(Set.of("Ingress", "Egress"))) {
            problems.add(m + ": NetworkPolicy of " + app.name + " restricts " + types + ", expected Ingress and Egress");
        }
        JsonNode c = m.container(app).orElseThrow();
        Settings settings = Settings.resolve(app.settings, m.plainEnv(app), null);
        Set<Integer> listening = new TreeSet<>();
        ManifestChecks.listeningPorts(app).forEach(p -> listening.add(settings.get(p)));
        Set<Integer> clientPorts = new TreeSet<>();
        app.clientPorts.forEach(p -> clientPorts.add(settings.get(p)));
        Set<Integer> ingress = ports(spec.path("ingress"), c, problems, m + ": " + app.name + " ingress");
        if (!ingress.equals(listening)) {
            problems.add(m + ": " + app.name + " admits ports " + ingress + ", expected only the ports it listens on " + listening);
        }
        for (JsonNode rule : spec.path("ingress")) {
            Set<Integer> rulePorts = ports(List.of(rule), c, new ArrayList<>(), "");
            if (clientPorts.containsAll(rulePorts)) {
                continue;
            }
            for (JsonNode peer : rule.path("from")) {
                if (!peer.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asText().equals("prometheus")) {
                    problems.add(m + ": " + app.name + " admits " + peer + " to its ops port " + rulePorts + ", which only Prometheus needs");
                }
            }
        }
        Set<Integer> egress = ports(spec.path("egress"), c, problems, m + ": " + app.name + " egress");
        int kafkaPort = Integer.parseInt(bootstrap(m, app)[1]);
        if (!egress.equals(Set.of(53, kafkaPort))) {
            problems.add(m + ": " + app.name + " may connect to ports " + egress + ", expected DNS (53) and Kafka (" + kafkaPort + ")");
        }
        return problems;
    }

    private static Set<Integer> ports(Iterable<JsonNode> rules, JsonNode container, List<String> problems, String what) {
        Set<Integer> out = new TreeSet<>();
        for (JsonNode rule : rules) {
            if (!rule.has("ports")) {
                problems.add(what + ": a rule without ports allows every port");
            }
            if (!rule.has("from") && !rule.has("to")) {
                problems.add(what + ": a rule without peers allows every peer");
            }
            for (JsonNode p : rule.path("ports")) {
                JsonNode port = p.path("port");
                if (port.isTextual() && !port.asText().matches("\\d+")) {
                    int resolved = -1;
                    for (JsonNode cp : container.path("ports")) {
                        if (cp.path("name").asText().equals(port.asText())) {
                            resolved = cp.path("containerPort").asInt();
                        }
                    }
                    out.add(resolved);
                } else {
                    out.add(port.asInt());
                }
            }
        }
        return out;
    }

    /** Image tags: the project version in base and dev, a release (not SNAPSHOT) in prod, the -cuda builds with the GPU. */
    static List<String> imageTags(Manifests m, String description, Predicate<String> expected) {
        return imageTags(m, List.of(App.values()), description, expected);
    }

    static List<String> imageTags(Manifests m, List<App> apps, String description, Predicate<String> expected) {
        List<String> problems = new ArrayList<>();
        for (App app : apps) {
            String ref = m.container(app).orElseThrow().path("image").asText();
            if (!expected.test(ManifestChecks.tag(ref))) {
                problems.add(m + ": " + app.name + " runs " + ref + ", expected " + description);
            }
        }
        return problems;
    }

    /**
     * dev: a single-node Strimzi Kafka in KRaft mode (Kafka + KafkaNodePool, both annotations), whose listener is the
     * one the apps bootstrap from with the same security protocol and SASL mechanism, ACLs enforced, Topic and User
     * Operators running, replication factors a one-node cluster can satisfy.
     */
    static List<String> devStrimziKafka(Manifests m) {
        List<String> problems = new ArrayList<>();
        List<ObjectNode> kafkas = m.ofKind("Kafka");
        if (kafkas.size() != 1) {
            return List.of(m + ": " + kafkas.size() + " Strimzi Kafka resources, expected 1");
        }
        ObjectNode kafka = kafkas.get(0);
        String name = kafka.path("metadata").path("name").asText();
        if (!kafka.path("apiVersion").asText().equals("kafka.strimzi.io/v1beta2")) {
            problems.add(m + ": Kafka " + name + " is " + kafka.path("apiVersion").asText());
        }
        JsonNode annotations = kafka.path("metadata").path("annotations");
        if (!annotations.path("strimzi.io/kraft").asText().equals("enabled") || !annotations.path("strimzi.io/node-pools").asText().equals("enabled")) {
            problems.add(m + ": Kafka " + name + " lacks strimzi.io/kraft: enabled and strimzi.io/node-pools: enabled");
        }
        if (kafka.path("spec").has("zookeeper")) {
            problems.add(m + ": Kafka " + name + " configures ZooKeeper; KRaft needs none");
        }
        Set<String> roles = new TreeSet<>();
        int brokers = 0;
        for (ObjectNode pool : m.ofKind("KafkaNodePool")) {
            if (!pool.path("metadata").path("labels").path("strimzi.io/cluster").asText().equals(name)) {
                continue;
            }
            Set<String> poolRoles = new HashSet<>();
            pool.path("spec").path("roles").forEach(r -> poolRoles.add(r.asText()));
            roles.addAll(poolRoles);
            if (poolRoles.contains("broker")) {
                brokers += pool.path("spec").path("replicas").asInt();
            }
        }
        if (!roles.containsAll(Set.of("controller", "broker"))) {
            problems.add(m + ": the node pools of " + name + " have roles " + roles + ", KRaft needs controller and broker");
        }
        JsonNode config = kafka.path("spec").path("kafka").path("config");
        for (String rf : List.of("default.replication.factor", "offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "min.insync.replicas", "transaction.state.log.min.isr")) {
            if (config.path(rf).asInt(3) > brokers) {
                problems.add(m + ": " + rf + "=" + config.path(rf).asInt(3) + " with " + brokers + " broker(s): exactly-once and topic creation would fail");
            }
        }
        if (!kafka.path("spec").path("kafka").path("authorization").path("type").asText().equals("simple")) {
            problems.add(m + ": Kafka " + name + " does not enforce ACLs (authorization simple): the KafkaUsers would not be tested");
        }
        if (!kafka.path("spec").path("entityOperator").has("topicOperator") || !kafka.path("spec").path("entityOperator").has("userOperator")) {
            problems.add(m + ": Kafka " + name + " runs no Topic/User Operator: KafkaTopics and KafkaUsers would not apply");
        }
        for (App app : App.values()) {
            String[] hostPort = bootstrap(m, app);
            if (!hostPort[0].equals(name + "-kafka-bootstrap") && !hostPort[0].startsWith(name + "-kafka-bootstrap.")) {
                problems.add(m + ": " + app.name + " bootstraps from " + hostPort[0] + ", the Strimzi service is " + name + "-kafka-bootstrap");
            }
            Optional<JsonNode> listener = listener(kafka, Integer.parseInt(hostPort[1]));
            if (listener.isEmpty()) {
                problems.add(m + ": " + app.name + " connects to port " + hostPort[1] + ", where Kafka " + name + " has no listener");
                continue;
            }
            Map<String, String> client = KafkaClientConfig.resolve(null, null, m.plainEnv(app)).properties();
            String expectedProtocol = (listener.get().path("authentication").path("type").asText().startsWith("scram") ? "SASL_" : "")
                    + (listener.get().path("tls").asBoolean(false) ? "SSL" : "PLAINTEXT");
            if (!client.getOrDefault("security.protocol", "PLAINTEXT").equals(expectedProtocol)) {
                problems.add(m + ": " + app.name + " uses security.protocol " + client.get("security.protocol") + ", listener "
                        + listener.get().path("name").asText() + " wants " + expectedProtocol);
            }
            String auth = listener.get().path("authentication").path("type").asText("none");
            if (!auth.equals("scram-sha-512") || !"SCRAM-SHA-512".equals(client.get("sasl.mechanism"))) {
                problems.add(m + ": listener " + listener.get().path("name").asText() + " authenticates with " + auth + ", " + app.name
                        + " with " + client.get("sasl.mechanism"));
            }
        }
        return problems;
    }

    private static Optional<JsonNode> listener(JsonNode kafka, int port) {
        for (JsonNode l : kafka.path("spec").path("kafka").path("listeners")) {
            if (l.path("port").asInt() == port) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /**
     * prod: no Kafka of its own; both apps reach the external bootstrap over SASL_SSL with SCRAM-SHA-512, the
     * password (JAAS config) from their KafkaUser Secret and the cluster CA from Secret {@code caSecret}.
     */
    static List<String> prodExternalKafka(Manifests m, String caSecret) {
        List<String> problems = new ArrayList<>();
        for (String kind : List.of("Kafka", "KafkaNodePool")) {
            if (!m.ofKind(kind).isEmpty()) {
                problems.add(m + ": prod runs its own " + kind + "; it uses the external cluster");
            }
        }
        for (App app : App.values()) {
            Map<String, String> client = KafkaClientConfig.resolve(null, null, m.plainEnv(app)).properties();
            if (!"SASL_SSL".equals(client.get("security.protocol")) || !"SCRAM-SHA-512".equals(client.get("sasl.mechanism"))) {
                problems.add(m + ": " + app.name + " connects with " + client.get("security.protocol") + "/" + client.get("sasl.mechanism")
                        + ", expected SASL_SSL/SCRAM-SHA-512");
            }
            if (bootstrap(m, app)[0].startsWith("meanstream-kafka-bootstrap")) {
                problems.add(m + ": " + app.name + " bootstraps from the dev cluster's Service");
            }
            Manifests.EnvValue jaas = m.env(app).get("MEANSTREAM_KAFKA_SASL_JAAS_CONFIG");
            if (jaas == null || !jaas.fromSecret()) {
                problems.add(m + ": " + app.name + " has no SASL JAAS config from a Secret");
            }
            Set<String> secretVolumes = new TreeSet<>();
            for (JsonNode v : m.podSpec(app).orElseThrow().path("volumes")) {
                if (v.has("secret")) {
                    secretVolumes.add(v.path("secret").path("secretName").asText());
                }
            }
            if (!secretVolumes.contains(caSecret)) {
                problems.add(m + ": " + app.name + " mounts Secrets " + secretVolumes + ", not the cluster CA " + caSecret);
            }
            if (!client.containsKey("ssl.truststore.location")) {
                problems.add(m + ": " + app.name + " sets no ssl.truststore.location: the external cluster's CA would not be trusted");
            }
        }
        return problems;
    }

    /**
     * gpu: the trainer's and the streams-app's containers request and are limited to GPUs, are scheduled on GPU nodes
     * (node selector and the GPU taint's toleration) and are told to use them (trainer device gpu, streams-app
     * provider cuda); the labeler, which runs no model, holds no GPU.
     */
    static List<String> gpu(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (App app : App.values()) {
            if (!app.gpu) {
                JsonNode resources = m.container(app).orElseThrow().path("resources");
                if (resources.path("requests").has("nvidia.com/gpu") || resources.path("limits").has("nvidia.com/gpu")) {
                    problems.add(m + ": " + app.name + " requests a GPU it does not use");
                }
                continue;
            }
            JsonNode c = m.container(app).orElseThrow();
            JsonNode resources = c.path("resources");
            int requests = resources.path("requests").path("nvidia.com/gpu").asInt(0);
            int limits = resources.path("limits").path("nvidia.com/gpu").asInt(0);
            if (limits < 1 || requests != limits) {
                problems.add(m + ": " + app.name + " requests " + requests + " / limits " + limits + " nvidia.com/gpu");
            }
            JsonNode pod = m.podSpec(app).orElseThrow();
            if (pod.path("nodeSelector").isEmpty()) {
                problems.add(m + ": " + app.name + " has no node selector for GPU nodes");
            }
            boolean tolerates = false;
            for (JsonNode t : pod.path("tolerations")) {
                tolerates |= t.path("key").asText().equals("nvidia.com/gpu");
            }
            if (!tolerates) {
                problems.add(m + ": " + app.name + " does not tolerate the nvidia.com/gpu taint");
            }
        }
        Settings trainer = Settings.resolve(App.TRAINER.settings, m.plainEnv(App.TRAINER), null);
        if (!trainer.get(TrainerSettings.DEVICE).startsWith("gpu")) {
            problems.add(m + ": the trainer runs on " + trainer.get(TrainerSettings.DEVICE) + " while holding a GPU");
        }
        Settings streams = Settings.resolve(App.STREAMS_APP.settings, m.plainEnv(App.STREAMS_APP), null);
        if (!streams.get(StreamsAppSettings.PROVIDER).startsWith("cuda")) {
            problems.add(m + ": the streams-app scores with " + streams.get(StreamsAppSettings.PROVIDER) + " while holding a GPU");
        }
        return problems;
    }

    /**
     * prod: the labeler's session cookie is sent over HTTPS only (its page is behind an Ingress with TLS), so a
     * signed-in session never travels in clear.
     */
    static List<String> labelerCookieIsSecure(Manifests m) {
        if (!Settings.resolve(App.LABELER.settings, m.plainEnv(App.LABELER), null).get(LabelerSettings.SECURE_COOKIE)) {
            return List.of(m + ": the labeler sends its session cookie over plain HTTP (" + LabelerSettings.SECURE_COOKIE.env() + "=false)");
        }
        return List.of();
    }

    /** Without the GPU component: no GPU requested, CPU device and provider. */
    static List<String> noGpu(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (App app : App.values()) {
            JsonNode resources = m.container(app).orElseThrow().path("resources");
            if (resources.path("requests").has("nvidia.com/gpu") || resources.path("limits").has("nvidia.com/gpu")) {
                problems.add(m + ": " + app.name + " requests a GPU");
            }
        }
        if (!Settings.resolve(App.TRAINER.settings, m.plainEnv(App.TRAINER), null).get(TrainerSettings.DEVICE).equals("cpu")
                || !Settings.resolve(App.STREAMS_APP.settings, m.plainEnv(App.STREAMS_APP), null).get(StreamsAppSettings.PROVIDER).equals("cpu")) {
            problems.add(m + ": a CPU overlay asks for a GPU device or provider");
        }
        return problems;
    }
}
