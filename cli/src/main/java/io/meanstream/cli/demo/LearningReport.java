package io.meanstream.cli.demo;

import io.meanstream.data.LabeledImages;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The live learning benchmark's chart and summary. The chart has two panels, test accuracy of the newest
 * release against labels given and against minutes, one line per mode and labels-per-class count: the mean
 * over seeds of each seed's newest release at that point, with a band of one standard deviation. The summary
 * (Markdown) has, per labels-per-class count and mode, the newest release's test accuracy (mean, standard
 * deviation and each seed), steps, releases, prequential accuracy and label-to-served-model delays, and the
 * gap between the modes at the same labels and at equal steps.
 */
final class LearningReport {

    private LearningReport() {
    }

    /**
     * Writes the chart and the summary; with runs on requested labels also the requested images' contact sheet
     * ({@code <name>-requested.png}, the first requested run) and their per-class counts in the summary.
     */
    static List<Path> write(Path dir, String name, List<LearningRun.Result> results, String command, LabeledImages train) throws IOException {
        Path png = dir.resolve(name + ".png");
        Charts.sideBySide(png, chart(results, "labels given", r -> r.labels(), p -> p.labelsGiven()),
                chart(results, "minutes", r -> r.spec().minutes(), ReleaseHistory.ReleasePoint::minutes));
        List<Path> written = new ArrayList<>(List.of(png));
        StringBuilder md = new StringBuilder(summary(results, command, png.getFileName().toString()));
        List<LearningRun.Result> requested = results.stream().filter(r -> !r.requested().isEmpty()).toList();
        if (!requested.isEmpty()) {
            Path sheet = dir.resolve(name + "-requested.png");
            LearningRun.Result first = requested.get(0);
            RequestedImages.contactSheet(sheet, first.requested(), train);
            written.add(sheet);
            md.append("\nWhat was requested: labels that answered a request, per true class").append(RequestedImages.table(requested, train.classNames()))
                    .append(String.format(Locale.ROOT, "%n![the first %d requested images of %s](%s)%n",
                            Math.min(RequestedImages.SHEET_IMAGES, first.requested().size()), first.spec().describe(), sheet.getFileName()));
        }
        Path summary = dir.resolve(name + ".md");
        Files.writeString(summary, md);
        written.add(summary);
        return written;
    }

    /** One panel: for each (mode, labels per class), the newest release's test accuracy along {@code x}, mean and spread over seeds. */
    private static JFreeChart chart(List<LearningRun.Result> results, String axis, ToDoubleFunction<LearningRun.Result> end,
                                    ToDoubleFunction<ReleaseHistory.ReleasePoint> x) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        for (Map.Entry<String, List<LearningRun.Result>> group : groups(results).entrySet()) {
            YIntervalSeries series = new YIntervalSeries(group.getKey());
            double max = group.getValue().stream().mapToDouble(end).max().orElse(0);
            for (int i = 0; i <= 100; i++) {
                double at = max * i / 100;
                List<Double> values = new ArrayList<>();
                for (LearningRun.Result r : group.getValue()) {
                    r.releases().stream().filter(p -> x.applyAsDouble(p) <= at).reduce((a, b) -> b)
                            .ifPresent(p -> values.add(p.testAccuracy()));
                }
                if (values.size() == group.getValue().size()) { // every seed has a model here
                    double mean = mean(values);
                    double sd = sd(values);
                    series.add(at, mean, mean - sd, mean + sd);
                }
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Test accuracy of the newest release against " + axis, axis,
                "accuracy on the 10,000 test images", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        Charts.style(plot);
        DeviationRenderer renderer = new DeviationRenderer(true, false);
        Color[] colors = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
                new Color(0x8c564b)};
        for (int i = 0; i < data.getSeriesCount(); i++) {
            Color c = colors[i % colors.length];
            renderer.setSeriesPaint(i, c);
            renderer.setSeriesFillPaint(i, c);
            renderer.setSeriesStroke(i, new BasicStroke(2.5f));
        }
        renderer.setAlpha(0.2f);
        plot.setRenderer(renderer);
        return chart;
    }

