package io.meanstream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientConfigTest {

    @Test
    void defaultsToTheLocalBroker() {
        assertEquals("127.0.0.1:9092", KafkaClientConfig.resolve(null, null, Map.of()).bootstrapServers());
    }

    @Test
    void fileThenEnvironmentThenExplicitBootstrap(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                bootstrap.servers=file:9092
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                ssl.truststore.password=from-file
                """);
        Map<String, String> env = Map.of(
                "MEANSTREAM_KAFKA_CONFIG_FILE", file.toString(),
                "MEANSTREAM_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
                "MEANSTREAM_KAFKA_SSL_TRUSTSTORE_PASSWORD", "from-env",
                "UNRELATED", "x");
        KafkaClientConfig fromFileAndEnv = KafkaClientConfig.resolve(null, null, env);
        assertEquals("file:9092", fromFileAndEnv.bootstrapServers());
        assertEquals("SASL_SSL", fromFileAndEnv.properties().get("security.protocol"));
        assertEquals("from-env", fromFileAndEnv.properties().get("ssl.truststore.password"), "env wins over file");
        assertTrue(fromFileAndEnv.properties().get("sasl.jaas.config").contains("ScramLoginModule"));
        assertFalse(fromFileAndEnv.properties().containsKey("config.file"), "the file variable is not a client property");

        KafkaClientConfig explicit = KafkaClientConfig.resolve("cli:9093", null, env);
        assertEquals("cli:9093", explicit.bootstrapServers());
        assertEquals("SCRAM-SHA-512", explicit.producer("p").get("sasl.mechanism"), "every client gets the security settings");
        assertEquals("SCRAM-SHA-512", explicit.consumer("g", "c").get("sasl.mechanism"));
        assertEquals("SCRAM-SHA-512", explicit.admin("a").get("sasl.mechanism"));
    }

    @Test
    void secretsAreRedactedWhenLogged() {
        KafkaClientConfig config = KafkaClientConfig.resolve("b:1", null, Map.of(
                "MEANSTREAM_KAFKA_SASL_JAAS_CONFIG", "secret-jaas",
                "MEANSTREAM_KAFKA_SSL_KEYSTORE_PASSWORD", "secret-pw",
                "MEANSTREAM_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));
        String logged = config.toString();
        assertFalse(logged.contains("secret-jaas"), logged);
        assertFalse(logged.contains("secret-pw"), logged);
        assertTrue(logged.contains("SASL_SSL"), logged);
        assertTrue(logged.contains("[redacted]"), logged);
    }

    @Test
    void producerDefaultsAreDurableButUserSettingsWin() {
        KafkaClientConfig config = KafkaClientConfig.resolve("b:1", null, Map.of("MEANSTREAM_KAFKA_LINGER_MS", "50"));
        Map<String, Object> producer = config.producer("feeder");
        assertEquals("all", producer.get("acks"));
        assertEquals("true", producer.get("enable.idempotence"));
        assertEquals("50", producer.get("linger.ms"));
        assertEquals("false", config.consumer("g", "c").get("enable.auto.commit"));
    }

    @Test
    void missingPropertiesFileIsAClearError(@TempDir Path dir) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> KafkaClientConfig.resolve(null, dir.resolve("nope.properties"), Map.of()));
        assertTrue(e.getMessage().contains("nope.properties"), e.getMessage());
    }

    @Test
    void environmentNamesMapToPropertyNames() {
        assertEquals("sasl.jaas.config", KafkaClientConfig.propertyName("MEANSTREAM_KAFKA_SASL_JAAS_CONFIG"));
        assertEquals("bootstrap.servers", KafkaClientConfig.propertyName("MEANSTREAM_KAFKA_BOOTSTRAP_SERVERS"));
    }
}
