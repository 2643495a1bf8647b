package io.meanstream.cli;

import io.meanstream.streams.StreamsAppMain;
import picocli.CommandLine.Command;

/** {@code meanstream streams-app}: scores every image with the newest released model, as its container image does. */
@Command(name = "streams-app", mixinStandardHelpOptions = true,
        description = {"Run the streams-app: Kafka Streams + ONNX Runtime scoring of the images topic with the newest (or a",
                "pinned) released model, hot-swapped without a restart. Configured by MEANSTREAM_* environment variables or",
                "--config FILE. Stops cleanly on SIGTERM."})
final class StreamsAppCommand extends ServiceCommand {

    StreamsAppCommand() {
        super(new StreamsAppMain());
    }
}
