package io.meanstream.kafka;

import io.meanstream.schema.DeadLetter;
import io.meanstream.schema.Image;
import io.meanstream.schema.Label;
import io.meanstream.schema.LabelRequest;
import io.meanstream.schema.LabeledImage;
import io.meanstream.schema.ModelRelease;
import io.meanstream.schema.Prediction;
import io.meanstream.schema.Quality;
import io.meanstream.serde.ContractSerdes;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The typed topic registry: every topic's name (default {@code meanstream.<role>}, overridable), serdes,
 * partitions and configs. Services take topics from here, never from string literals.
 *
 * <p>Overrides, from environment variables or properties of the same meaning:
 * {@code MEANSTREAM_TOPIC_<ROLE>} (name), {@code MEANSTREAM_TOPIC_<ROLE>_PARTITIONS},
 * {@code MEANSTREAM_TOPIC_REPLICATION_FACTOR} (all topics; default: the broker's default).
 * Images and labels share their key (image id) and partition count so they are co-partitioned.
 */
public final class Topics {

    public static final String DEFAULT_PREFIX = "meanstream.";
    public static final int DEFAULT_DATA_PARTITIONS = 6;

    private final Map<TopicRole, TopicSpec<?, ?>> specs;

    private Topics(Map<TopicRole, TopicSpec<?, ?>> specs) {
        this.specs = Map.copyOf(specs);
    }

    /** Default names and sizes. */
    public static Topics defaults() {
        return fromEnv(Map.of());
    }

    /** From the process environment. */
    public static Topics fromEnv() {
        return fromEnv(System.getenv());
    }

    /** From the given variables (see the class comment). */
    public static Topics fromEnv(Map<String, String> env) {
        Optional<Short> rf = Optional.ofNullable(env.get("MEANSTREAM_TOPIC_REPLICATION_FACTOR")).map(Short::parseShort);
        int dataPartitions = intOr(env, "MEANSTREAM_TOPIC_IMAGES_PARTITIONS", DEFAULT_DATA_PARTITIONS);
        Map<TopicRole, TopicSpec<?, ?>> m = new EnumMap<>(TopicRole.class);
        m.put(TopicRole.IMAGES, new TopicSpec<>(TopicRole.IMAGES, name(env, TopicRole.IMAGES), Serdes.String(),
                ContractSerdes.image(), dataPartitions, rf, Map.of(
                        "cleanup.policy", "delete",
                        "retention.ms", millis(Duration.ofDays(7)),
                        "max.message.bytes", Integer.toString(10 << 20))));
        // Same partition count as images: a label and its image share key and partition.
        m.put(TopicRole.LABELS, new TopicSpec<>(TopicRole.LABELS, name(env, TopicRole.LABELS), Serdes.String(),
                ContractSerdes.label(), intOr(env, "MEANSTREAM_TOPIC_LABELS_PARTITIONS", dataPartitions), rf, Map.of(
                        "cleanup.policy", "compact",
                        "min.compaction.lag.ms", millis(Duration.ofMinutes(10)))));
        // One partition: releases are totally ordered; compacted by name@version so every version can be pinned.
        m.put(TopicRole.MODELS, new TopicSpec<>(TopicRole.MODELS, name(env, TopicRole.MODELS), Serdes.String(),
                ContractSerdes.modelRelease(), intOr(env, "MEANSTREAM_TOPIC_MODELS_PARTITIONS", 1), rf, Map.of(
                        "cleanup.policy", "compact",
                        "max.message.bytes", Integer.toString(32 << 20))));
        m.put(TopicRole.PREDICTIONS, new TopicSpec<>(TopicRole.PREDICTIONS, name(env, TopicRole.PREDICTIONS), Serdes.String(),
                ContractSerdes.prediction(), intOr(env, "MEANSTREAM_TOPIC_PREDICTIONS_PARTITIONS", dataPartitions), rf, Map.of(
                        "cleanup.policy", "delete",
                        "retention.ms", millis(Duration.ofDays(7)))));
        m.put(TopicRole.DEAD_LETTERS, new TopicSpec<>(TopicRole.DEAD_LETTERS, name(env, TopicRole.DEAD_LETTERS), Serdes.ByteArray(),
                ContractSerdes.deadLetter(), intOr(env, "MEANSTREAM_TOPIC_DEAD_LETTERS_PARTITIONS", 1), rf, Map.of(
                        "cleanup.policy", "delete",
                        "retention.ms", millis(Duration.ofDays(30)),
                        "max.message.bytes", Integer.toString(32 << 20))));
        // Compacted by image id: the pool is rebuilt on restart by reading only the labeled images, and a
        // corrected label replaces the earlier one.
        m.put(TopicRole.LABELED_IMAGES, new TopicSpec<>(TopicRole.LABELED_IMAGES, name(env, TopicRole.LABELED_IMAGES),
                Serdes.String(), ContractSerdes.labeledImage(), intOr(env, "MEANSTREAM_TOPIC_LABELED_IMAGES_PARTITIONS", dataPartitions), rf,
                Map.of(
                        "cleanup.policy", "compact",
                        "max.message.bytes", Integer.toString(10 << 20))));
        m.put(TopicRole.QUALITY, new TopicSpec<>(TopicRole.QUALITY, name(env, TopicRole.QUALITY), Serdes.String(),
                ContractSerdes.quality(), intOr(env, "MEANSTREAM_TOPIC_QUALITY_PARTITIONS", 1), rf, Map.of("cleanup.policy", "compact")));
        // One partition: the requests form one queue, in the order they were made, for every annotator.
        m.put(TopicRole.LABEL_REQUESTS, new TopicSpec<>(TopicRole.LABEL_REQUESTS, name(env, TopicRole.LABEL_REQUESTS), Serdes.String(),
                ContractSerdes.labelRequest(), intOr(env, "MEANSTREAM_TOPIC_LABEL_REQUESTS_PARTITIONS", 1), rf, Map.of("cleanup.policy", "compact")));
        return new Topics(m);
    }

    private static String name(Map<String, String> env, TopicRole role) {
        String override = env.get("MEANSTREAM_TOPIC_" + role.name());
        return override != null && !override.isBlank() ? override.strip() : DEFAULT_PREFIX + role.slug();
    }

    private static int intOr(Map<String, String> env, String key, int fallback) {
        String v = env.get(key);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.strip());
    }

    private static String millis(Duration d) {
        return Long.toString(d.toMillis());
    }

    /** Every topic, in role order. */
    public List<TopicSpec<?, ?>> all() {
        return List.of(TopicRole.values()).stream().<TopicSpec<?, ?>>map(specs::get).toList();
    }

    public TopicSpec<?, ?> get(TopicRole role) {
        return specs.get(role);
    }

    @SuppressWarnings("unchecked")
    public TopicSpec<String, Image> images() {
        return (TopicSpec<String, Image>) specs.get(TopicRole.IMAGES);
    }

    @SuppressWarnings("unchecked")
    public TopicSpec<String, Label> labels() {
        return (TopicSpec<String, Label>) specs.get(TopicRole.LABELS);
    }

    @SuppressWarnings("unchecked")
    public TopicSpec<String, ModelRelease> models() {
        return (TopicSpec<String, ModelRelease>) specs.get(TopicRole.MODELS);
    }

    @SuppressWarnings("unchecked")
    public TopicSpec<String, Prediction> predictions() {
        return (TopicSpec<String, Prediction>) specs.get(TopicRole.PREDICTIONS);
    }

    @SuppressWarnings("unchecked")
    public TopicSpec<String, LabelRequest> labelRequests() {
        return (TopicSpec<String, LabelRequest>) specs.get(TopicRole.LABEL_REQUESTS);
    }

    @SuppressWarnings("unchecked")
    public TopicSpec<String, LabeledImage> labeledImages() {
        return (TopicSpec<String, LabeledImage>) specs.get(TopicRole.LABELED_IMAGES);
    }

    @SuppressWarnings("unchecked")
    public TopicSpec<String, Quality> quality() {
        return (TopicSpec<String, Quality>) specs.get(TopicRole.QUALITY);
    }

    @SuppressWarnings("unchecked")
    public TopicSpec<byte[], DeadLetter> deadLetters() {
        return (TopicSpec<byte[], DeadLetter>) specs.get(TopicRole.DEAD_LETTERS);
    }

    /** The key under which a model release is stored: {@code name@000000000042}, sortable by version. */
    public static String modelKey(String name, long version) {
        return String.format(Locale.ROOT, "%s@%012d", name, version);
    }

    /** A copy where every topic name gets {@code suffix}: lets tests share one broker without clashing. */
    public static Topics withSuffix(String suffix) {
        Map<String, String> env = new java.util.HashMap<>();
        for (TopicRole role : TopicRole.values()) {
            env.put("MEANSTREAM_TOPIC_" + role.name(), DEFAULT_PREFIX + role.slug() + suffix);
        }
        return fromEnv(env);
    }
}
