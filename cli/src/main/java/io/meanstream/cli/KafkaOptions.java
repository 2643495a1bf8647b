package io.meanstream.cli;

import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The Kafka connection options shared by every command that talks to a cluster. */
public final class KafkaOptions {

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: $MEANSTREAM_KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092).")
    String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Client properties file (security.protocol, sasl.*, ssl.* ...); also $MEANSTREAM_KAFKA_CONFIG_FILE.")
    Path kafkaConfig;

    public KafkaClientConfig clientConfig() {
        return KafkaClientConfig.resolve(bootstrap, kafkaConfig);
    }

    public Topics topics() {
        return Topics.fromEnv();
    }
}
