package io.meanstream.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.kafka.local.SharedTestBroker;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;

/** A real Kafka Streams instance on the shared broker, wedged inside a record and then left without threads. */
class StreamsLivenessTest {

    @Test
    void aWedgedStreamThreadAndALostOneTurnHealthRed() throws Exception {
        String topic = "liveness-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedTestBroker.bootstrapServers()))) {
            admin.createTopics(java.util.List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        CountDownLatch release = new CountDownLatch(1);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.String(), Serdes.String())).foreach((k, v) -> {
            if (v.equals("wedge")) {
                try {
                    release.await(); // a processor stuck inside a record, as a deadlock or a hung call would be
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "liveness-" + UUID.randomUUID());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, SharedTestBroker.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("liveness").toString());
        WorkerHealth health = new WorkerHealth(Duration.ofSeconds(5));
        try (KafkaStreams streams = new KafkaStreams(builder.build(), p)) {
            StreamsLiveness liveness = StreamsLiveness.watch("scoring", streams, health);
            streams.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> liveness.state() == KafkaStreams.State.RUNNING);
            assertTrue(health.liveness().ready(), health.liveness().reason());

            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    SharedTestBroker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(topic, "a", "wedge")).get();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> !health.liveness().ready());
            assertTrue(health.liveness().reason().matches("scoring: StreamThread-1 has not polled for \\d+ s \\(wedged in a record\\?\\)"),
                    health.liveness().reason());
            release.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> health.liveness().ready());

            streams.removeStreamThread();
            await().atMost(Duration.ofSeconds(30)).until(() -> !health.liveness().ready());
            assertTrue(health.liveness().reason().equals("scoring has no stream thread left"), health.liveness().reason());
        }
    }
}
