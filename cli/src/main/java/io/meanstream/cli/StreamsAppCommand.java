package io.meanstream.cli;

import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.streams.service.StreamsApp;
import io.meanstream.streams.service.StreamsAppSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meanstream streams-app}: scores every image with the newest released model (the container entry point). */
@Command(name = "streams-app", mixinStandardHelpOptions = true,
        description = {"Run the streams-app: Kafka Streams + ONNX Runtime scoring of the images topic with the newest (or a",
                "pinned) released model, hot-swapped without a restart. Configured by MEANSTREAM_* environment variables or",
                "--config FILE. Stops cleanly on SIGTERM."})
final class StreamsAppCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(StreamsAppCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with streams-app settings (environment variables win).")
    Path configFile;

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (overrides the environment).")
    String bootstrap;

    @Override
    public Integer call() throws Exception {
        Settings settings = Settings.resolve(StreamsAppSettings.all(), System.getenv(), configFile);
        KafkaClientConfig kafka = KafkaClientConfig.resolve(bootstrap, null);
        log.info("streams-app settings:\n{}  kafka: {}", settings.describe(), kafka);
        StreamsApp app = new StreamsApp(settings, kafka, Topics.fromEnv()).start();
        return Services.runUntilStopped("streams-app", app);
    }
}
