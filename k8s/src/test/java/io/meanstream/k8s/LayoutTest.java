package io.meanstream.k8s;

import static io.meanstream.k8s.ManifestChecks.assertNone;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** k8s/ as the issue asks: Kustomize directories, one resource per file, each file named for its kind and used. */
class LayoutTest {

    private static List<Path> kustomizeDirs() throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (String root : List.of("base", "overlays", "components", "grafana")) {
            try (Stream<Path> s = Files.walk(Kustomize.k8sDir().resolve(root))) {
                s.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).map(Path::getParent).forEach(dirs::add);
            }
        }
        return dirs;
    }

    @Test
    void theBaseAndTheThreeOverlaysExist() throws IOException {
        List<Path> dirs = kustomizeDirs();
        for (String d : List.of("base", "overlays/dev", "overlays/prod", "overlays/gpu", "components/gpu")) {
            if (!dirs.contains(Kustomize.k8sDir().resolve(d))) {
                throw new AssertionError("k8s/" + d + "/kustomization.yaml is missing");
            }
        }
    }

    @Test
    void oneResourcePerFileNamedForItsKindAndEveryFileUsed() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path dir : kustomizeDirs()) {
            JsonNode k = Kustomize.YAML.readTree(dir.resolve("kustomization.yaml").toFile());
            Set<String> used = new HashSet<>();
            Set<String> configMapFiles = new HashSet<>();
            k.path("resources").forEach(r -> used.add(r.asText()));
            k.path("patches").forEach(p -> used.add(p.path("path").asText()));
            k.path("configMapGenerator").forEach(g -> g.path("envs").forEach(e -> used.add(e.asText())));
            k.path("configMapGenerator").forEach(g -> g.path("files").forEach(f -> configMapFiles.add(f.asText())));
            used.addAll(configMapFiles);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String file = f.getFileName().toString();
                    String where = Kustomize.k8sDir().relativize(f).toString();
                    if (file.equals("kustomization.yaml")) {
                        continue;
                    }
                    if (!used.contains(file)) {
                        problems.add(where + " is not used by its kustomization.yaml");
                    }
                    if (file.endsWith(".env")) {
                        if (!file.endsWith("-configmap.env")) {
                            problems.add(where + ": a ConfigMap's variables, so <name>-configmap.env");
                        }
                        continue;
                    }
                    if (configMapFiles.contains(file)) {
                        continue; // a ConfigMap's content (the Grafana dashboard), not a resource
                    }
                    List<com.fasterxml.jackson.databind.node.ObjectNode> docs = Kustomize.parse(Files.readString(f));
                    if (docs.size() != 1) {
                        problems.add(where + " holds " + docs.size() + " resources, expected 1");
                        continue;
                    }
                    String kind = docs.get(0).path("kind").asText().toLowerCase(Locale.ROOT);
                    if (!file.matches("[a-z0-9-]+-" + kind + "(-patch)?\\.yaml")) {
                        problems.add(where + " holds a " + docs.get(0).path("kind").asText() + ": name it <name>-" + kind + ".yaml");
                    }
                    if (file.endsWith("-patch.yaml") != k.path("patches").toString().contains(file)) {
                        problems.add(where + ": patch files end in -patch.yaml, resources do not");
                    }
                }
            }
            for (String u : used) {
                if (!u.startsWith("..") && !Files.exists(dir.resolve(u))) {
                    problems.add(Kustomize.k8sDir().relativize(dir) + "/kustomization.yaml names " + u + ", which does not exist");
                }
            }
        }
        assertNone(problems);
    }
}
