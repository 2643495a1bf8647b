package io.meanstream.cli;

import io.meanstream.cli.demo.LearningBenchmark;
import io.meanstream.cli.feed.DelayRange;
import io.meanstream.cli.feed.LabelPolicy;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code meanstream bench-learning}: Mean Teacher against supervised-only in the live pipeline, per label given. */
@Command(name = "bench-learning", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The live learning benchmark: the whole pipeline (embedded broker, trainer, streams-app, the demo's feed with",
                "human-like labels) for a fixed wall time, once per trainer mode, with the same seed, images, labels and label",
                "times. Every release is scored on the 10,000 Fashion-MNIST test images from its released bytes. Writes",
                "<out>/<name>.jsonl (a line per release and per run), <name>.png (test accuracy against labels given and",
                "minutes, mean and spread over seeds) and <name>.md (the summary table with this command)."})
final class BenchLearningCommand implements Callable<Integer> {

    @Option(names = "--minutes", defaultValue = "10", description = "Wall time of each run (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--labels-per-class", defaultValue = "20", split = ",",
            description = "Labels per class, given at random moments over each run; a comma-separated list runs each (default: ${DEFAULT-VALUE}).")
    List<Integer> labelsPerClass;


    @Option(names = "--seeds", defaultValue = "1,2,3", split = ",", description = "Seeds of feed and trainer (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--modes", defaultValue = "mean-teacher,supervised", split = ",",
            description = "Trainer modes, run one after the other (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--label-policies", defaultValue = "random", split = ",", paramLabel = "random[,requested]",
            description = {"Label policies, each run with every mode: random (the planned images) or requested (the same label",
                    "moments answer the streams-app's label requests; see feed --label-policy) (default: ${DEFAULT-VALUE})."})
    List<String> labelPolicies;




    @Option(names = "--out", defaultValue = "bench/results", description = "Report directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--name", description = "Base name of the report files (default: learning-<date>-<time>).")
    String name;

    @Mixin
    StreamRunOptions stream;

    @Mixin
    DatasetOptions data;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (minutes <= 0 || stream.rate <= 0 || labelsPerClass.stream().anyMatch(k -> k < 0)) {
            throw new IllegalArgumentException("--minutes and --rate must be > 0 and --labels-per-class >= 0");
        }
        LabeledImages train = data.load(FashionMnist.Split.TRAIN);
        LabeledImages test = data.load(FashionMnist.Split.TEST);
        String base = name != null ? name : "learning-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmm"));
        LearningBenchmark.Options options = new LearningBenchmark.Options(minutes, List.copyOf(labelsPerClass), stream.rate, List.copyOf(seeds),
                List.copyOf(modes), labelPolicies.stream().map(LabelPolicy::parse).toList(), DelayRange.parse(stream.labelDelay), stream.trainerThreads, Map.copyOf(stream.settings), out, base);
        String command = "./meanstream " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        List<Path> written = new LearningBenchmark(options, System.out).run(train, test, command);
        written.forEach(p -> System.out.println("wrote " + p));
        return 0;
    }
}