    /** Results by "arm, K labels/class", in a stable order. */
    private static Map<String, List<LearningRun.Result>> groups(List<LearningRun.Result> results) {
        return results.stream().collect(Collectors.groupingBy(r -> String.format(Locale.ROOT, "%s, %d labels/class", r.spec().arm(),
                r.spec().labelsPerClass()), TreeMap::new, Collectors.toList()));
    }

    static String summary(List<LearningRun.Result> results, String command, String chart) {
        StringBuilder b = new StringBuilder();
        b.append("Command: `").append(command).append("`\n\n");
        b.append("| labels/class | arm (mode, label policy) | newest release test accuracy (mean ± sd) | per seed | steps | releases | prequential accuracy "
                + "| label -> served model p50 / p95 s (labels served / not) |\n|---|---|---|---|---|---|---|---|\n");
        Map<Integer, Map<String, List<LearningRun.Result>>> byLabels = results.stream().collect(Collectors.groupingBy(
                r -> r.spec().labelsPerClass(), TreeMap::new, Collectors.groupingBy(r -> r.spec().arm(), TreeMap::new, Collectors.toList())));
        for (var perLabels : byLabels.entrySet()) {
            for (var perMode : perLabels.getValue().entrySet()) {
                List<LearningRun.Result> runs = perMode.getValue();
                List<Double> acc = runs.stream().map(r -> r.newest() == null ? 0.0 : r.newest().testAccuracy()).toList();
                List<Double> delays = runs.stream().flatMap(r -> r.labelDelaysSeconds().stream()).toList();
                b.append(String.format(Locale.ROOT, "| %d | %s | %.4f ± %.4f | %s | %s | %s | %s | %.0f / %.0f (%d / %d) |%n",
                        perLabels.getKey(), perMode.getKey(), mean(acc), sd(acc),
                        acc.stream().map(a -> String.format(Locale.ROOT, "%.4f", a)).collect(Collectors.joining(" / ")),
                        runs.stream().map(r -> String.format(Locale.ROOT, "%,d", r.steps())).collect(Collectors.joining(" / ")),
                        runs.stream().map(r -> Integer.toString(r.releases().size())).collect(Collectors.joining(" / ")),
                        runs.stream().map(r -> String.format(Locale.ROOT, "%.3f", r.prequentialAccuracy())).collect(Collectors.joining(" / ")),
                        percentile(delays, 0.5), percentile(delays, 0.95), delays.size(),
                        runs.stream().mapToLong(LearningRun.Result::labelsNotServed).sum()));
            }
        }
        b.append(gaps(byLabels));
        b.append(policyGaps(byLabels));
        b.append("\n![test accuracy against labels given and minutes](").append(chart).append(")\n");
        return b.toString();
    }

    /** Mean-teacher minus supervised per labels-per-class count: at the same labels (newest releases) and at equal steps. */
    private static String gaps(Map<Integer, Map<String, List<LearningRun.Result>>> byLabels) {
        StringBuilder b = new StringBuilder("\n| labels/class | Mean Teacher - supervised, newest releases (mean ± sd; per seed) "
                + "| at equal steps: supervised's newest release at or before Mean Teacher's last step (mean ± sd; per seed) |\n|---|---|---|\n");
        int rows = 0;
        for (var perLabels : byLabels.entrySet()) {
            List<LearningRun.Result> mt = perLabels.getValue().getOrDefault("mean-teacher", List.of());
            List<LearningRun.Result> sup = perLabels.getValue().getOrDefault("supervised", List.of());
            List<Double> same = new ArrayList<>();
            List<Double> equalSteps = new ArrayList<>();
            for (LearningRun.Result m : mt) {
                sup.stream().filter(s -> s.spec().seed() == m.spec().seed()).findFirst().ifPresent(s -> {
                    if (m.newest() != null && s.newest() != null) {
                        same.add(m.newest().testAccuracy() - s.newest().testAccuracy());
                        s.releases().stream().filter(p -> p.trainerStep() <= m.newest().trainerStep()).reduce((x, y) -> y)
                                .ifPresent(p -> equalSteps.add(m.newest().testAccuracy() - p.testAccuracy()));
                    }
                });
            }
            if (!same.isEmpty()) {
                rows++;
                b.append(String.format(Locale.ROOT, "| %d | %s | %s |%n", perLabels.getKey(), difference(same),
                        equalSteps.isEmpty() ? "-" : difference(equalSteps)));
            }
        }
        return rows == 0 ? "" : b.toString();
    }

