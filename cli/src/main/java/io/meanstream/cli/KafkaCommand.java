package io.meanstream.cli;

import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.LocalKafkaBroker;
import io.meanstream.service.ServiceRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meanstream kafka}: a local single-node KRaft broker that keeps its data across restarts. */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = {"Run a local single-node Kafka broker (KRaft, no ZooKeeper, no Docker) until Ctrl-C.",
                "Data is kept in --data-dir across restarts; the meanstream topics are created if missing."})
final class KafkaCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "9092", description = "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--controller-port", defaultValue = "9093", description = "KRaft controller port (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = "--data-dir", defaultValue = "data/kafka", description = "Where the broker keeps its logs (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--no-topics", description = "Do not create the meanstream topics.")
    boolean noTopics;

    @Override
    public Integer call() throws Exception {
        LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(dataDir).port(port).controllerPort(controllerPort)
                .build().start(Duration.ofSeconds(120));
        try {
            if (!noTopics) {
                try (Admin admin = Admin.create(KafkaClientConfig.ofBootstrap(broker.bootstrapServers()).admin("meanstream-kafka"))) {
                    TopicBootstrapper.Report report = new TopicBootstrapper(admin).ensure(Topics.fromEnv().all());
                    System.out.println("topics: created " + report.created() + ", existing " + report.existing()
                            + (report.consistent() ? "" : ", MISMATCHES " + report.mismatches()));
                }
            }
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        System.out.println("Kafka is running on " + broker.bootstrapServers() + " (data: " + broker.dataDir() + "). Ctrl-C stops it.");
        System.out.flush();
        return ServiceRunner.runUntilStopped("kafka", () -> {
            System.err.println("meanstream kafka: shutting down cleanly...");
            broker.close();
        });
    }
}
