package io.meanstream.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meanstream.config.Setting;
import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicRole;
import io.meanstream.kafka.TopicSpec;
import io.meanstream.kafka.Topics;
import io.meanstream.labeler.LabelerSettings;
import io.meanstream.streams.service.StreamsAppSettings;
import io.meanstream.trainer.service.TrainerConfig;
import io.meanstream.trainer.service.TrainerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The checks of a rendered overlay. Each returns the problems it found (empty = fine), so a test can assert that
 * the real manifests have none and that a broken copy has some ({@code ChecksCanFailTest}).
 */
final class ManifestChecks {

    private ManifestChecks() {
    }

    // ------------------------------------------------------------------ environment

    /**
     * Variables the services' code reads outside the settings registries, with who reads them. MEANSTREAM_* ones
     * name the source file that reads them, which is checked to still do so.
     */
    static final Map<String, String> OTHER_READERS = Map.of(
            "MEANSTREAM_LOG_LEVEL", "core/src/main/resources/logback.xml",
            "JAVA_TOOL_OPTIONS", "the JVM (extra flags, e.g. -Xmx, without rebuilding the image)",
            "DJL_CACHE_DIR", "DJL (ai.djl.util.Utils.getCacheDir): where the PyTorch native library is unpacked",
            "ENGINE_CACHE_DIR", "DJL (ai.djl.util.Utils.getEngineCacheDir): as DJL_CACHE_DIR, for engines only",
            "DJL_OFFLINE", "DJL (ai.djl.util.Utils.isOfflineMode)",
            "MALLOC_MMAP_THRESHOLD_", "glibc malloc: keeps freed tensor memory (see the ./meanstream launcher)",
            "MALLOC_TRIM_THRESHOLD_", "glibc malloc: keeps freed tensor memory (see the ./meanstream launcher)",
            "MALLOC_TOP_PAD_", "glibc malloc: keeps freed tensor memory (see the ./meanstream launcher)");

    /** The ConfigMap every service reads (the Kafka client; the model's name for the trainer and the streams-app). */
    static final String SHARED_CONFIG_MAP = "meanstream-shared";

    /** Variables of the shared registries that every service reads: topics (Topics.fromEnv), Kafka client (KafkaClientConfig). */
    static boolean isTopicVariable(String name) {
        if (name.equals("MEANSTREAM_TOPIC_REPLICATION_FACTOR")) {
            return true;
        }
        for (TopicRole role : TopicRole.values()) {
            if (name.equals("MEANSTREAM_TOPIC_" + role.name()) || name.equals("MEANSTREAM_TOPIC_" + role.name() + "_PARTITIONS")) {
                return true;
            }
        }
        return false;
    }

    static Set<String> kafkaClientProperties() {
        Set<String> names = new HashSet<>();
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        names.addAll(StreamsConfig.configDef().names());
        return names;
    }

    /** Every variable set on the container is read by the service (or by the JVM/DJL/glibc, allow-listed above). */
    static List<String> everyVariableIsRead(Manifests m, App app, JibImage image) {
        List<String> problems = new ArrayList<>();
        if (m.container(app).isEmpty()) {
            return List.of(m + ": no " + app.name + " container");
        }
        Set<String> settings = new HashSet<>();
        app.settings.forEach(s -> settings.add(s.env()));
        Set<String> kafkaProperties = kafkaClientProperties();
        Map<String, String> env = new LinkedHashMap<>(image.environment());
        env.putAll(m.plainEnv(app));
        Map<String, Manifests.EnvValue> sources = m.env(app);
        for (String name : env.keySet()) {
            if (settings.contains(name) || isTopicVariable(name) || name.equals(KafkaClientConfig.ENV_CONFIG_FILE)) {
                continue;
            }
            if (app.ignoredSharedVariables.contains(name) && sources.containsKey(name)
                    && sources.get(name).source().startsWith("ConfigMap " + SHARED_CONFIG_MAP + "-")) {
                continue; // in the ConfigMap every service reads, for the others
            }
            if (name.startsWith(KafkaClientConfig.ENV_PREFIX)) {
                // The real mapping: MEANSTREAM_KAFKA_SASL_JAAS_CONFIG -> sasl.jaas.config.
                String property = KafkaClientConfig.resolve(null, null, Map.of(name, "x")).properties().keySet().stream()
                        .filter(p -> !p.equals("bootstrap.servers") || name.equals("MEANSTREAM_KAFKA_BOOTSTRAP_SERVERS"))
                        .findFirst().orElse("?");
                if (!kafkaProperties.contains(property)) {
                    problems.add(m + ": " + app.name + " sets " + name + ", but '" + property + "' is no Kafka client property");
                }
                continue;
            }
            String reader = OTHER_READERS.get(name);
            if (reader == null) {
                problems.add(m + ": " + app.name + " sets " + name + ", which nothing in " + app.name + " reads");
            } else if (name.startsWith("MEANSTREAM_") && !sourceMentions(reader, name)) {
                problems.add(m + ": " + name + " is allow-listed as read by " + reader + ", which no longer mentions it");
            } else if ((name.startsWith("DJL_") || name.startsWith("ENGINE_") || name.startsWith("MALLOC_")) && app != App.TRAINER) {
                problems.add(m + ": " + app.name + " sets " + name + ", but only the trainer runs PyTorch");
            }
        }
        return problems;
    }

