package io.meanstream.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A module's runtime class path as Maven resolved it, which is what Jib puts into the module's image: the
 * {@code groupId:artifactId} of every dependency, read from the {@code target/runtime-dependencies.txt} that the
 * root pom's {@code dependency:list} execution writes while the module builds.
 */
record RuntimeClassPath(String module, List<String> artifacts) {

    static RuntimeClassPath of(String module) {
        Path list = Kustomize.repoDir().resolve(module).resolve("target/runtime-dependencies.txt");
        List<String> lines;
        try {
            lines = Files.readAllLines(list);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + list + " (" + e + "): build " + module
                    + " first, e.g. mvn -pl k8s -am test", e);
        }
        List<String> artifacts = new ArrayList<>();
        for (String line : lines) {
            // "   group:artifact:type[:classifier]:version:scope -- module name", after a heading line.
            String[] coordinates = line.strip().split("\\s+")[0].split(":");
            if (coordinates.length >= 5) {
                artifacts.add(coordinates[0] + ":" + coordinates[1]);
            }
        }
        if (artifacts.isEmpty()) {
            throw new AssertionError(list + " lists no dependencies");
        }
        return new RuntimeClassPath(module, List.copyOf(artifacts));
    }

    RuntimeClassPath with(String artifact) {
        List<String> more = new ArrayList<>(artifacts);
        more.add(artifact);
        return new RuntimeClassPath(module + " + " + artifact, List.copyOf(more));
    }

    @Override
    public String toString() {
        return module + "'s runtime class path";
    }
}
