package io.meanstream.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reading a (compacted) topic's history, as services do at start to rebuild what they know: assign every
 * partition, start from the beginning, and read up to the end offsets seen at that moment.
 */
public final class TopicHistory {

    private TopicHistory() {
    }

    /** Assigns all partitions of {@code topic} to {@code consumer}, positioned at the beginning; returns them. */
    public static List<TopicPartition> assignFromBeginning(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    /**
     * Polls until every partition's position reaches the end offset it had when this was called, handing each
     * record to {@code sink}; stops early when {@code stop} says so or {@code timeout} passes. Returns whether
     * the end was reached.
     */
    public static <K, V> boolean readToEnd(KafkaConsumer<K, V> consumer, List<TopicPartition> partitions, Duration timeout,
                                           BooleanSupplier stop, Consumer<ConsumerRecord<K, V>> sink) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
            if (stop.getAsBoolean() || System.nanoTime() >= deadline) {
                return false;
            }
            consumer.poll(Duration.ofMillis(200)).forEach(sink);
        }
        return true;
    }
}
