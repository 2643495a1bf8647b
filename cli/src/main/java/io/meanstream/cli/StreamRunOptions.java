package io.meanstream.cli;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The stream a live run feeds and its trainer's share of the machine: shared by {@code demo} and {@code bench-learning}. */
final class StreamRunOptions {

    @Option(names = "--rate", defaultValue = "50", description = "Images per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--label-delay", defaultValue = "2s..30s", paramLabel = "D|MIN..MAX",
            description = "Delay of each label after its image (default: ${DEFAULT-VALUE}).")
    String labelDelay;

    @Option(names = "--trainer-threads", defaultValue = "1",
            description = "PyTorch threads of the trainer (default: ${DEFAULT-VALUE}: the other core serves Kafka, the streams-app and the feed).")
    int trainerThreads;

    @Option(names = "--set", paramLabel = "ENV=VALUE", description = "Override a trainer or streams-app setting, e.g. --set MEANSTREAM_TRAINER_CONSISTENCY=50.")
    Map<String, String> settings = new HashMap<>();
}
