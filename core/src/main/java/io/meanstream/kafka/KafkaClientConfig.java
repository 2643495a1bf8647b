package io.meanstream.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The one way every meanstream service and command gets its Kafka client settings, so the same build
 * talks to the local broker and to a secured production cluster.
 *
 * <p>Sources, later ones winning:
 * <ol>
 *   <li>the default {@code bootstrap.servers=127.0.0.1:9092};</li>
 *   <li>a Java properties file ({@code --kafka-config FILE} or {@code MEANSTREAM_KAFKA_CONFIG_FILE}) holding
 *       any client property: {@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...;</li>
 *   <li>environment variables {@code MEANSTREAM_KAFKA_<PROPERTY>}, the property upper-cased with dots as
 *       underscores: {@code MEANSTREAM_KAFKA_SASL_JAAS_CONFIG} sets {@code sasl.jaas.config};</li>
 *   <li>an explicit {@code --bootstrap HOST:PORT}.</li>
 * </ol>
 * Immutable. {@link #toString()} redacts secrets, so the object can be logged at start.
 */
public final class KafkaClientConfig {

    public static final String ENV_PREFIX = "MEANSTREAM_KAFKA_";
    public static final String ENV_CONFIG_FILE = "MEANSTREAM_KAFKA_CONFIG_FILE";
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|jaas|token|credential|key\\.pem|private).*");

    private final Map<String, String> properties;

    private KafkaClientConfig(Map<String, String> properties) {
        this.properties = Collections.unmodifiableMap(new TreeMap<>(properties));
    }

    /** Only a bootstrap address: the local broker case. */
    public static KafkaClientConfig ofBootstrap(String bootstrapServers) {
        return new KafkaClientConfig(Map.of("bootstrap.servers", bootstrapServers));
    }

    /** From the process environment, plus the optional explicit file and bootstrap (null = not given). */
    public static KafkaClientConfig resolve(String bootstrapServers, Path propertiesFile) {
        return resolve(bootstrapServers, propertiesFile, System.getenv());
    }

    /** As {@link #resolve(String, Path)} with an explicit environment, for tests. */
    public static KafkaClientConfig resolve(String bootstrapServers, Path propertiesFile, Map<String, String> env) {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", DEFAULT_BOOTSTRAP);
        Path file = propertiesFile != null ? propertiesFile
                : env.containsKey(ENV_CONFIG_FILE) ? Path.of(env.get(ENV_CONFIG_FILE)) : null;
        if (file != null) {
            props.putAll(readProperties(file));
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && !name.equals(ENV_CONFIG_FILE) && name.length() > ENV_PREFIX.length()) {
                props.put(propertyName(name), value);
            }
        });
        if (bootstrapServers != null && !bootstrapServers.isBlank()) {
            props.put("bootstrap.servers", bootstrapServers.strip());
        }
        return new KafkaClientConfig(props);
    }

    /** {@code MEANSTREAM_KAFKA_SASL_JAAS_CONFIG} to {@code sasl.jaas.config}. */
    static String propertyName(String envName) {
        return envName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static Map<String, String> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read Kafka client properties from " + file, e);
        }
        Map<String, String> out = new HashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).strip()));
        return out;
    }

    public String bootstrapServers() {
        return properties.get("bootstrap.servers");
    }

    /** Every client property, unmodifiable. */
    public Map<String, String> properties() {
        return properties;
    }

    /** The common properties plus {@code overrides}, as a fresh mutable map for a client constructor. */
    public Map<String, Object> with(Map<String, ?> overrides) {
        Map<String, Object> out = new HashMap<>(properties);
        out.putAll(overrides);
        return out;
    }

    /** Settings for a durable producer: idempotent, acks=all, so an acknowledged record is on disk. */
    public Map<String, Object> producer(String clientId) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("client.id", clientId);
        defaults.put("acks", "all");
        defaults.put("enable.idempotence", "true");
        defaults.put("linger.ms", "5");
        defaults.put("compression.type", "lz4");
        defaults.put("max.request.size", Integer.toString(32 << 20));
        // user settings (file/env) override our defaults
        defaults.putAll(properties);
        return defaults;
    }

    /** Settings for a consumer in a group, committing manually and reading only committed transactions. */
    public Map<String, Object> consumer(String groupId, String clientId) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("client.id", clientId);
        if (groupId != null) {
            defaults.put("group.id", groupId);
        }
        defaults.put("enable.auto.commit", "false");
        defaults.put("auto.offset.reset", "earliest");
        defaults.put("isolation.level", "read_committed");
        defaults.put("max.partition.fetch.bytes", Integer.toString(32 << 20));
        defaults.putAll(properties);
        return defaults;
    }

    /** Settings for an admin client. */
    public Map<String, Object> admin(String clientId) {
        Map<String, Object> defaults = new HashMap<>();
        defaults.put("client.id", clientId);
        defaults.put("default.api.timeout.ms", "30000");
        defaults.putAll(properties);
        return defaults;
    }

    /** True for properties whose values must never be logged. */
    public static boolean isSecret(String property) {
        return SECRET.matcher(property).matches();
    }

    /** The properties with secrets replaced by {@code [redacted]}. */
    public Map<String, String> redacted() {
        Map<String, String> out = new TreeMap<>();
        properties.forEach((k, v) -> out.put(k, isSecret(k) ? "[redacted]" : v));
        return out;
    }

    @Override
    public String toString() {
        return "KafkaClientConfig" + redacted();
    }
}
