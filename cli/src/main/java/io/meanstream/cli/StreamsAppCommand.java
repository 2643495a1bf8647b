package io.meanstream.cli;

import io.meanstream.kafka.Topics;
import io.meanstream.streams.service.StreamsApp;
import io.meanstream.streams.service.StreamsAppSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meanstream streams-app}: scores every image with the newest released model (the container entry point). */
@Command(name = "streams-app", mixinStandardHelpOptions = true,
        description = {"Run the streams-app: Kafka Streams + ONNX Runtime scoring of the images topic with the newest (or a",
                "pinned) released model, hot-swapped without a restart. Configured by MEANSTREAM_* environment variables or",
                "--config FILE. Stops cleanly on SIGTERM."})
final class StreamsAppCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with streams-app settings (environment variables win).")
    Path configFile;

    @Option(names = {"-b", "--bootstrap"}, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (overrides the environment).")
    String bootstrap;

    @Override
    public Integer call() throws Exception {
        return Services.run("streams-app", StreamsAppSettings.all(), configFile, bootstrap,
                (settings, kafka) -> new StreamsApp(settings, kafka, Topics.fromEnv()).start());
    }
}
