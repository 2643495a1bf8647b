package io.meanstream.streams.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The Kafka client defaults the streams-app sets, and that a user's MEANSTREAM_KAFKA_* setting wins over them. */
class StreamsAppPropertiesTest {

    static Properties properties(Map<String, String> env) {
        Settings settings = Settings.resolve(StreamsAppSettings.all(), env, null);
        return StreamsApp.properties(settings, KafkaClientConfig.resolve("127.0.0.1:9092", null, env));
    }

    @Test
    void fetchesInChunksAndKeepsKafkaStreamsLingerUnderExactlyOnce() {
        Properties p = properties(Map.of());
        assertEquals("65536", p.get("main.consumer.fetch.min.bytes"));
        assertEquals("10", p.get("main.consumer.fetch.max.wait.ms"));
        assertEquals("exactly_once_v2", p.get("processing.guarantee"));
        assertFalse(p.containsKey("producer.linger.ms"), "predictions wait for the commit anyway");
        assertFalse(p.containsKey("poll.ms"), "Kafka Streams' own poll time under exactly-once");
    }

    @Test
    void atLeastOnceLowersTheProducerLingerAndThePollTime() {
        Properties p = properties(Map.of("MEANSTREAM_STREAMS_PROCESSING_GUARANTEE", "at_least_once"));
        assertEquals("5", p.get("producer.linger.ms"));
        assertEquals("10", p.get("poll.ms"));
        assertEquals("50", properties(Map.of("MEANSTREAM_STREAMS_PROCESSING_GUARANTEE", "at_least_once", "MEANSTREAM_KAFKA_POLL_MS", "50"))
                .get("poll.ms"), "the user's setting wins");
    }

    @Test
    void theUsersSettingWins() {
        Properties p = properties(Map.of("MEANSTREAM_KAFKA_CONSUMER_FETCH_MIN_BYTES", "1", "MEANSTREAM_KAFKA_LINGER_MS", "0",
                "MEANSTREAM_STREAMS_PROCESSING_GUARANTEE", "at_least_once"));
        assertEquals("1", p.get("consumer.fetch.min.bytes"));
        assertFalse(p.containsKey("main.consumer.fetch.min.bytes"));
        assertEquals("0", p.get("linger.ms"));
        assertFalse(p.containsKey("producer.linger.ms"));
    }
}
