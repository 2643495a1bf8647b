package io.meanstream.cli;

import io.meanstream.cli.feed.DelayRange;
import io.meanstream.cli.feed.FashionMnistSource;
import io.meanstream.cli.feed.FeedOptions;
import io.meanstream.cli.feed.FeedResult;
import io.meanstream.cli.feed.Feeder;
import io.meanstream.data.FashionMnist;
import io.meanstream.kafka.KafkaClientConfig;
import io.meanstream.kafka.TopicBootstrapper;
import io.meanstream.kafka.Topics;
import io.meanstream.kafka.local.LocalKafkaBroker;
import io.meanstream.schema.ImageEncoding;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code meanstream demo}: everything on one machine, on an embedded broker. At this stage of the project
 * it starts the broker, creates the topics, streams Fashion-MNIST images with sparse delayed labels and
 * shows the topics; the trainer and the streams-app join it as they are built.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the pipeline on an embedded Kafka broker: broker, topics, Fashion-MNIST feed with sparse",
                "delayed labels, then the topic table. (Trainer and streams-app are added by later releases.)"})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--limit", defaultValue = "1000", description = "Images to stream (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--labels-per-class", defaultValue = "5", description = "Labels per class (default: ${DEFAULT-VALUE}).")
    int labelsPerClass;

    @Option(names = "--rate", defaultValue = "0", description = "Images per second, 0 = as fast as possible (default).")
    double rate;

    @Option(names = "--label-delay", defaultValue = "200ms..2s", description = "Label delay after its image (default: ${DEFAULT-VALUE}).")
    String labelDelay;

    @Option(names = "--kafka-data-dir", description = "Keep the broker's data here (default: a temporary directory, deleted at the end).")
    Path kafkaDataDir;

    @Mixin
    DatasetOptions data;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = new PrintWriter(System.out, true);
        out.println("== meanstream demo: embedded Kafka, topics, Fashion-MNIST stream with sparse labels ==");
        var train = data.load(FashionMnist.Split.TRAIN);
        LocalKafkaBroker.Builder builder = LocalKafkaBroker.builder();
        if (kafkaDataDir != null) {
            builder.dataDir(kafkaDataDir);
        } else {
            builder.temporary();
        }
        try (LocalKafkaBroker broker = builder.build().start(Duration.ofSeconds(120))) {
            out.println("1/3 Kafka broker running on " + broker.bootstrapServers());
            KafkaClientConfig kafka = KafkaClientConfig.ofBootstrap(broker.bootstrapServers());
            Topics topics = Topics.fromEnv();
            try (Admin admin = Admin.create(kafka.admin("meanstream-demo"))) {
                TopicBootstrapper.Report report = new TopicBootstrapper(admin).ensure(topics.all());
                out.println("2/3 topics ready: " + report.created().size() + " created, " + report.existing().size() + " existing");
                out.println("3/3 streaming " + limit + " images, " + labelsPerClass + " labels per class, label delay " + labelDelay);
                FeedResult result = new Feeder(kafka, topics, System.err).feed(
                        new FashionMnistSource(train, FashionMnist.Split.TRAIN, ImageEncoding.PNG),
                        new FeedOptions(limit, rate, 42, true, labelsPerClass, null, DelayRange.parse(labelDelay), false));
                out.printf("fed %d images and %d labels (per class %s) in %.1f s (%.0f images/s)%n", result.imagesSent(),
                        result.labelsSent(), Arrays.toString(result.labelsPerClass()), result.elapsed().toMillis() / 1000.0,
                        result.imagesPerSecond());
                out.println();
                TopicsCommand.print(out, TopicsCommand.list(admin, topics, false));
            }
        }
        return 0;
    }
}
