package io.meanstream.kafka.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaBrokerTest {

    @Test
    void keepsTopicsAndRecordsAcrossARestartOnTheSameDataDir(@TempDir Path dir) throws Exception {
        int port;
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(dir).build().start(Duration.ofSeconds(60))) {
            port = broker.port();
            assertTrue(Files.exists(dir.resolve("logs/meta.properties")), "storage formatted");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("persist", 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = producer(broker.bootstrapServers())) {
                producer.send(new ProducerRecord<>("persist", "k", "v1")).get();
                producer.send(new ProducerRecord<>("persist", "k", "v2")).get();
            }
        }
        // Same directory and port again: not re-formatted, the records are still there.
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(dir).port(port).build().start(Duration.ofSeconds(60))) {
            List<String> values = readAll(broker.bootstrapServers(), "persist", 2);
            assertEquals(List.of("v1", "v2"), values);
        }
    }

    @Test
    void sharedBrokerServesProduceAndConsume() throws Exception {
        String bootstrap = SharedTestBroker.bootstrapServers();
        assertTrue(bootstrap.startsWith("127.0.0.1:"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("shared-smoke", 2, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("shared-smoke", "k" + i, "v" + i)).get();
            }
        }
        assertEquals(10, readAll(bootstrap, "shared-smoke", 10).size());
        assertEquals(bootstrap, SharedTestBroker.bootstrapServers(), "one broker per JVM");
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static List<String> readAll(String bootstrap, String topic, int expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<String> values = new java.util.ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            return values;
        }
    }
}
