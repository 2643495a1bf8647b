package io.meanstream.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Resolved values of a list of {@link Setting}s. Sources, later winning: the defaults, a properties file
 * (keys in property spelling or as environment variable names), environment variables. Every value is
 * parsed at construction, so a bad value fails the service at start with the variable's name, not later.
 */
public final class Settings {

    private final List<Setting<?>> settings;
    private final Map<String, Object> values;
    private final Map<String, String> sources;

    private Settings(List<Setting<?>> settings, Map<String, Object> values, Map<String, String> sources) {
        this.settings = List.copyOf(settings);
        this.values = Collections.unmodifiableMap(values);
        this.sources = Collections.unmodifiableMap(sources);
    }

    public static Settings resolve(List<Setting<?>> settings, Map<String, String> env, Path propertiesFile) {
        Map<String, String> fromFile = new HashMap<>();
        if (propertiesFile != null) {
            Properties p = new Properties();
            try (Reader reader = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
                p.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read settings from " + propertiesFile, e);
            }
            p.stringPropertyNames().forEach(k -> fromFile.put(k, p.getProperty(k)));
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (Setting<?> s : settings) {
            String raw = s.defaultValue();
            String source = "default";
            if (fromFile.containsKey(s.property())) {
                raw = fromFile.get(s.property());
                source = "file";
            } else if (fromFile.containsKey(s.env())) {
                raw = fromFile.get(s.env());
                source = "file";
            }
            if (env.containsKey(s.env())) {
                raw = env.get(s.env());
                source = "env";
            }
            try {
                values.put(s.env(), raw == null ? null : s.parser().apply(raw));
                sources.put(s.env(), source);
            } catch (RuntimeException e) {
                errors.add(s.env() + "='" + (s.secret() ? "[redacted]" : raw) + "': " + e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Invalid settings: " + String.join("; ", errors));
        }
        return new Settings(settings, values, sources);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        if (!values.containsKey(setting.env())) {
            throw new IllegalArgumentException(setting.env() + " is not one of these settings");
        }
        return (T) values.get(setting.env());
    }

    /** One line per setting, secrets redacted, with where each value came from: for the start-up log. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Setting<?> s : settings) {
            Object v = values.get(s.env());
            out.append("  ").append(s.env()).append('=').append(s.secret() && v != null ? "[redacted]" : v)
                    .append(" (").append(sources.get(s.env())).append(")\n");
        }
        return out.toString();
    }

    /** A Markdown table of the settings: variable, default, meaning. */
    public static String markdownTable(List<Setting<?>> settings) {
        StringBuilder out = new StringBuilder("| variable | default | meaning |\n|---|---|---|\n");
        for (Setting<?> s : settings) {
            out.append(markdownRowStart(s)).append(' ').append(s.description()).append(" |\n");
        }
        return out.toString();
    }

    /** The settings whose table row (variable and default, as {@link #markdownTable} writes them) is missing from {@code markdown}. */
    public static List<String> undocumented(List<Setting<?>> settings, String markdown) {
        return settings.stream().map(Settings::markdownRowStart).filter(row -> !markdown.contains(row)).toList();
    }

    private static String markdownRowStart(Setting<?> s) {
        return "| `" + s.env() + "` | " + (s.defaultValue() == null ? "(none)" : "`" + s.defaultValue() + "`") + " |";
    }
}
