package io.meanstream.cli;

import io.meanstream.cli.feed.FashionMnistSource;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.kafka.Topics;
import io.meanstream.records.PredictionRecords;
import io.meanstream.schema.Prediction;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code meanstream watch}: follow the predictions topic, with running accuracy when the truth is known. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Follow the predictions topic and print each prediction; with --truth, running accuracy per model version.")
final class WatchCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    DatasetOptions data;

    @Option(names = "--truth", paramLabel = "DATASET", description = "Ground truth for image ids: fashion-mnist.")
    String truth;

    @Option(names = "--from-beginning", description = "Start at the oldest prediction instead of new ones only.")
    boolean fromBeginning;

    @Option(names = "--limit", defaultValue = "-1", paramLabel = "N", description = "Stop after N predictions.")
    long limit;

    @Option(names = "--idle-timeout", defaultValue = "0", paramLabel = "SECONDS",
            description = "Stop when no prediction came for this long (0: never).")
    long idleSeconds;

    @Option(names = {"-q", "--quiet"}, description = "Print only the running summary, every 1,000 predictions.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    /** Running counts per model version: seen, with known truth, correct. */
    static final class Tally {
        long seen;
        long judged;
        long correct;

        double accuracy() {
            return judged == 0 ? Double.NaN : (double) correct / judged;
        }
    }

    @Override
    public Integer call() throws Exception {
        LabeledImages train = null;
        LabeledImages test = null;
        if (truth != null) {
            if (!truth.equalsIgnoreCase("fashion-mnist")) {
                throw new IllegalArgumentException("unknown --truth " + truth + " (known: fashion-mnist)");
            }
            train = data.load(FashionMnist.Split.TRAIN);
            test = data.load(FashionMnist.Split.TEST);
        }
        Topics topics = kafka.topics();
        PrintWriter out = spec.commandLine().getOut();
        Map<Long, Tally> tallies = new TreeMap<>();
        long total = 0;
        long malformed = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                kafka.clientConfig().consumer(null, "meanstream-watch"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.predictions().name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            long lastRecord = System.nanoTime();
            while (limit < 0 || total < limit) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    if (idleSeconds > 0 && System.nanoTime() - lastRecord > idleSeconds * 1_000_000_000L) {
                        break;
                    }
                    continue;
                }
                lastRecord = System.nanoTime();
                for (ConsumerRecord<String, byte[]> record : records) {
                    Prediction p;
                    try {
                        p = PredictionRecords.read(record.value()); // Avro or JSON, whichever the streams-app writes
                    } catch (SerializationException e) {
                        malformed++;
                        out.println("malformed prediction at " + record.topic() + "-" + record.partition() + "@" + record.offset() + ": " + e.getMessage());
                        continue;
                    }
                    total++;
                    Tally tally = tallies.computeIfAbsent(p.getModelVersion(), v -> new Tally());
                    tally.seen++;
                    Optional<Integer> truthClass = FashionMnistSource.truthOf(p.getImageId(), train, test);
                    String verdict = "";
                    if (truthClass.isPresent()) {
                        tally.judged++;
                        boolean right = truthClass.get() == p.getClassIndex();
                        if (right) {
                            tally.correct++;
                        }
                        verdict = String.format(Locale.ROOT, "  truth=%-11s %s  acc(v%d)=%.3f", FashionMnist.CLASS_NAMES.get(truthClass.get()),
                                right ? "ok " : "MISS", p.getModelVersion(), tally.accuracy());
                    }
                    if (!quiet) {
                        out.printf(Locale.ROOT, "%-22s v%-4d %-11s %.2f%s%n", p.getImageId(), p.getModelVersion(), p.getClassName(),
                                p.getConfidence(), verdict);
                    } else if (total % 1000 == 0) {
                        printSummary(out, tallies, total, malformed);
                    }
                    if (limit >= 0 && total >= limit) {
                        break;
                    }
                }
                out.flush();
            }
        }
        printSummary(out, tallies, total, malformed);
        return 0;
    }

    private static void printSummary(PrintWriter out, Map<Long, Tally> tallies, long total, long malformed) {
        out.printf(Locale.ROOT, "predictions: %d%s%n", total, malformed > 0 ? ", malformed: " + malformed : "");
        tallies.forEach((version, t) -> out.printf(Locale.ROOT, "  model v%d: %d predictions%s%n", version, t.seen,
                t.judged > 0 ? String.format(Locale.ROOT, ", accuracy %.4f on %d with known truth", t.accuracy(), t.judged) : ""));
        out.flush();
    }
}