    /** Mean Teacher with requested labels minus with random labels (the same budget at the same moments), per seed. */
    private static String policyGaps(Map<Integer, Map<String, List<LearningRun.Result>>> byLabels) {
        StringBuilder b = new StringBuilder("\n| labels/class | Mean Teacher: requested labels - random labels, newest releases (mean ± sd; per seed) "
                + "| labels that answered a request | labels the requested arm took to reach the random arm's final accuracy, per seed |\n|---|---|---|---|\n");
        int rows = 0;
        for (var perLabels : byLabels.entrySet()) {
            List<LearningRun.Result> random = perLabels.getValue().getOrDefault("mean-teacher", List.of());
            List<LearningRun.Result> requested = perLabels.getValue().getOrDefault("mean-teacher + requested labels", List.of());
            List<Double> diff = new ArrayList<>();
            List<String> toMatch = new ArrayList<>();
            for (LearningRun.Result q : requested) {
                random.stream().filter(r -> r.spec().seed() == q.spec().seed() && r.newest() != null && q.newest() != null).findFirst()
                        .ifPresent(r -> {
                            diff.add(q.newest().testAccuracy() - r.newest().testAccuracy());
                            toMatch.add(labelsToMatch(q, r));
                        });
            }
            if (!diff.isEmpty()) {
                rows++;
                b.append(String.format(Locale.ROOT, "| %d | %s | %s | %s |%n", perLabels.getKey(), difference(diff),
                        requested.stream().map(r -> r.requestedLabels() + " of " + r.labels()).collect(Collectors.joining(" / ")),
                        String.join(" / ", toMatch)));
            }
        }
        return rows == 0 ? "" : b.toString();
    }

    /**
     * The labels given when the first release of {@code requested} scored at least the final accuracy of {@code random}'s
     * newest release, as "N of M (P %)" of the random arm's labels; "not reached" when no release did.
     */
    static String labelsToMatch(LearningRun.Result requested, LearningRun.Result random) {
        double target = random.newest().testAccuracy();
        return requested.releases().stream().filter(p -> p.testAccuracy() >= target).findFirst()
                .map(p -> String.format(Locale.ROOT, "%d of %d (%.0f %%)", p.labelsGiven(), random.labels(), 100.0 * p.labelsGiven() / random.labels()))
                .orElse("not reached");
    }

    /** Accuracy differences as "mean ± sd points (per seed)". */
    private static String difference(List<Double> values) {
        return String.format(Locale.ROOT, "%+.2f ± %.2f points (%s)", 100 * mean(values), 100 * sd(values), points(values));
    }

    private static String points(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%+.2f", 100 * v)).collect(Collectors.joining(" / "));
    }

    static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Sample standard deviation (n - 1); 0 for a single value. */
    static double sd(List<Double> values) {
        if (values.size() < 2) {
            return 0;
        }
        double m = mean(values);
        return Math.sqrt(values.stream().mapToDouble(v -> (v - m) * (v - m)).sum() / (values.size() - 1));
    }

    /** Nearest-rank percentile; NaN for no values. */
    static double percentile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
