package io.meanstream.k8s;

import java.util.Set;
import java.util.TreeSet;

/** Names in a Prometheus text exposition (what a service's /metrics returns). */
final class Exposition {

    private Exposition() {
    }

    /** The sample names, e.g. {@code x_bucket}, {@code x_count} of a histogram {@code x}: what PromQL selects. */
    static Set<String> sampleNames(String text) {
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int end = line.indexOf('{');
                names.add(line.substring(0, end >= 0 ? end : line.indexOf(' ')));
            }
        }
        return names;
    }

    /** The metric families with their type, as {@code # TYPE name type} lines declare them, e.g. {@code x histogram}. */
    static Set<String> families(String text, String prefix) {
        Set<String> families = new TreeSet<>();
        for (String line : text.split("\n")) {
            String[] parts = line.split(" ");
            if (parts.length == 4 && parts[0].equals("#") && parts[1].equals("TYPE") && parts[2].startsWith(prefix)) {
                families.add(parts[2] + " " + parts[3]);
            }
        }
        return families;
    }
}
