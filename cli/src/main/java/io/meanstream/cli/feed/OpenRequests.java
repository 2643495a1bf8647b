package io.meanstream.cli.feed;

import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicHistory;
import io.meanstream.kafka.Topics;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The streams-app's open label requests, oldest first, as the simulated annotator sees them: read from the beginning
 * of the label-requests topic without a consumer group (a request is open until its tombstone).
 */
final class OpenRequests implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final Set<String> open = new LinkedHashSet<>();

    OpenRequests(KafkaClientConfig kafka, Topics topics) {
        this.consumer = new KafkaConsumer<>(kafka.consumer(null, "meanstream-feeder-requests"), new StringDeserializer(),
                new ByteArrayDeserializer());
        TopicHistory.assignFromBeginning(consumer, topics.labelRequests().name());
    }

    /** Reads what has arrived, without waiting. */
    void refresh() {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ZERO)) {
            if (r.key() == null) {
                continue;
            }
            if (r.value() == null) {
                open.remove(r.key());
            } else {
                open.add(r.key());
            }
        }
    }

    /** Removes and returns the oldest open request that {@code answerable} accepts, or null. */
    String take(Predicate<String> answerable) {
        for (Iterator<String> it = open.iterator(); it.hasNext(); ) {
            String id = it.next();
            if (answerable.test(id)) {
                it.remove();
                return id;
            }
        }
        return null;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
