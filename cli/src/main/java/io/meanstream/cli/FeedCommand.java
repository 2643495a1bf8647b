package io.meanstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meanstream.cli.feed.DelayRange;
import io.meanstream.cli.feed.FashionMnistSource;
import io.meanstream.cli.feed.FeedFormat;
import io.meanstream.cli.feed.FeedOptions;
import io.meanstream.cli.feed.FeedResult;
import io.meanstream.cli.feed.FeedSource;
import io.meanstream.cli.feed.Feeder;
import io.meanstream.cli.feed.ImageFolderSource;
import io.meanstream.cli.feed.LabelPolicy;
import io.meanstream.data.FashionMnist;
import io.meanstream.kafka.Topics;
import io.meanstream.schema.ImageEncoding;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code meanstream feed}: images and simulated human labels into Kafka. */
@Command(name = "feed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Produce images to the images topic and human-like labels to the labels topic.",
                "Ends with one JSON line: images, labels, labels per class, bytes, seconds, images/s."})
final class FeedCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    static final class Source {
        @Option(names = "--dataset", paramLabel = "NAME", description = "A known data set: fashion-mnist.")
        String dataset;

        @Option(names = "--images-dir", paramLabel = "DIR", description = "One sub-folder per class holding PNG/JPEG files.")
        Path imagesDir;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Mixin
    DatasetOptions data;

    @Option(names = "--split", defaultValue = "train", description = "Fashion-MNIST split: train or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--encoding", defaultValue = "png", description = "How Fashion-MNIST images are sent: png, jpeg or raw (default: ${DEFAULT-VALUE}).")
    String encoding;

    @Option(names = "--format", defaultValue = "avro", description = "Record form: avro (the typed contracts) or raw (the encoded "
            + "image as the value with content-type and CloudEvents headers, labels as JSON: what a producer in any language sends) "
            + "(default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "IMAGES_PER_S", description = "Images per second; 0 = as fast as possible (default).")
    double rate;

    @Option(names = "--limit", defaultValue = "-1", paramLabel = "N", description = "Feed at most N images (default: all).")
    int limit;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for order, labeled subset and delays (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-shuffle", description = "Feed in the data set's order.")
    boolean noShuffle;

    @Option(names = "--labels-per-class", paramLabel = "K", description = "Label the first K images of each class.")
    Integer labelsPerClass;

    @Option(names = "--label-fraction", paramLabel = "F", description = "Label a random fraction F of the images.")
    Double labelFraction;

    @Option(names = "--label-delay", defaultValue = "0", paramLabel = "D|MIN..MAX",
            description = "Delay of each label after its image, e.g. 30s or 5s..2m (default: none).")
    String labelDelay;

    @Option(names = "--labels-first", description = "Produce all labels before the images (labels that arrive early).")
    boolean labelsFirst;

    @Option(names = "--spread-labels", description = "With --labels-per-class: label K random images of each class spread over the whole feed.")
    boolean spreadLabels;

    @Option(names = "--label-policy", defaultValue = "random", paramLabel = "random|requested",
            description = {"Which images the planned labels go to: random (the planned ones, default) or requested (at each planned",
                    "label moment the oldest open label request of the streams-app for an image this feed sent; the planned",
                    "image while none is open). The same number of labels at the same moments either way."})
    String labelPolicy;

    @Override
    public Integer call() throws Exception {
        FeedSource feedSource;
        if (source.imagesDir != null) {
            feedSource = new ImageFolderSource(source.imagesDir);
        } else if ("fashion-mnist".equalsIgnoreCase(source.dataset)) {
            FashionMnist.Split s = switch (split.toLowerCase(Locale.ROOT)) {
                case "train" -> FashionMnist.Split.TRAIN;
                case "test" -> FashionMnist.Split.TEST;
                default -> throw new IllegalArgumentException("--split must be train or test, got " + split);
            };
            feedSource = new FashionMnistSource(data.load(s), s, parseEncoding(encoding));
        } else {
            throw new IllegalArgumentException("unknown --dataset " + source.dataset + " (known: fashion-mnist); or use --images-dir");
        }
        FeedOptions options = new FeedOptions(limit, rate, seed, !noShuffle, labelsPerClass, labelFraction,
                DelayRange.parse(labelDelay), labelsFirst, spreadLabels, FeedFormat.parse(format), LabelPolicy.parse(labelPolicy));
        if (options.format() == FeedFormat.RAW && source.imagesDir == null && parseEncoding(encoding) == ImageEncoding.RAW_U8) {
            throw new IllegalArgumentException("--format raw sends encoded images: use --encoding png or jpeg, not raw");
        }
        Topics topics = kafka.topics();
        System.err.printf("feeding %s to %s and %s on %s%n", feedSource.name(), topics.images().name(), topics.labels().name(),
                kafka.clientConfig().bootstrapServers());
        FeedResult result = new Feeder(kafka.clientConfig(), topics, System.err).feed(feedSource, options);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("images", result.imagesSent());
        summary.put("labels", result.labelsSent());
        summary.put("requestedLabels", result.requestedLabels());
        summary.put("labelsPerClass", Arrays.stream(result.labelsPerClass()).boxed().toList());
        summary.put("bytes", result.bytesSent());
        summary.put("seconds", result.elapsed().toMillis() / 1000.0);
        summary.put("imagesPerSecond", Math.round(result.imagesPerSecond() * 10) / 10.0);
        System.out.println(new ObjectMapper().writeValueAsString(summary));
        return 0;
    }

    static ImageEncoding parseEncoding(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "png" -> ImageEncoding.PNG;
            case "jpeg", "jpg" -> ImageEncoding.JPEG;
            case "raw", "raw_u8" -> ImageEncoding.RAW_U8;
            default -> throw new IllegalArgumentException("--encoding must be png, jpeg or raw, got " + text);
        };
    }
}
