package io.meanstream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.kafka.local.SharedTestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class TopicHistoryTest {

    @Test
    void readsEveryPartitionFromTheBeginningToTheEndSeenAtTheStart() throws Exception {
        KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(SharedTestBroker.bootstrapServers());
        String topic = "topic-history-test";
        try (Admin admin = Admin.create(kafka.admin("t"))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> p = new KafkaProducer<>(kafka.producer("t"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 30; i++) {
                p.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
        }
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(kafka.consumer(null, "t"), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = TopicHistory.assignFromBeginning(c, topic);
            assertEquals(3, partitions.size());
            List<String> seen = new ArrayList<>();
            assertTrue(TopicHistory.readToEnd(c, partitions, Duration.ofSeconds(30), () -> false, r -> seen.add(r.value())));
            assertEquals(30, seen.size(), "every record, across partitions");
            TopicHistory.assignFromBeginning(c, topic);
            assertFalse(TopicHistory.readToEnd(c, partitions, Duration.ofSeconds(30), () -> true, r -> { }), "a stop request ends it early");
        }
    }
}
