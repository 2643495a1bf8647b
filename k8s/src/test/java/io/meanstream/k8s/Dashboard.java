package io.meanstream.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboard in k8s/grafana: its PromQL queries and the metric names they read. */
record Dashboard(JsonNode json) {

    static final String FILE = "meanstream-dashboard.json";

    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "offset",
            "bool", "and", "or", "unless", "inf", "nan");

    static Path path() {
        return Kustomize.k8sDir().resolve("grafana").resolve(FILE);
    }

    static Dashboard load() {
        try {
            return new Dashboard(new ObjectMapper().readTree(path().toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The queries of every panel (also those inside collapsed rows). */
    List<String> panelQueries() {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : json.path("panels")) {
            collect(panel, out);
        }
        return out;
    }

    private static void collect(JsonNode panel, List<String> out) {
        panel.path("targets").forEach(t -> out.add(t.path("expr").asText()));
        panel.path("panels").forEach(p -> collect(p, out));
    }

    /** The metric names read by the panels and by the template variables. */
    Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        panelQueries().forEach(q -> names.addAll(metricNames(q)));
        for (JsonNode variable : json.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                Matcher m = LABEL_VALUES.matcher(variable.path("definition").asText());
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    /**
     * The metric names in a PromQL expression: identifiers that are not functions or aggregations (followed by a
     * parenthesis), keywords, label names in grouping clauses or matchers, strings, durations or Grafana variables.
     */
    static Set<String> metricNames(String promql) {
        String s = promql.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")    // string literals
                .replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")
                .replaceAll("\\{[^}]*}", " ")                                  // label matchers
                .replaceAll("\\[[^]]*]", " ")                                  // ranges and subqueries
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\$\\{[^}]*}|\\$\\w+", " ");                      // Grafana variables
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String name = m.group();
            boolean call = s.substring(m.end()).stripLeading().startsWith("(");
            if (!call && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                names.add(name);
            }
        }
        return names;
    }
}
