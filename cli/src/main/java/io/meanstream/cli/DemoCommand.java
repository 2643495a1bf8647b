package io.meanstream.cli;

import io.meanstream.cli.demo.Demo;
import io.meanstream.cli.feed.LabelPolicy;
import io.meanstream.cli.demo.DemoReport;
import io.meanstream.cli.feed.DelayRange;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code meanstream demo}: the whole pipeline on one machine (embedded broker, trainer, streams-app, a
 * Fashion-MNIST feed with sparse delayed labels), a live view, and {@code demo-report/} at the end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the whole pipeline on an embedded Kafka broker: the trainer learns from a Fashion-MNIST stream with",
                "sparse, delayed labels and releases models; the streams-app scores every image with the newest one. Shows a",
                "live view; at the end (or Ctrl-C) prints a summary and writes demo-report/ (accuracy.csv, accuracy.png,",
                "summary.json, demo.log)."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--minutes", defaultValue = "10", description = "How long to stream (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--labels-per-class", defaultValue = "20",
            description = "Human labels per class, given at random moments over the run (default: ${DEFAULT-VALUE}).")
    int labelsPerClass;



    @Option(names = "--report-dir", defaultValue = "demo-report", description = "Where the report goes (default: ${DEFAULT-VALUE}).")
    Path reportDir;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the feed and the trainer (default: ${DEFAULT-VALUE}).")
    long seed;


    @Option(names = "--kafka-data-dir", description = "Keep the broker's data here (default: a temporary directory, deleted at the end).")
    Path kafkaDataDir;



    @Option(names = "--log-to-console", description = "Service logs to the console instead of demo-report/demo.log.")
    boolean logToConsole;

    @Option(names = "--baseline", description = {"Run a supervised-only trainer beside the demo's, in its own JVM with the same settings and",
            "threads, and chart its releases next to Mean Teacher's (both trainers then share the machine: see README)."})
    boolean baseline;

    @Option(names = "--label-policy", defaultValue = "requested", paramLabel = "requested|random",
            description = {"Which images the simulated annotator labels: requested (it answers the streams-app's label requests at the",
                    "planned moments, a random planned image when none is open) or random (the planned images) (default: ${DEFAULT-VALUE})."})
    String labelPolicy;

    @Option(names = "--labeler-port", defaultValue = "8090",
            description = "Port of the labeler, where a person can label beside the simulation; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int labelerPort;

    @Mixin
    StreamRunOptions stream;

    @Mixin
    DatasetOptions data;

    @Override
    public Integer call() throws Exception {
        if (minutes <= 0 || stream.rate <= 0 || labelsPerClass < 0) {
            throw new IllegalArgumentException("--minutes and --rate must be > 0 and --labels-per-class >= 0");
        }
        System.out.println("== meanstream demo: Mean Teacher learning from a live Kafka stream ==");
        LabeledImages train = data.load(FashionMnist.Split.TRAIN);
        LabeledImages test = data.load(FashionMnist.Split.TEST);
        Demo.Options options = new Demo.Options(minutes, labelsPerClass, stream.rate, DelayRange.parse(stream.labelDelay), reportDir, kafkaDataDir, seed,
                stream.trainerThreads, logToConsole, Map.copyOf(stream.settings), baseline, LabelPolicy.parse(labelPolicy), labelerPort);
        DemoReport.Summary summary = new Demo(options, System.out, System.console() != null).run(train, test);
        return summary.images() > 0 ? 0 : 1;
    }
}
