package io.meanstream.streams.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** How the streams-app's settings and a user's MEANSTREAM_KAFKA_* settings become Kafka Streams properties. */
class StreamsAppPropertiesTest {

    static Properties properties(Map<String, String> env) {
        Settings settings = Settings.resolve(StreamsAppSettings.all(), env, null);
        return StreamsApp.properties(settings, KafkaClientConfig.resolve("127.0.0.1:9092", null, env));
    }

    @Test
    void theAppsSettingsFlowIntoAValidStreamsConfig() {
        Properties p = properties(Map.of("MEANSTREAM_STREAMS_APPLICATION_ID", "scorer-b", "MEANSTREAM_STREAMS_STATE_DIR", "/tmp/scorer-b",
                "MEANSTREAM_STREAMS_THREADS", "3", "MEANSTREAM_STREAMS_PROCESSING_GUARANTEE", "at_least_once",
                "MEANSTREAM_STREAMS_COMMIT_INTERVAL", "2s"));
        StreamsConfig config = new StreamsConfig(p);
        assertEquals("scorer-b", config.getString(StreamsConfig.APPLICATION_ID_CONFIG));
        assertEquals("/tmp/scorer-b", config.getString(StreamsConfig.STATE_DIR_CONFIG));
        assertEquals(3, config.getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
        assertEquals(StreamsConfig.AT_LEAST_ONCE, config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals(2000L, config.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        assertEquals("127.0.0.1:9092", String.join(",", config.getList(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)));
    }

    @Test
    void fetchDefaultsApplyToTheMainConsumerOnlyAndExactlyOnceKeepsKafkaStreamsLingerAndPollTime() {
        Properties p = properties(Map.of());
        assertTrue(p.containsKey("main.consumer.fetch.min.bytes"));
        assertTrue(p.containsKey("main.consumer.fetch.max.wait.ms"));
        assertFalse(p.containsKey("consumer.fetch.min.bytes"), "restore and global consumers keep Kafka's defaults");
        assertFalse(p.containsKey("producer.linger.ms"), "predictions wait for the commit anyway");
        assertFalse(p.containsKey("poll.ms"), "Kafka Streams' own poll time under exactly-once");
        new StreamsConfig(p);
    }

    @Test
    void atLeastOnceLowersTheProducerLingerAndThePollTime() {
        Properties p = properties(Map.of("MEANSTREAM_STREAMS_PROCESSING_GUARANTEE", "at_least_once"));
        StreamsConfig config = new StreamsConfig(p);
        assertTrue(Long.parseLong(String.valueOf(config.getProducerConfigs("c").get("linger.ms"))) < 100, "below Kafka Streams' 100 ms");
        assertTrue(config.getLong(StreamsConfig.POLL_MS_CONFIG) < 100, "below Kafka Streams' 100 ms");
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

    @Test
    void anInvalidSettingIsRefusedNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> properties(Map.of("MEANSTREAM_STREAMS_COMMIT_INTERVAL", "soon", "MEANSTREAM_STREAMS_THREADS", "many")));
        assertTrue(e.getMessage().contains("MEANSTREAM_STREAMS_COMMIT_INTERVAL='soon'"), e.getMessage());
        assertTrue(e.getMessage().contains("MEANSTREAM_STREAMS_THREADS='many'"), e.getMessage());
    }
}
