package io.meanstream.config;

import java.util.function.Function;

/**
 * One documented configuration value: its environment variable, the same key as a property
 * ({@code MEANSTREAM_TRAINER_HTTP_PORT} = {@code trainer.http.port}), its default and meaning.
 * The registry of settings doubles as the documentation table and as the list the Kubernetes manifest
 * tests check env vars against.
 */
public record Setting<T>(String env, String defaultValue, String description, Function<String, T> parser, boolean secret) {

    public static Setting<String> string(String env, String defaultValue, String description) {
        return new Setting<>(env, defaultValue, description, s -> s, false);
    }

    public static Setting<Integer> integer(String env, int defaultValue, String description) {
        return new Setting<>(env, Integer.toString(defaultValue), description, s -> Integer.parseInt(s.strip()), false);
    }

    public static Setting<Long> longValue(String env, long defaultValue, String description) {
        return new Setting<>(env, Long.toString(defaultValue), description, s -> Long.parseLong(s.strip()), false);
    }

    public static Setting<Double> decimal(String env, double defaultValue, String description) {
        return new Setting<>(env, Double.toString(defaultValue), description, s -> Double.parseDouble(s.strip()), false);
    }

    public static Setting<Boolean> bool(String env, boolean defaultValue, String description) {
        return new Setting<>(env, Boolean.toString(defaultValue), description, s -> {
            String v = s.strip().toLowerCase(java.util.Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException("expected true or false");
            }
            return Boolean.parseBoolean(v);
        }, false);
    }

    public static Setting<java.time.Duration> duration(String env, String defaultValue, String description) {
        return new Setting<>(env, defaultValue, description, Durations::parse, false);
    }

    /** Comma-separated values, each stripped; empty values are refused. */
    public static Setting<java.util.List<String>> list(String env, String defaultValue, String description) {
        return new Setting<>(env, defaultValue, description, s -> {
            java.util.List<String> values = java.util.Arrays.stream(s.split(",")).map(String::strip).toList();
            if (values.stream().anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException("expected comma-separated non-empty values");
            }
            return values;
        }, false);
    }

    /** The property-file spelling of the environment variable. */
    public String property() {
        String s = env.startsWith("MEANSTREAM_") ? env.substring("MEANSTREAM_".length()) : env;
        return s.toLowerCase(java.util.Locale.ROOT).replace('_', '.');
    }
}
