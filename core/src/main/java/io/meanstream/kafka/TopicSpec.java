package io.meanstream.kafka;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic: its name, the serdes of its keys and values, and how it should be created.
 *
 * @param replicationFactor empty = the broker's default
 * @param configs topic-level configs the bootstrapper sets and checks (cleanup.policy, retention.ms, ...)
 */
public record TopicSpec<K, V>(TopicRole role, String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions,
                              Optional<Short> replicationFactor, Map<String, String> configs) {

    public TopicSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name for " + role + " is empty");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least one partition, got " + partitions);
        }
        configs = Map.copyOf(new TreeMap<>(configs));
    }

    public String cleanupPolicy() {
        return configs.getOrDefault("cleanup.policy", "delete");
    }

    public NewTopic newTopic() {
        return new NewTopic(name, Optional.of(partitions), replicationFactor).configs(configs);
    }
}
