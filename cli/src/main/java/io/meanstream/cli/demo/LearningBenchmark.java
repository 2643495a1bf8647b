package io.meanstream.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.meanstream.cli.feed.DelayRange;
import io.meanstream.cli.feed.Feeder;
import io.meanstream.cli.feed.LabelPolicy;
import io.meanstream.data.LabeledImages;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live learning benchmark: for every labels-per-class count and seed, one {@link LearningRun} per trainer
 * mode, one after the other on the same machine, each for the same wall time with the same stream. Writes one
 * JSON line per release and one per run as soon as a run ends (so a stopped benchmark keeps what it measured),
 * then the chart and the summary table ({@link LearningReport}).
 */
public final class LearningBenchmark {

    /** The benchmark's knobs, from the command line. */
    public record Options(double minutes, List<Integer> labelsPerClass, double rate, List<Long> seeds, List<String> modes,
                          List<LabelPolicy> labelPolicies, DelayRange labelDelay, int trainerThreads, Map<String, String> settings, Path out,
                          String name) {
    }

    private final Options options;
    private final PrintStream progress;

    public LearningBenchmark(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Runs every combination; returns the files written (JSON lines, chart, summary). */
    public List<Path> run(LabeledImages train, LabeledImages test, String command) throws Exception {
        Files.createDirectories(options.out());
        Path jsonl = options.out().resolve(options.name() + ".jsonl");
        Files.deleteIfExists(jsonl);
        ServiceLogs.toFile(options.out().resolve(options.name() + ".log"));
        List<LearningRun.Result> results = new ArrayList<>();
        int total = options.labelsPerClass().size() * options.seeds().size() * options.modes().size() * options.labelPolicies().size();
        int done = 0;
        for (int labels : options.labelsPerClass()) {
            for (long seed : options.seeds()) {
                for (String mode : options.modes()) {
                    for (LabelPolicy policy : options.labelPolicies()) {
                        LearningRun.Spec spec = new LearningRun.Spec(mode, policy, labels, seed, options.minutes(), options.rate(),
                                options.labelDelay(), options.trainerThreads(), options.settings());
                        progress.printf("run %d of %d: %s for %.1f minutes%n", ++done, total, spec.describe(), options.minutes());
                        Path work = Files.createTempDirectory("meanstream-learning-");
                        LearningRun.Result result;
                        try {
                            result = LearningRun.run(spec, train, test, work, progress::println);
                        } finally {
                            LocalFiles.deleteQuietly(work);
                        }
                        results.add(result);
                        append(jsonl, result, command, train.classNames().size());
                        ReleaseHistory.ReleasePoint newest = result.newest();
                        progress.printf("  %s: %,d steps, %d releases, newest v%s test accuracy %s%n", spec.describe(), result.steps(),
                                result.releases().size(), newest == null ? "-" : newest.version(),
                                newest == null ? "-" : String.format(java.util.Locale.ROOT, "%.4f", newest.testAccuracy()));
                    }
                }
            }
        }
        List<Path> written = new ArrayList<>(List.of(jsonl));
        written.addAll(LearningReport.write(options.out(), options.name(), results, command, train));
        return written;
    }

    private static void append(Path jsonl, LearningRun.Result r, String command, int classes) throws IOException {
        ObjectMapper json = new ObjectMapper();
        StringBuilder lines = new StringBuilder();
        for (ReleaseHistory.ReleasePoint p : r.releases()) {
            Map<String, Object> m = run(r);
            m.put("type", "release");
            m.put("version", p.version());
            m.put("trainerStep", p.trainerStep());
            m.put("minutes", p.minutes());
            m.put("labelsGiven", p.labelsGiven());
            m.put("testAccuracy", p.testAccuracy());
            m.put("prequentialAccuracy", finite(p.prequentialAccuracy()));
            m.put("prequentialJudged", p.prequentialJudged());
            m.put("servedMinutes", finite(p.servedMinutes()));
            m.put("releaseMetrics", p.metrics());
            lines.append(json.writeValueAsString(m)).append('\n');
        }
        Map<String, Object> m = run(r);
        m.put("type", "run");
        m.put("command", command);
        m.put("images", r.images());
        m.put("labels", r.labels());
        m.put("requestedLabels", r.requestedLabels());
        m.put("steps", r.steps());
        m.put("releases", r.releases().size());
        m.put("newestTestAccuracy", r.newest() == null ? null : r.newest().testAccuracy());
        m.put("prequentialAccuracy", finite(r.prequentialAccuracy()));
        m.put("prequentialJudged", r.judged());
        m.put("labelDelayP50Seconds", finite(LearningReport.percentile(r.labelDelaysSeconds(), 0.5)));
        m.put("labelDelayP95Seconds", finite(LearningReport.percentile(r.labelDelaysSeconds(), 0.95)));
        m.put("labelsServed", r.labelDelaysSeconds().size());
        m.put("labelsNotServed", r.labelsNotServed());
        m.put("holdoutLabels", r.holdoutLabels());
        if (!r.requested().isEmpty()) {
            m.put("requestedPerClass", RequestedImages.perClass(r.requested(), classes));
            m.put("requestedImageIds", r.requested().stream().limit(RequestedImages.SHEET_IMAGES).map(Feeder.RequestedLabel::imageId).toList());
        }
        lines.append(json.writeValueAsString(m)).append('\n');
        Files.writeString(jsonl, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static Map<String, Object> run(LearningRun.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        LearningRun.Spec s = r.spec();
        m.put("mode", s.mode());
        m.put("labelPolicy", s.labelPolicy().label());
        m.put("labelsPerClass", s.labelsPerClass());
        m.put("seed", s.seed());
        m.put("minutesPlanned", s.minutes());
        m.put("rate", s.rate());
        m.put("trainerThreads", s.trainerThreads());
        m.put("settings", s.settings());
        return m;
    }

    /** JSON has no NaN: absent values are null. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
