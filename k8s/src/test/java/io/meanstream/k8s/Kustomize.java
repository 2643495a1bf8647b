package io.meanstream.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Renders a Kustomize directory the way {@code kubectl apply -k} would ({@code kubectl kustomize DIR}) and parses
 * the YAML stream. Without kubectl (or a standalone {@code kustomize}) the tests fail with a message saying so:
 * rendering is what they check.
 */
final class Kustomize {

    static final YAMLMapper YAML = new YAMLMapper();

    private static final Map<Path, List<ObjectNode>> RENDERED = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    /** The k8s/ folder. */
    static Path k8sDir() {
        return Path.of(System.getProperty("meanstream.k8s.dir", ".")).toAbsolutePath().normalize();
    }

    /** The repository root. */
    static Path repoDir() {
        return Path.of(System.getProperty("meanstream.repo.dir", "..")).toAbsolutePath().normalize();
    }

    /** A scratch folder for generated kustomizations. */
    static Path workDir() {
        Path dir = Path.of(System.getProperty("meanstream.work.dir", "target/kustomize")).toAbsolutePath().normalize();
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every object of the rendered directory (cached; callers must not change them: {@link #copy} first). */
    static List<ObjectNode> render(Path dir) {
        return RENDERED.computeIfAbsent(dir.toAbsolutePath().normalize(), Kustomize::renderNow);
    }

    static List<ObjectNode> copy(List<ObjectNode> objects) {
        return objects.stream().map(ObjectNode::deepCopy).toList();
    }

    /** Renders without the cache. */
    static List<ObjectNode> renderNow(Path dir) {
        String yaml = run(command(dir));
        return parse(yaml);
    }

    static List<ObjectNode> parse(String yaml) {
        List<ObjectNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc instanceof ObjectNode o && !o.isEmpty()) {
                    out.add(o);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse the rendered YAML", e);
        }
        return List.copyOf(out);
    }

    private static List<String> command(Path dir) {
        String explicit = System.getProperty("meanstream.kubectl");
        if (explicit != null && !explicit.isBlank()) {
            return List.of(explicit, "kustomize", dir.toString());
        }
        if (onPath("kubectl")) {
            return List.of("kubectl", "kustomize", dir.toString());
        }
        if (onPath("kustomize")) {
            return List.of("kustomize", "build", dir.toString());
        }
        throw new AssertionError("kubectl is not on the PATH: the k8s module's tests render the manifests with"
                + " `kubectl kustomize` (kubectl 1.27+, Kustomize v5). Install kubectl, put a standalone kustomize v5 on"
                + " the PATH, or name the binary with -Dmeanstream.kubectl=/path/to/kubectl.");
    }

    private static boolean onPath(String binary) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    private static String run(List<String> command) {
        try {
            Path err = Files.createTempFile(workDir(), "kustomize", ".err");
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
            }
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            Files.deleteIfExists(err);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + stderr);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while rendering", e);
        }
    }
}