    private static boolean sourceMentions(String relativePath, String text) {
        try {
            return Files.readString(Kustomize.repoDir().resolve(relativePath)).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The settings resolve and validate as the service would at start; every setting without a default is set; Kafka
     * is reached by name, not at the loopback default; the ConfigMaps the container reads exist.
     */
    static List<String> settingsResolve(Manifests m, App app) {
        List<String> problems = new ArrayList<>();
        JsonNode c = m.container(app).orElse(null);
        if (c == null) {
            return List.of(m + ": no " + app.name + " container");
        }
        for (JsonNode from : c.path("envFrom")) {
            String cm = from.path("configMapRef").path("name").asText(null);
            if (cm != null && m.configMap(cm).isEmpty() && !from.path("configMapRef").path("optional").asBoolean()) {
                problems.add(m + ": " + app.name + " reads ConfigMap " + cm + ", which is not rendered");
            }
        }
        Map<String, String> env = m.plainEnv(app);
        for (Setting<?> s : app.settings) {
            if (s.defaultValue() == null && !env.containsKey(s.env())) {
                problems.add(m + ": " + app.name + " needs " + s.env() + " (no default), which is not set");
            }
        }
        try {
            Settings settings = Settings.resolve(app.settings, env, null);
            if (app == App.TRAINER) {
                TrainerConfig.from(settings); // shapes, normalisation, resize policy
            }
        } catch (RuntimeException e) {
            problems.add(m + ": " + app.name + " would not start: " + e.getMessage());
        }
        try {
            Topics.fromEnv(env);
        } catch (RuntimeException e) {
            problems.add(m + ": " + app.name + " topic settings are invalid: " + e.getMessage());
        }
        String bootstrap = KafkaClientConfig.resolve(null, null, env).bootstrapServers();
        if (!env.containsKey("MEANSTREAM_KAFKA_BOOTSTRAP_SERVERS") || bootstrap.startsWith("127.") || bootstrap.startsWith("localhost")) {
            problems.add(m + ": " + app.name + " would connect to Kafka at " + bootstrap + " (set MEANSTREAM_KAFKA_BOOTSTRAP_SERVERS)");
        }
        return problems;
    }

    /**
     * The services use the same topic registry and Kafka cluster, the trainer and the streams-app the same model
     * name, and all of them the trainer's class names in its class-index order (the streams-app reads labels by
     * class, the labeler writes the index of the button pressed), or their records would not meet or mean the same.
     */
    static List<String> servicesAgree(Manifests m) {
        List<String> problems = new ArrayList<>();
        Map<String, String> trainer = m.plainEnv(App.TRAINER);
        Map<String, String> streams = m.plainEnv(App.STREAMS_APP);
        String a = Settings.resolve(App.TRAINER.settings, trainer, null).get(TrainerSettings.MODEL_NAME);
        String b = Settings.resolve(App.STREAMS_APP.settings, streams, null).get(StreamsAppSettings.MODEL_NAME);
        if (!a.equals(b)) {
            problems.add(m + ": the trainer releases model " + a + ", the streams-app serves " + b);
        }
        List<String> classes = List.of(Settings.resolve(App.TRAINER.settings, trainer, null).get(TrainerSettings.CLASS_NAMES)
                .split(",")).stream().map(String::strip).toList();
        for (App app : App.values()) {
            if (app == App.TRAINER) {
                continue;
            }
            Map<String, String> env = m.plainEnv(app);
            if (!describe(Topics.fromEnv(trainer)).equals(describe(Topics.fromEnv(env)))) {
                problems.add(m + ": the trainer and the " + app.name + " see different topics: " + describe(Topics.fromEnv(trainer))
                        + " vs " + describe(Topics.fromEnv(env)));
            }
            if (!java.util.Objects.equals(kafkaWithoutCredentials(trainer), kafkaWithoutCredentials(env))) {
                problems.add(m + ": the trainer and the " + app.name + " connect to Kafka differently");
            }
            Settings s = Settings.resolve(app.settings, env, null);
            List<String> own = app == App.STREAMS_APP ? s.get(StreamsAppSettings.CLASS_NAMES) : s.get(LabelerSettings.CLASS_NAMES);
            if (!own.equals(classes)) {
                problems.add(m + ": the " + app.name + " names the classes " + own + ", the trainer " + classes);
            }
        }
        return problems;
    }

    private static Map<String, String> kafkaWithoutCredentials(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>(KafkaClientConfig.resolve(null, null, env).properties());
        out.remove("sasl.jaas.config");
        return out;
    }

    private static String describe(Topics topics) {
        StringBuilder out = new StringBuilder();
        for (TopicSpec<?, ?> t : topics.all()) {
            out.append(t.name()).append('/').append(t.partitions()).append('/').append(t.replicationFactor()).append(new TreeMap<>(t.configs())).append(' ');
        }
        return out.toString();
    }

    /**
     * Whatever the service writes is on a writable volume: its path settings (relative ones resolve against the
     * image's working directory), java.io.tmpdir and the DJL cache of the image; checkpoints and the model store on
     * the PersistentVolumeClaim. A Kafka truststore file is on a mounted volume.
     */
    static List<String> writablePaths(Manifests m, App app, JibImage image) {
        List<String> problems = new ArrayList<>();
        JsonNode c = m.container(app).orElse(null);
        if (c == null) {
            return List.of(m + ": no " + app.name + " container");
        }
        Map<String, String> env = m.plainEnv(app);
        Settings settings = Settings.resolve(app.settings, env, null);
        Map<String, Boolean> paths = new LinkedHashMap<>();
        app.pathSettings.forEach((s, persistent) -> paths.put(settings.get(s), persistent));
        paths.put(image.tmpdir(), false);
        if (app == App.TRAINER) {
            String djl = env.getOrDefault("DJL_CACHE_DIR", image.environment().get("DJL_CACHE_DIR"));
            if (djl == null) {
                problems.add(m + ": the trainer image sets no DJL_CACHE_DIR: DJL would unpack PyTorch under the read-only home");
            } else {
                paths.put(djl, false);
            }
        }
        for (var e : paths.entrySet()) {
            Path p = Path.of(image.workingDirectory()).resolve(e.getKey()).normalize();
            Optional<JsonNode> mount = mountFor(c, p);
            if (mount.isEmpty()) {
                problems.add(m + ": " + app.name + " writes " + p + ", which is on no volume (the root file system is read-only)");
                continue;
            }
            if (mount.get().path("readOnly").asBoolean(false)) {
                problems.add(m + ": " + app.name + " writes " + p + ", which is mounted read-only");
            }
            JsonNode volume = volume(m, app, mount.get().path("name").asText());
            boolean pvc = volume.has("persistentVolumeClaim");
            if (!pvc && !volume.has("emptyDir")) {
                problems.add(m + ": " + app.name + " writes " + p + " on volume " + mount.get().path("name").asText() + ", neither emptyDir nor a claim");
            }
            if (e.getValue() && !pvc) {
                problems.add(m + ": " + app.name + " keeps " + p + " across restarts, but its volume is not a PersistentVolumeClaim");
            }
            if (pvc && m.get("PersistentVolumeClaim", volume.path("persistentVolumeClaim").path("claimName").asText()).isEmpty()) {
                problems.add(m + ": " + app.name + " mounts claim " + volume.path("persistentVolumeClaim").path("claimName").asText()
                        + ", which is not rendered");
            }
        }
        String truststore = env.get("MEANSTREAM_KAFKA_SSL_TRUSTSTORE_LOCATION");
        if (truststore != null) {
            Optional<JsonNode> mount = mountFor(c, Path.of(truststore));
            if (mount.isEmpty() || !volume(m, app, mount.get().path("name").asText()).has("secret")) {
                problems.add(m + ": " + app.name + " reads its Kafka truststore " + truststore + " from no Secret volume");
            }
        }
        return problems;
    }

    /**
     * Files with secrets the service reads (the labeler's accounts): on a Secret volume mounted read-only, under a
     * key the Secret projects to that file name, never in the image or a ConfigMap.
     */
    static List<String> secretFiles(Manifests m, App app, JibImage image) {
        List<String> problems = new ArrayList<>();
        JsonNode c = m.container(app).orElse(null);
        if (c == null) {
            return List.of(m + ": no " + app.name + " container");
        }
        Settings settings = Settings.resolve(app.settings, m.plainEnv(app), null);
        for (Setting<String> setting : app.secretFileSettings) {
            Path p = Path.of(image.workingDirectory()).resolve(settings.get(setting)).normalize();
            Optional<JsonNode> mount = mountFor(c, p);
            JsonNode volume = mount.map(vm -> volume(m, app, vm.path("name").asText()))
                    .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
            if (mount.isEmpty() || !volume.has("secret")) {
                problems.add(m + ": " + app.name + " reads " + setting.env() + "=" + p + " from no Secret volume");
                continue;
            }
            if (!mount.get().path("readOnly").asBoolean(false)) {
                problems.add(m + ": " + app.name + " mounts the Secret with " + setting.env() + " writable");
            }
            String file = Path.of(mount.get().path("mountPath").asText()).relativize(p).toString();
            JsonNode items = volume.path("secret").path("items");
            boolean projected = items.isEmpty();
            for (JsonNode item : items) {
                projected |= item.path("path").asText().equals(file);
            }
            if (!projected || file.isEmpty()) {
                problems.add(m + ": " + app.name + " reads " + p + ", which Secret " + volume.path("secret").path("secretName").asText()
                        + " does not project (items " + items + ")");
            }
        }
        return problems;
    }

    private static Optional<JsonNode> mountFor(JsonNode container, Path path) {
        JsonNode best = null;
        int depth = -1;
        for (JsonNode vm : container.path("volumeMounts")) {
            Path mp = Path.of(vm.path("mountPath").asText());
            if (path.startsWith(mp) && mp.getNameCount() > depth) {
                best = vm;
                depth = mp.getNameCount();
            }
        }
        return Optional.ofNullable(best);
    }

    private static JsonNode volume(Manifests m, App app, String name) {
        for (JsonNode v : m.podSpec(app).orElseThrow().path("volumes")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    // ------------------------------------------------------------------ probes, ports, Services, monitoring

    /**
     * The ports the service listens on (its ops port setting, and the labeler's page port) are fixed, distinct, named
     * container ports that the image exposes; the probes ask the ops server by the port's name.
     */
    static List<String> probesAndPorts(Manifests m, App app, JibImage image) {
        List<String> problems = new ArrayList<>();
        JsonNode c = m.container(app).orElse(null);
        if (c == null) {
            return List.of(m + ": no " + app.name + " container");
        }
        Settings settings = Settings.resolve(app.settings, m.plainEnv(app), null);
        int port = settings.get(app.opsPort);
        Map<String, Integer> named = new LinkedHashMap<>();
        c.path("ports").forEach(p -> named.put(p.path("name").asText(""), p.path("containerPort").asInt()));
        if (named.containsKey("")) {
            problems.add(m + ": " + app.name + " declares an unnamed container port");
        }
        Map<Integer, String> listens = new LinkedHashMap<>();
        for (Setting<Integer> s : listeningPorts(app)) {
            int p = settings.get(s);
            String other = listens.put(p, s.env());
            if (other != null) {
                problems.add(m + ": " + app.name + " listens with " + other + " and " + s.env() + " on the same port " + p);
            }
            if (p <= 0) {
                problems.add(m + ": " + app.name + " listens on port " + p + " (" + s.env() + "): probes and Services need a fixed port");
            }
            if (!image.ports().contains(p)) {
                problems.add(m + ": " + app.name + " listens on " + p + " (" + s.env() + "), its image exposes " + image.ports());
            }
            if (!named.containsValue(p)) {
                problems.add(m + ": " + app.name + " declares container ports " + named + ", not " + s.env() + "=" + p);
            }
        }
        for (String[] probe : new String[][] {{"startupProbe", "/health"}, {"livenessProbe", "/health"}, {"readinessProbe", "/ready"}}) {
            JsonNode http = c.path(probe[0]).path("httpGet");
            if (http.isMissingNode()) {
                problems.add(m + ": " + app.name + " has no " + probe[0] + " on " + probe[1]);
                continue;
            }
            if (!http.path("path").asText().equals(probe[1])) {
                problems.add(m + ": " + app.name + " " + probe[0] + " asks " + http.path("path").asText() + ", the service answers on " + probe[1]);
            }
            if (!http.path("scheme").asText("HTTP").equals("HTTP")) {
                problems.add(m + ": " + app.name + " " + probe[0] + " uses " + http.path("scheme").asText() + "; the ops server speaks HTTP");
            }
            if (!http.path("port").isTextual() || http.path("port").asText().matches("\\d+")) {
                problems.add(m + ": " + app.name + " " + probe[0] + " probes port " + http.path("port").asText()
                        + " by number; name the container port and probe the name");
            }
            int probed = resolvePort(http.path("port"), named);
            if (probed != port) {
                problems.add(m + ": " + app.name + " " + probe[0] + " probes port " + http.path("port").asText() + " (" + probed
                        + "), the service listens on " + port);
            }
        }
        return problems;
    }

    /** The port settings the service listens on: the ops port and the client ports, each once. */
    static List<Setting<Integer>> listeningPorts(App app) {
        List<Setting<Integer>> out = new ArrayList<>(List.of(app.opsPort));
        app.clientPorts.stream().filter(p -> !out.contains(p)).forEach(out::add);
        return out;
    }

    private static int resolvePort(JsonNode ref, Map<String, Integer> named) {
        if (ref.isNumber() || (ref.isTextual() && ref.asText().matches("\\d+"))) {
            return ref.asInt();
        }
        return named.getOrDefault(ref.asText(), -1);
    }

    /**
     * A Service reaches every port the service listens on, on its pods; a ServiceMonitor scrapes /metrics through the
     * Service port that targets the ops port.
     */
    static List<String> serviceAndMonitor(Manifests m, App app) {
        List<String> problems = new ArrayList<>();
        Optional<ObjectNode> workload = m.workload(app);
        Optional<ObjectNode> service = m.get("Service", app.name);
        Optional<ObjectNode> monitor = m.get("ServiceMonitor", app.name);
        if (workload.isEmpty() || service.isEmpty() || monitor.isEmpty()) {
            return List.of(m + ": " + app.name + " needs a " + app.workloadKind + ", a Service and a ServiceMonitor of that name");
        }
        JsonNode podLabels = workload.get().path("spec").path("template").path("metadata").path("labels");
        if (!subset(service.get().path("spec").path("selector"), podLabels) || service.get().path("spec").path("selector").isEmpty()) {
            problems.add(m + ": Service " + app.name + " selects " + service.get().path("spec").path("selector") + ", not the pods " + podLabels);
        }
        Settings settings = Settings.resolve(app.settings, m.plainEnv(app), null);
        int port = settings.get(app.opsPort);
        Map<String, Integer> named = new LinkedHashMap<>();
        m.container(app).orElseThrow().path("ports").forEach(p -> named.put(p.path("name").asText(""), p.path("containerPort").asInt()));
        Map<String, Integer> servicePorts = new LinkedHashMap<>();
        for (JsonNode p : service.get().path("spec").path("ports")) {
            JsonNode target = p.has("targetPort") ? p.path("targetPort") : p.path("port");
            servicePorts.put(p.path("name").asText(), resolvePort(target, named));
        }
        for (Setting<Integer> s : listeningPorts(app)) {
            if (!servicePorts.containsValue(settings.get(s))) {
                problems.add(m + ": Service " + app.name + " targets no port equal to " + s.env() + "=" + settings.get(s));
            }
        }
        JsonNode selector = monitor.get().path("spec").path("selector").path("matchLabels");
        if (selector.isEmpty() || !subset(selector, service.get().path("metadata").path("labels"))) {
            problems.add(m + ": ServiceMonitor " + app.name + " selects " + selector + ", not Service " + app.name);
        }
        JsonNode endpoints = monitor.get().path("spec").path("endpoints");
        if (endpoints.isEmpty()) {
            problems.add(m + ": ServiceMonitor " + app.name + " has no endpoints");
        }
        for (JsonNode e : endpoints) {
            if (!servicePorts.containsKey(e.path("port").asText())) {
                problems.add(m + ": ServiceMonitor " + app.name + " scrapes port " + e.path("port").asText() + ", the Service has "
                        + servicePorts.keySet());
            } else if (servicePorts.get(e.path("port").asText()) != port) {
                problems.add(m + ": ServiceMonitor " + app.name + " scrapes port " + e.path("port").asText() + ", which targets "
                        + servicePorts.get(e.path("port").asText()) + ", not the ops server's " + app.opsPort.env() + "=" + port);
            }
            if (!e.path("path").asText("/metrics").equals("/metrics")) {
                problems.add(m + ": ServiceMonitor " + app.name + " scrapes " + e.path("path").asText() + ", metrics are on /metrics");
            }
        }
        return problems;
    }

    /** Every field of {@code small} has the same text in {@code big} (label selectors vs labels). */
    static boolean subset(JsonNode small, JsonNode big) {
        var it = small.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!big.path(e.getKey()).asText("\u0000").equals(e.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ topics and ACLs

    /** One KafkaTopic per registry topic, with the registry's name, partitions, replication and configs exactly. */
    static List<String> topicsMatchRegistry(Manifests m) {
        List<String> problems = new ArrayList<>();
        Topics registry = Topics.fromEnv(m.plainEnv(App.TRAINER));
        Map<String, ObjectNode> byTopic = new TreeMap<>();
        for (ObjectNode t : m.ofKind("KafkaTopic")) {
            String topic = t.path("spec").path("topicName").asText(t.path("metadata").path("name").asText());
            if (byTopic.put(topic, t) != null) {
                problems.add(m + ": two KafkaTopics for " + topic);
            }
            if (!t.path("apiVersion").asText().equals("kafka.strimzi.io/v1beta2")) {
                problems.add(m + ": KafkaTopic " + topic + " is " + t.path("apiVersion").asText() + ", expected kafka.strimzi.io/v1beta2");
            }
        }
        Set<String> expected = new TreeSet<>();
        for (TopicSpec<?, ?> spec : registry.all()) {
            expected.add(spec.name());
            ObjectNode t = byTopic.get(spec.name());
            if (t == null) {
                problems.add(m + ": no KafkaTopic for " + spec.role() + " (" + spec.name() + ")");
                continue;
            }
            JsonNode s = t.path("spec");
            if (s.path("partitions").asInt(-1) != spec.partitions()) {
                problems.add(m + ": KafkaTopic " + spec.name() + " has " + s.path("partitions") + " partitions, the registry " + spec.partitions());
            }
            if (spec.replicationFactor().isPresent() != s.has("replicas")
                    || spec.replicationFactor().isPresent() && s.path("replicas").asInt() != spec.replicationFactor().get()) {
                problems.add(m + ": KafkaTopic " + spec.name() + " replicas " + s.path("replicas") + ", the registry "
                        + spec.replicationFactor().map(String::valueOf).orElse("the broker's default (no replicas)"));
            }
            Map<String, String> configs = new TreeMap<>();
            s.path("config").fields().forEachRemaining(e -> configs.put(e.getKey(), e.getValue().asText()));
            if (!configs.equals(new TreeMap<>(spec.configs()))) {
                problems.add(m + ": KafkaTopic " + spec.name() + " config " + configs + ", the registry " + new TreeMap<>(spec.configs()));
            }
        }
        for (String extra : byTopic.keySet()) {
            if (!expected.contains(extra)) {
                problems.add(m + ": KafkaTopic " + extra + " is not in the topic registry");
            }
        }
        return problems;
    }

    /** A Kafka ACL the service needs or a KafkaUser grants: a resource pattern and one operation. */
    record Access(String type, String pattern, String name, String operation) {
        @Override
        public String toString() {
            return operation + " " + type + " " + name + (pattern.equals("prefix") ? "*" : "");
        }
    }

    /**
     * What each service does on Kafka, read from its code: the topic bootstrapper describes every topic and its
     * configs; consumers read, producers write; Kafka Streams owns its internal topics, group and transactional ids
     * under its application id. The trainer's group and join application id are derived from the model name in
     * TrainerService (consumeImages, streamsProperties). The labeler runs no Kafka Streams and joins no group: its
     * consumers assign partitions and seek (StreamReader, ImageStore), its producer writes labels without
     * transactions (LabelWriter).
     */
    static Set<Access> requiredAccess(Manifests m, App app) {
        Map<String, String> env = m.plainEnv(app);
        Topics t = Topics.fromEnv(env);
        Settings s = Settings.resolve(app.settings, env, null);
        Set<Access> out = new LinkedHashSet<>();
        for (TopicSpec<?, ?> spec : t.all()) {
            out.add(new Access("topic", "literal", spec.name(), "Describe"));
            out.add(new Access("topic", "literal", spec.name(), "DescribeConfigs"));
        }
        String applicationId;
        boolean exactlyOnce;
        List<TopicSpec<?, ?>> reads;
        List<TopicSpec<?, ?>> writes;
        if (app == App.LABELER) {
            List.of(t.labelRequests(), t.images(), t.predictions(), t.quality(), t.labels())
                    .forEach(spec -> out.add(new Access("topic", "literal", spec.name(), "Read")));
            out.add(new Access("topic", "literal", t.labels().name(), "Write"));
            return out;
        }
        if (app == App.TRAINER) {
            String model = s.get(TrainerSettings.MODEL_NAME);
            applicationId = "meanstream-trainer-join-" + model.replaceAll("[^A-Za-z0-9_-]", "_");
            exactlyOnce = true; // the label join always runs exactly_once_v2
            reads = List.of(t.images(), t.labels(), t.labeledImages(), t.models());
            writes = List.of(t.labeledImages(), t.models(), t.deadLetters());
            out.add(new Access("group", "literal", "meanstream-trainer-" + model, "Read"));
        } else {
            applicationId = s.get(StreamsAppSettings.APPLICATION_ID);
            exactlyOnce = s.get(StreamsAppSettings.GUARANTEE).startsWith("exactly_once");
            reads = List.of(t.images(), t.labels(), t.predictions(), t.models());
            writes = List.of(t.predictions(), t.quality(), t.labelRequests(), t.deadLetters());
        }
        reads.forEach(spec -> out.add(new Access("topic", "literal", spec.name(), "Read")));
        writes.forEach(spec -> out.add(new Access("topic", "literal", spec.name(), "Write")));
        out.add(new Access("group", "literal", applicationId, "Read"));
        for (String op : List.of("Create", "Read", "Write", "Delete", "Describe", "DescribeConfigs")) {
            out.add(new Access("topic", "prefix", applicationId + "-", op));
        }
        if (exactlyOnce) {
            out.add(new Access("transactionalId", "prefix", applicationId + "-", "Write"));
            out.add(new Access("transactionalId", "prefix", applicationId + "-", "Describe"));
        }
        return out;
    }

    /**
     * The service's KafkaUser grants exactly what it needs: everything it does (a missing ACL stops it), and
     * nothing more (no extra operation, no broader pattern, no All, no wildcard); it authenticates as the client is
     * configured to, and the container's JAAS config comes from that user's Secret.
     */
    static List<String> aclsLeastPrivilege(Manifests m, App app) {
        List<String> problems = new ArrayList<>();
        Optional<ObjectNode> user = m.get("KafkaUser", app.kafkaUser());
        if (user.isEmpty()) {
            return List.of(m + ": no KafkaUser " + app.kafkaUser());
        }
        Set<Access> granted = new LinkedHashSet<>();
        for (JsonNode acl : user.get().path("spec").path("authorization").path("acls")) {
            JsonNode r = acl.path("resource");
            String type = r.path("type").asText();
            String name = type.equals("cluster") ? "kafka-cluster" : r.path("name").asText();
            String pattern = type.equals("cluster") ? "literal" : r.path("patternType").asText("literal");
            if (name.equals("*") || name.isEmpty()) {
                problems.add(m + ": KafkaUser " + app.kafkaUser() + " grants " + type + " '" + name + "' (every resource)");
            }
            if (!acl.path("type").asText("allow").equals("allow")) {
                problems.add(m + ": KafkaUser " + app.kafkaUser() + " has a " + acl.path("type").asText() + " rule; only allow rules are expected");
            }
            List<String> ops = new ArrayList<>();
            acl.path("operations").forEach(o -> ops.add(o.asText()));
            if (acl.has("operation")) {
                ops.add(acl.path("operation").asText());
            }
            for (String op : ops) {
                if (op.equals("All")) {
                    problems.add(m + ": KafkaUser " + app.kafkaUser() + " grants All on " + type + " " + name);
                }
                granted.add(new Access(type, pattern, name, op));
            }
        }
        Set<Access> required = requiredAccess(m, app);
        for (Access need : required) {
            if (granted.stream().noneMatch(g -> covers(g, need))) {
                problems.add(m + ": KafkaUser " + app.kafkaUser() + " lacks " + need);
            }
        }
        for (Access g : granted) {
            if (!required.contains(g)) {
                problems.add(m + ": KafkaUser " + app.kafkaUser() + " grants " + g + ", which " + app.name + " does not need");
            }
        }
        JsonNode auth = user.get().path("spec").path("authentication");
        Map<String, String> kafka = KafkaClientConfig.resolve(null, null, m.plainEnv(app)).properties();
        String mechanism = kafka.getOrDefault("sasl.mechanism", "GSSAPI");
        String protocol = kafka.getOrDefault("security.protocol", "PLAINTEXT");
        if (auth.path("type").asText().equals("scram-sha-512")) {
            if (!protocol.startsWith("SASL_") || !mechanism.equals("SCRAM-SHA-512")) {
                problems.add(m + ": KafkaUser " + app.kafkaUser() + " authenticates with SCRAM-SHA-512, the client with " + protocol + "/" + mechanism);
            }
            Manifests.EnvValue jaas = m.env(app).get("MEANSTREAM_KAFKA_SASL_JAAS_CONFIG");
            if (jaas == null || !jaas.fromSecret() || !jaas.secretName().equals(app.kafkaUser()) || !jaas.secretKey().equals("sasl.jaas.config")) {
                problems.add(m + ": " + app.name + " must take MEANSTREAM_KAFKA_SASL_JAAS_CONFIG from Secret " + app.kafkaUser()
                        + " key sasl.jaas.config (the User Operator writes it), got " + jaas);
            }
        } else {
            problems.add(m + ": KafkaUser " + app.kafkaUser() + " authenticates with " + auth.path("type").asText() + "; the clients use SCRAM-SHA-512");
        }
        return problems;
    }

    /** Whether a granted rule allows a needed access (Kafka: Read, Write, Delete and Alter imply Describe). */
    static boolean covers(Access granted, Access need) {
        if (!granted.type().equals(need.type())) {
            return false;
        }
        boolean names = granted.pattern().equals("literal")
                ? need.pattern().equals("literal") && granted.name().equals(need.name())
                : need.name().startsWith(granted.name());
        if (!names) {
            return false;
        }
        return granted.operation().equals(need.operation()) || granted.operation().equals("All")
                || need.operation().equals("Describe") && Set.of("Read", "Write", "Delete", "Alter").contains(granted.operation())
                || need.operation().equals("DescribeConfigs") && granted.operation().equals("AlterConfigs");
    }

    /** KafkaTopics and KafkaUsers belong to one Strimzi cluster, the one the overlay runs or points at. */
    static List<String> strimziClusterLabels(Manifests m) {
        Set<String> clusters = new TreeSet<>();
        for (String kind : List.of("KafkaTopic", "KafkaUser", "KafkaNodePool")) {
            for (ObjectNode o : m.ofKind(kind)) {
                clusters.add(o.path("metadata").path("labels").path("strimzi.io/cluster").asText("(none)"));
            }
        }
        if (clusters.size() != 1) {
            return List.of(m + ": KafkaTopics/KafkaUsers/KafkaNodePools name Strimzi clusters " + clusters + ", expected one");
        }
        List<ObjectNode> kafkas = m.ofKind("Kafka");
        if (!kafkas.isEmpty() && !clusters.contains(kafkas.get(0).path("metadata").path("name").asText())) {
            return List.of(m + ": the Kafka is " + kafkas.get(0).path("metadata").path("name").asText() + ", the topics and users name " + clusters);
        }
        return List.of();
    }

    // ------------------------------------------------------------------ images, resources, security

    /**
     * Every container: an image with an explicit tag, CPU and memory requests and limits, and the restricted
     * securityContext; every pod: non-root with the image's user, seccomp, no service account token, no host access.
     */
    static List<String> podSecurity(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode w : m.podWorkloads()) {
            String what = m + ": " + w.path("kind").asText() + " " + w.path("metadata").path("name").asText();
            JsonNode pod = Manifests.podSpecOf(w);
            JsonNode psc = pod.path("securityContext");
            if (!psc.path("runAsNonRoot").asBoolean(false)) {
                problems.add(what + ": pod securityContext.runAsNonRoot is not true");
            }
            if (psc.path("runAsUser").asInt(0) == 0) {
                problems.add(what + ": pod securityContext.runAsUser is not a non-zero uid");
            }
            if (!psc.path("seccompProfile").path("type").asText().equals("RuntimeDefault")) {
                problems.add(what + ": pod seccompProfile is not RuntimeDefault");
            }
            if (pod.path("automountServiceAccountToken").asBoolean(true)) {
                problems.add(what + ": mounts a service account token it does not use");
            }
            for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
                if (pod.path(host).asBoolean(false)) {
                    problems.add(what + ": " + host);
                }
            }
            for (JsonNode v : pod.path("volumes")) {
                if (v.has("hostPath")) {
                    problems.add(what + ": hostPath volume " + v.path("name").asText());
                }
            }
            List<JsonNode> containers = new ArrayList<>();
            pod.path("initContainers").forEach(containers::add);
            pod.path("containers").forEach(containers::add);
            if (containers.isEmpty()) {
                problems.add(what + ": no containers");
            }
            for (JsonNode c : containers) {
                String cw = what + " container " + c.path("name").asText();
                String image = c.path("image").asText("");
                String lastPart = image.substring(image.lastIndexOf('/') + 1);
                if (image.isEmpty() || !(lastPart.contains(":") || image.contains("@sha256:")) || lastPart.endsWith(":latest")) {
                    problems.add(cw + ": image '" + image + "' has no explicit tag or digest");
                }
                for (String kind : List.of("requests", "limits")) {
                    for (String r : List.of("cpu", "memory")) {
                        if (!c.path("resources").path(kind).has(r)) {
                            problems.add(cw + ": no " + r + " " + kind);
                        }
                    }
                }
                JsonNode sc = c.path("securityContext");
                if (!sc.path("runAsNonRoot").asBoolean(psc.path("runAsNonRoot").asBoolean(false))) {
                    problems.add(cw + ": runAsNonRoot is not true");
                }
                if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
                    problems.add(cw + ": readOnlyRootFilesystem is not true");
                }
                if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
                    problems.add(cw + ": allowPrivilegeEscalation is not false");
                }
                if (sc.path("privileged").asBoolean(false)) {
                    problems.add(cw + ": privileged");
                }
                boolean dropsAll = false;
                for (JsonNode d : sc.path("capabilities").path("drop")) {
                    dropsAll |= d.asText().equals("ALL");
                }
                if (!dropsAll) {
                    problems.add(cw + ": capabilities do not drop ALL");
                }
                if (!sc.path("capabilities").path("add").isEmpty()) {
                    problems.add(cw + ": adds capabilities " + sc.path("capabilities").path("add"));
                }
                for (JsonNode p : c.path("ports")) {
                    if (p.has("hostPort")) {
                        problems.add(cw + ": hostPort " + p.path("hostPort"));
                    }
                }
            }
        }
        return problems;
    }

    /**
     * The app runs the image Jib builds for it (tags: {@code OverlayChecks.imageTags}), whose entry point is the
     * app's main class, as the image's user.
     */
    static List<String> imageMatchesBuild(Manifests m, App app, JibImage image) {
        List<String> problems = new ArrayList<>();
        JsonNode c = m.container(app).orElse(null);
        if (c == null) {
            return List.of(m + ": no " + app.name + " container");
        }
        String ref = c.path("image").asText();
        if (!repository(ref).equals(image.repository())) {
            problems.add(m + ": " + app.name + " runs " + repository(ref) + ", Jib builds " + image.repository());
        }
        if (!image.mainClass().equals(app.mainClass.getName())) {
            problems.add(m + ": the " + app.name + " image runs " + image.mainClass() + ", not " + app.mainClass.getName());
        }
        if (c.has("command") || c.has("args")) {
            problems.add(m + ": " + app.name + " overrides the image's entry point");
        }
        JsonNode psc = m.podSpec(app).orElseThrow().path("securityContext");
        JsonNode sc = c.path("securityContext");
        int uid = sc.path("runAsUser").asInt(psc.path("runAsUser").asInt(-1));
        int gid = sc.path("runAsGroup").asInt(psc.path("runAsGroup").asInt(-1));
        if (uid != image.uid() || gid != image.gid()) {
            problems.add(m + ": " + app.name + " runs as " + uid + ":" + gid + ", the image's user is " + image.uid() + ":" + image.gid());
        }
        if (image.uid() == 0) {
            problems.add(m + ": the " + app.name + " image runs as root");
        }
        return problems;
    }

    static String repository(String imageRef) {
        String ref = imageRef.contains("@") ? imageRef.substring(0, imageRef.indexOf('@')) : imageRef;
        int colon = ref.lastIndexOf(':');
        return colon > ref.lastIndexOf('/') ? ref.substring(0, colon) : ref;
    }

    static String tag(String imageRef) {
        String ref = imageRef.contains("@") ? imageRef.substring(0, imageRef.indexOf('@')) : imageRef;
        int colon = ref.lastIndexOf(':');
        return colon > ref.lastIndexOf('/') ? ref.substring(colon + 1) : "";
    }

    // ------------------------------------------------------------------ scaling and shutdown

    /**
     * Seconds the trainer may need after SIGTERM (TrainerService.close()): finish the running step, a release in
     * progress and the final checkpoint (budget 60 s), then join.close (30 s bound) and producer.close (30 s bound).
     */
    static final int TRAINER_SHUTDOWN_SECONDS = 60 + 30 + 30;
    /** StreamsApp.close(): Kafka Streams close (60 s bound) and the model follower's join (10 s bound). */
    static final int STREAMS_APP_SHUTDOWN_SECONDS = 60 + 10;
    /** Labeler.close(): a label being saved waits for its acknowledgement (15 s, LabelWriter), the topic reader's join (10 s). */
    static final int LABELER_SHUTDOWN_SECONDS = 15 + 10;

    /** The trainer: a StatefulSet of exactly one pod on its headless Service, with time to checkpoint on SIGTERM. */
    static List<String> trainerIsSingleWriter(Manifests m) {
        List<String> problems = new ArrayList<>();
        if (m.get("Deployment", App.TRAINER.name).isPresent()) {
            problems.add(m + ": the trainer is a Deployment: a rolling update would run two writers");
        }
        Optional<ObjectNode> sts = m.get("StatefulSet", App.TRAINER.name);
        if (sts.isEmpty()) {
            return add(problems, m + ": the trainer is not a StatefulSet");
        }
        JsonNode spec = sts.get().path("spec");
        if (spec.path("replicas").asInt(-1) != 1) {
            problems.add(m + ": the trainer StatefulSet has replicas " + spec.path("replicas") + ", must be exactly 1 (single writer)");
        }
        if (m.ofKind("HorizontalPodAutoscaler").stream().anyMatch(h -> h.path("spec").path("scaleTargetRef").path("name").asText().equals(App.TRAINER.name))) {
            problems.add(m + ": an autoscaler targets the trainer");
        }
        int grace = spec.path("template").path("spec").path("terminationGracePeriodSeconds").asInt(30);
        if (grace < TRAINER_SHUTDOWN_SECONDS) {
            problems.add(m + ": trainer terminationGracePeriodSeconds " + grace + " < " + TRAINER_SHUTDOWN_SECONDS
                    + " (last step, checkpoint, join and producer close)");
        }
        Optional<ObjectNode> service = m.get("Service", spec.path("serviceName").asText());
        if (service.isEmpty() || !service.get().path("spec").path("clusterIP").asText().equals("None")) {
            problems.add(m + ": the trainer's serviceName " + spec.path("serviceName") + " is not a headless Service");
        }
        return problems;
    }

    /** The streams-app: a Deployment the HPA scales within the images topic's partitions, with a PDB. */
    static List<String> streamsAppScales(Manifests m) {
        List<String> problems = new ArrayList<>();
        Optional<ObjectNode> deployment = m.get("Deployment", App.STREAMS_APP.name);
        if (deployment.isEmpty()) {
            return List.of(m + ": the streams-app is not a Deployment");
        }
        if (deployment.get().path("spec").has("replicas")) {
            problems.add(m + ": the streams-app Deployment sets replicas; the HorizontalPodAutoscaler owns them (apply would reset them)");
        }
        int grace = deployment.get().path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asInt(30);
        if (grace < STREAMS_APP_SHUTDOWN_SECONDS) {
            problems.add(m + ": streams-app terminationGracePeriodSeconds " + grace + " < " + STREAMS_APP_SHUTDOWN_SECONDS);
        }
        List<ObjectNode> hpas = m.ofKind("HorizontalPodAutoscaler").stream()
                .filter(h -> h.path("spec").path("scaleTargetRef").path("name").asText().equals(App.STREAMS_APP.name)).toList();
        if (hpas.size() != 1) {
            return add(problems, m + ": " + hpas.size() + " HorizontalPodAutoscalers target the streams-app, expected 1");
        }
        JsonNode hpa = hpas.get(0);
        if (!hpa.path("apiVersion").asText().equals("autoscaling/v2")
                || !hpa.path("spec").path("scaleTargetRef").path("kind").asText().equals("Deployment")) {
            problems.add(m + ": the streams-app autoscaler is not an autoscaling/v2 HPA of the Deployment");
        }
        Map<String, String> env = m.plainEnv(App.STREAMS_APP);
        int partitions = Topics.fromEnv(env).images().partitions();
        int threads = Settings.resolve(App.STREAMS_APP.settings, env, null).get(StreamsAppSettings.STREAM_THREADS);
        int min = hpa.path("spec").path("minReplicas").asInt(1);
        int max = hpa.path("spec").path("maxReplicas").asInt(0);
        if (max * threads > partitions) {
            problems.add(m + ": maxReplicas " + max + " x " + threads + " stream threads > " + partitions
                    + " partitions of the images topic: the extra threads would own no task");
        }
        if (min < 1 || min > max) {
            problems.add(m + ": the streams-app autoscaler's minReplicas " + min + " / maxReplicas " + max);
        }
        if (hpa.path("spec").path("metrics").isEmpty()) {
            problems.add(m + ": the streams-app autoscaler has no metric");
        }
        for (JsonNode metric : hpa.path("spec").path("metrics")) {
            if (metric.path("type").asText().equals("Resource")) {
                String resource = metric.path("resource").path("name").asText();
                if (!m.container(App.STREAMS_APP).orElseThrow().path("resources").path("requests").has(resource)) {
                    problems.add(m + ": the autoscaler scales on " + resource + " utilisation, which the streams-app does not request");
                }
            }
        }
        List<ObjectNode> pdbs = m.ofKind("PodDisruptionBudget").stream()
                .filter(p -> subset(p.path("spec").path("selector").path("matchLabels"),
                        deployment.get().path("spec").path("template").path("metadata").path("labels"))
                        && !p.path("spec").path("selector").path("matchLabels").isEmpty()).toList();
        if (pdbs.size() != 1) {
            problems.add(m + ": " + pdbs.size() + " PodDisruptionBudgets select the streams-app pods, expected 1");
        } else if (pdbs.get(0).path("spec").has("minAvailable") && pdbs.get(0).path("spec").path("minAvailable").asInt() >= min) {
            problems.add(m + ": the streams-app PodDisruptionBudget's minAvailable would block every drain at minReplicas " + min);
        }
        return problems;
    }

    /**
     * The labeler: a Deployment of one pod, which no autoscaler scales, since its sign-in sessions live in the pod's
     * memory (a second pod would not know them), with time to finish saving a label on SIGTERM.
     */
    static List<String> labelerIsOnePod(Manifests m) {
        List<String> problems = new ArrayList<>();
        Optional<ObjectNode> deployment = m.get("Deployment", App.LABELER.name);
        if (deployment.isEmpty()) {
            return List.of(m + ": the labeler is not a Deployment");
        }
        JsonNode spec = deployment.get().path("spec");
        if (spec.path("replicas").asInt(-1) != 1) {
            problems.add(m + ": the labeler Deployment has replicas " + spec.path("replicas")
                    + ", must be exactly 1: sessions are in the pod's memory, another pod would answer 401");
        }
        if (m.ofKind("HorizontalPodAutoscaler").stream().anyMatch(h -> h.path("spec").path("scaleTargetRef").path("name").asText().equals(App.LABELER.name))) {
            problems.add(m + ": an autoscaler targets the labeler");
        }
        int grace = spec.path("template").path("spec").path("terminationGracePeriodSeconds").asInt(30);
        if (grace < LABELER_SHUTDOWN_SECONDS) {
            problems.add(m + ": labeler terminationGracePeriodSeconds " + grace + " < " + LABELER_SHUTDOWN_SECONDS
                    + " (a label's acknowledgement, the topic reader's stop)");
        }
        return problems;
    }

    /** Model releases travel inline: the model store is on the trainer's volume, which streams-app pods cannot read. */
    static List<String> modelsTravelInline(Manifests m) {
        Map<String, String> env = m.plainEnv(App.TRAINER);
        int limit = Settings.resolve(App.TRAINER.settings, env, null).get(TrainerSettings.RELEASE_INLINE_LIMIT);
        long max = Long.parseLong(Topics.fromEnv(env).models().configs().get("max.message.bytes"));
        // The release record around the model: metadata, class names, SHA-256; 1 MiB is far above it.
        if (limit < 16 << 20 || limit + (1 << 20) > max) {
            return List.of(m + ": MEANSTREAM_TRAINER_RELEASE_INLINE_LIMIT=" + limit + ": larger models would be released as file: URIs"
                    + " on the trainer's volume, unreadable by the streams-app; keep it at least 16 MiB and 1 MiB under the models"
                    + " topic's max.message.bytes " + max);
        }
        return List.of();
    }

    static List<String> add(List<String> problems, String problem) {
        problems.add(problem);
        return problems;
    }

    /** Fails with every problem listed. */
    static void assertNone(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
        }
    }

}
