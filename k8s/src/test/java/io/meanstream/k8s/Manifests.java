package io.meanstream.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One rendered overlay: its objects and the lookups the checks need. */
final class Manifests {

    /** An environment variable of a container: a literal value, or a reference to a Secret key. */
    record EnvValue(String value, String secretName, String secretKey, String source) {
        boolean fromSecret() {
            return secretName != null;
        }
    }

    final String name;
    final boolean gpu;
    final List<ObjectNode> objects;

    Manifests(String name, boolean gpu, List<ObjectNode> objects) {
        this.name = name;
        this.gpu = gpu;
        this.objects = objects;
    }

    /** The overlays (and the base) under k8s/, rendered. */
    static Manifests of(String relativeDir) {
        return new Manifests(relativeDir, relativeDir.contains("gpu"), Kustomize.render(Kustomize.k8sDir().resolve(relativeDir)));
    }

    /** A rendered directory elsewhere (a generated kustomization). */
    static Manifests of(String name, Path dir, boolean gpu) {
        return new Manifests(name, gpu, Kustomize.render(dir));
    }

    /** A deep copy, for tests that break it on purpose. */
    Manifests copy() {
        return new Manifests(name, gpu, Kustomize.copy(objects));
    }

    @Override
    public String toString() {
        return name;
    }

    List<ObjectNode> ofKind(String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    Optional<ObjectNode> get(String kind, String name) {
        return ofKind(kind).stream().filter(o -> o.path("metadata").path("name").asText().equals(name)).findFirst();
    }

    /** A ConfigMap by the name the workloads use (kustomize has already appended the hash to both). */
    Optional<ObjectNode> configMap(String name) {
        return get("ConfigMap", name);
    }

    Optional<ObjectNode> workload(App app) {
        return get(app.workloadKind, app.name);
    }

    Optional<JsonNode> podSpec(App app) {
        return workload(app).map(w -> w.path("spec").path("template").path("spec"));
    }

    Optional<JsonNode> container(App app) {
        return podSpec(app).flatMap(spec -> {
            for (JsonNode c : spec.path("containers")) {
                if (c.path("name").asText().equals(app.name)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        });
    }

    /** Every workload with a pod template. */
    List<ObjectNode> podWorkloads() {
        List<ObjectNode> out = new ArrayList<>();
        for (String kind : List.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod")) {
            out.addAll(ofKind(kind));
        }
        return out;
    }

    static JsonNode podSpecOf(ObjectNode workload) {
        return switch (workload.path("kind").asText()) {
            case "Pod" -> workload.path("spec");
            case "CronJob" -> workload.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
            default -> workload.path("spec").path("template").path("spec");
        };
    }

    /**
     * The container's environment as the kubelet builds it: envFrom sources in order, then env (which wins).
     * ConfigMap values are looked up in the rendered ConfigMaps; a missing ConfigMap is a problem for the caller
     * (its variables are then absent).
     */
    Map<String, EnvValue> env(App app) {
        Map<String, EnvValue> out = new LinkedHashMap<>();
        JsonNode c = container(app).orElseThrow(() -> new AssertionError(name + ": no " + app.name + " container"));
        for (JsonNode from : c.path("envFrom")) {
            String prefix = from.path("prefix").asText("");
            if (from.has("configMapRef")) {
                String cm = from.path("configMapRef").path("name").asText();
                configMap(cm).ifPresent(m -> m.path("data").fields().forEachRemaining(
                        e -> out.put(prefix + e.getKey(), new EnvValue(e.getValue().asText(), null, null, "ConfigMap " + cm))));
            } else if (from.has("secretRef")) {
                throw new AssertionError(name + ": " + app.name + " takes envFrom a whole Secret, whose keys the tests cannot check");
            }
        }
        for (JsonNode e : c.path("env")) {
            String n = e.path("name").asText();
            JsonNode vf = e.path("valueFrom");
            if (vf.has("secretKeyRef")) {
                out.put(n, new EnvValue(null, vf.path("secretKeyRef").path("name").asText(), vf.path("secretKeyRef").path("key").asText(), "Secret"));
            } else if (vf.has("configMapKeyRef")) {
                String cm = vf.path("configMapKeyRef").path("name").asText();
                String key = vf.path("configMapKeyRef").path("key").asText();
                String v = configMap(cm).map(m -> m.path("data").path(key)).filter(JsonNode::isTextual).map(JsonNode::asText).orElse(null);
                out.put(n, new EnvValue(v, null, null, "ConfigMap " + cm));
            } else if (vf.isMissingNode()) {
                out.put(n, new EnvValue(e.path("value").asText(""), null, null, "env"));
            } else {
                out.put(n, new EnvValue("", null, null, "valueFrom " + vf.fieldNames().next()));
            }
        }
        return out;
    }

    /** The environment as plain strings, secrets replaced by a placeholder (they are Kafka client properties only). */
    Map<String, String> plainEnv(App app) {
        Map<String, String> out = new LinkedHashMap<>();
        env(app).forEach((k, v) -> out.put(k, v.fromSecret() ? "<secret " + v.secretName() + "/" + v.secretKey() + ">" : v.value()));
        return out;
    }
}
