package io.meanstream.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The renderings under test: the base, the three overlays, and the GPU component on dev (README's example). */
final class Overlays {

    static final String BASE = "base";
    static final String DEV = "overlays/dev";
    static final String PROD = "overlays/prod";
    static final String GPU = "overlays/gpu";
    static final String DEV_GPU = "dev + components/gpu";

    private Overlays() {
    }

    static Manifests get(String name) {
        return name.equals(DEV_GPU) ? devWithGpu() : Manifests.of(name);
    }

    static Stream<String> all() {
        return Stream.of(BASE, DEV, PROD, GPU, DEV_GPU);
    }

    static List<String> gpuOnes() {
        return List.of(GPU, DEV_GPU);
    }

    /** k8s/README.md's "GPU on dev": a kustomization of dev plus the GPU component (written to target/). */
    static Manifests devWithGpu() {
        Path dir = Kustomize.workDir().resolve("dev-gpu");
        try {
            Files.createDirectories(dir);
            Path k8s = Kustomize.k8sDir();
            Files.writeString(dir.resolve("kustomization.yaml"), String.join("\n",
                    "apiVersion: kustomize.config.k8s.io/v1beta1",
                    "kind: Kustomization",
                    "resources:",
                    "  - " + dir.relativize(k8s.resolve("overlays/dev")),
                    "components:",
                    "  - " + dir.relativize(k8s.resolve("components/gpu")),
                    "images:",
                    "  - name: ghcr.io/meanstream/meanstream-trainer",
                    "    newTag: 0.1.0-SNAPSHOT-cuda",
                    "  - name: ghcr.io/meanstream/meanstream-streams-app",
                    "    newTag: 0.1.0-SNAPSHOT-cuda",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Manifests.of(DEV_GPU, dir, true);
    }
}
