package io.meanstream.cli;

import io.meanstream.config.Setting;
import io.meanstream.config.Settings;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.Topics;
import io.meanstream.streams.service.StreamsApp;
import io.meanstream.streams.service.StreamsAppSettings;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code meanstream streams-app}: scores every image with the newest released model (the container entry point). */
@Command(name = "streams-app", mixinStandardHelpOptions = true,
        description = {"Run the streams-app: Kafka Streams + ONNX Runtime scoring of the images topic with the newest (or a",
                "pinned) released model, hot-swapped without a restart. Configured by MEANSTREAM_* environment variables or",
                "--config FILE. Stops cleanly on SIGTERM."})
final class StreamsAppCommand extends ServiceCommand {

    @Override
    List<Setting<?>> settings() {
        return StreamsAppSettings.all();
    }

    @Override
    AutoCloseable start(Settings settings, KafkaClientConfig kafka) throws Exception {
        return new StreamsApp(settings, kafka, Topics.fromEnv()).start();
    }
}
