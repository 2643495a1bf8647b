package io.meanstream.cli.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.meanstream.schema.Quality;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The demo's report: {@code accuracy.csv} (prequential accuracy per model version and time window),
 * {@code releases.csv} (each release: when, step, labels given before it, test accuracy, prequential accuracy),
 * {@code accuracy.png} (JFreeChart, two panels: each release's test accuracy and the prequential accuracy
 * against minutes; each release's test accuracy against labels given) and {@code summary.json}.
 */
public final class DemoReport {

    /** The end-of-run numbers, also printed as the summary table. */
    public record Summary(double minutes, int labelsPerClass, double rate, long images, long labels, long predictions, int modelsReleased,
                   long newestModelVersion, long newestModelStep, double finalPrequentialAccuracy, double overallPrequentialAccuracy,
                   long judgedPredictions, double finalTestAccuracy, long deadLetters, Map<String, Long> deadLettersByReason,
                   long trainerSteps, boolean interrupted) {
    }

    /**
     * What the run released: the served model's releases; those of any other model on the models topic (a baseline, e.g. a
     * supervised-only trainer run in its own process against the demo's broker; usually empty); label delays.
     */
    record Story(List<ReleaseHistory.ReleasePoint> releases, List<ReleaseHistory.ReleasePoint> baseline, ReleaseHistory.Delays delays) {
    }

    private DemoReport() {
    }

    /** Writes the four files into {@code dir} (created if needed) and returns their paths. */
    static List<Path> write(Path dir, long demoStartMillis, DemoObserver.Snapshot topics, Summary summary, Story story) throws IOException {
        Files.createDirectories(dir);
        List<Quality> windows = sorted(topics.quality());
        Path csv = dir.resolve("accuracy.csv");
        Files.writeString(csv, csv(windows, demoStartMillis));
        Path releases = dir.resolve("releases.csv");
        Files.writeString(releases, releasesCsv(story));
        Path png = dir.resolve("accuracy.png");
        Charts.sideBySide(png, overTime(windows, demoStartMillis, story), overLabels(story));
        Path json = dir.resolve("summary.json");
        Map<String, Object> m = asMap(summary);
        m.put("releases", story.releases());
        m.put("baselineReleases", story.baseline());
        m.put("labelDelayP50Seconds", nanToNull(round(LearningReport.percentile(story.delays().seconds(), 0.5), 1)));
        m.put("labelDelayP95Seconds", nanToNull(round(LearningReport.percentile(story.delays().seconds(), 0.95), 1)));
        m.put("labelsServed", story.delays().seconds().size());
        m.put("labelsNotServed", story.delays().notServed());
        m.put("holdoutLabels", story.delays().holdout());
        Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n");
        return List.of(csv, releases, png, json);
    }

    static String releasesCsv(Story story) {
        StringBuilder b = new StringBuilder("model,version,minutes_since_start,trainer_step,labels_given,test_accuracy,prequential_accuracy,"
                + "prequential_judged,served_minutes_since_start\n");
        for (List<ReleaseHistory.ReleasePoint> list : List.of(story.releases(), story.baseline())) {
            for (ReleaseHistory.ReleasePoint p : list) {
                b.append(String.format(Locale.ROOT, "%s,%d,%.2f,%d,%d,%.4f,%s,%d,%s%n", p.model(), p.version(), p.minutes(), p.trainerStep(),
                        p.labelsGiven(), p.testAccuracy(), Double.isNaN(p.prequentialAccuracy()) ? "" : String.format(Locale.ROOT, "%.4f",
                                p.prequentialAccuracy()), p.prequentialJudged(), Double.isNaN(p.servedMinutes()) ? ""
                                : String.format(Locale.ROOT, "%.2f", p.servedMinutes())));
            }
        }
        return b.toString();
    }

    static List<Quality> sorted(List<Quality> quality) {
        List<Quality> out = new ArrayList<>(quality);
        out.sort(Comparator.comparing((Quality q) -> q.getWindowStart()).thenComparingLong(Quality::getModelVersion));
        return out;
    }

    static String csv(List<Quality> windows, long demoStartMillis) {
        StringBuilder b = new StringBuilder("model_version,window_start,window_end,minutes_since_start,count,correct,accuracy\n");
        for (Quality q : windows) {
            b.append(q.getModelVersion()).append(',').append(q.getWindowStart()).append(',').append(q.getWindowEnd()).append(',')
                    .append(String.format(Locale.ROOT, "%.2f", minutes(q, demoStartMillis))).append(',')
                    .append(q.getCount()).append(',').append(q.getCorrect()).append(',')
                    .append(String.format(Locale.ROOT, "%.4f", q.getAccuracy())).append('\n');
        }
        return b.toString();
    }

    /** The window's middle in minutes since the demo started (windows are aligned to the clock, not to the start). */
    static double minutes(Quality q, long demoStartMillis) {
        long middle = (q.getWindowStart().toEpochMilli() + q.getWindowEnd().toEpochMilli()) / 2;
        return Math.max(0, middle - demoStartMillis) / 60_000.0;
    }

    /**
     * Left panel: each release's test accuracy at the minute it was released (a marker per release, a line per
     * trainer), and the prequential accuracy of all versions, per window and cumulative over the run. One
     * version's windows hold a handful of labels, so per-version prequential lines stay in the CSV only.
     */
    private static JFreeChart overTime(List<Quality> windows, long demoStartMillis, Story story) {
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(releaseSeries("served model: test accuracy of each release", story.releases(), ReleaseHistory.ReleasePoint::minutes));
        if (!story.baseline().isEmpty()) {
            data.addSeries(releaseSeries("supervised-only baseline: test accuracy of each release", story.baseline(),
                    ReleaseHistory.ReleasePoint::minutes));
        }
        XYSeries perWindow = new XYSeries("prequential accuracy, per window");
        XYSeries cumulative = new XYSeries("prequential accuracy, cumulative");
        Map<Double, long[]> byWindow = new TreeMap<>();
        for (Quality q : windows) {
            long[] c = byWindow.computeIfAbsent(minutes(q, demoStartMillis), k -> new long[2]);
            c[0] += q.getCount();
            c[1] += q.getCorrect();
        }
        long count = 0;
        long correct = 0;
        for (Map.Entry<Double, long[]> e : byWindow.entrySet()) {
            perWindow.add(e.getKey().doubleValue(), (double) e.getValue()[1] / e.getValue()[0]);
            count += e.getValue()[0];
            correct += e.getValue()[1];
            cumulative.add(e.getKey().doubleValue(), (double) correct / count);
        }
        data.addSeries(cumulative);
        data.addSeries(perWindow);
        JFreeChart chart = ChartFactory.createXYLineChart("Accuracy over the run", "minutes since the demo started", "accuracy", data,
                PlotOrientation.VERTICAL, true, false, false);
        style(chart, data.getSeriesCount() - 2);
        return chart;
    }

    /** Right panel: each release's test accuracy against the labels given before it was released. */
    private static JFreeChart overLabels(Story story) {
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(releaseSeries("served model", story.releases(), p -> p.labelsGiven()));
        if (!story.baseline().isEmpty()) {
            data.addSeries(releaseSeries("supervised-only baseline", story.baseline(), p -> p.labelsGiven()));
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Test accuracy of each release against labels given",
                "labels given before the release", "accuracy on the 10,000 test images", data, PlotOrientation.VERTICAL, true, false, false);
        style(chart, data.getSeriesCount());
        return chart;
    }

    private static XYSeries releaseSeries(String name, List<ReleaseHistory.ReleasePoint> points,
                                          java.util.function.ToDoubleFunction<ReleaseHistory.ReleasePoint> x) {
        XYSeries series = new XYSeries(name, false, true);
        points.forEach(p -> series.add(x.applyAsDouble(p), p.testAccuracy()));
        return series;
    }

    /** The first {@code releaseSeries} series are releases (thick, with markers); the rest prequential (cumulative black, window grey). */
    private static void style(JFreeChart chart, int releaseSeries) {
        XYPlot plot = chart.getXYPlot();
        Charts.style(plot);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        Color[] colors = {new Color(0x1f77b4), new Color(0xd62728)};
        for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
            boolean release = i < releaseSeries;
            renderer.setSeriesPaint(i, release ? colors[i % colors.length] : i == releaseSeries ? Color.BLACK : Color.GRAY);
            renderer.setSeriesStroke(i, new BasicStroke(release ? 2.5f : i == releaseSeries ? 3f : 1.5f));
            renderer.setSeriesShapesVisible(i, release);
        }
        plot.setRenderer(renderer);
    }

    static Map<String, Object> asMap(Summary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("minutes", round(s.minutes(), 2));
        m.put("labelsPerClass", s.labelsPerClass());
        m.put("rate", s.rate());
        m.put("images", s.images());
        m.put("labels", s.labels());
        m.put("predictions", s.predictions());
        m.put("modelsReleased", s.modelsReleased());
        m.put("newestModelVersion", s.newestModelVersion());
        m.put("newestModelTrainerStep", s.newestModelStep());
        m.put("trainerSteps", s.trainerSteps());
        m.put("finalPrequentialAccuracy", nanToNull(round(s.finalPrequentialAccuracy(), 4)));
        m.put("overallPrequentialAccuracy", nanToNull(round(s.overallPrequentialAccuracy(), 4)));
        m.put("judgedPredictions", s.judgedPredictions());
        m.put("finalTestAccuracy", nanToNull(round(s.finalTestAccuracy(), 4)));
        m.put("deadLetters", s.deadLetters());
        m.put("deadLettersByReason", s.deadLettersByReason());
        m.put("interrupted", s.interrupted());
        return m;
    }

    /** The summary table printed at the end, with a line per release. */
    static void print(PrintStream out, Summary s, Story story, List<Path> files) {
        out.println();
        out.println("== meanstream demo summary" + (s.interrupted() ? " (stopped early)" : "") + " ==");
        row(out, "run", String.format(Locale.ROOT, "%.1f min, %d labels per class, %.0f images/s", s.minutes(), s.labelsPerClass(), s.rate()));
        row(out, "images fed", String.format(Locale.ROOT, "%,d", s.images()));
        row(out, "labels given", String.format(Locale.ROOT, "%,d", s.labels()));
        row(out, "predictions", String.format(Locale.ROOT, "%,d", s.predictions()));
        row(out, "trainer steps", String.format(Locale.ROOT, "%,d", s.trainerSteps()));
        row(out, "models released", s.modelsReleased() + (s.newestModelVersion() < 0 ? "" : " (newest v" + s.newestModelVersion()
                + " at step " + s.newestModelStep() + ")"));
        row(out, "prequential accuracy", DemoView.num(s.overallPrequentialAccuracy(), 3) + " (whole run), "
                + DemoView.num(s.finalPrequentialAccuracy(), 3) + " (last window), " + s.judgedPredictions() + " predictions judged by later labels");
        row(out, "test accuracy", DemoView.num(s.finalTestAccuracy(), 4) + " (newest model, 10,000 Fashion-MNIST test images)");
        row(out, "label -> served model", String.format(Locale.ROOT, "p50 %s s, p95 %s s (%d labels in a served model, %d not yet, "
                + "%d holdout)", DemoView.num(LearningReport.percentile(story.delays().seconds(), 0.5), 0),
                DemoView.num(LearningReport.percentile(story.delays().seconds(), 0.95), 0), story.delays().seconds().size(),
                story.delays().notServed(), story.delays().holdout()));
        row(out, "dead letters", s.deadLetters() + (s.deadLettersByReason().isEmpty() ? "" : " " + s.deadLettersByReason()));
        out.println();
        out.printf(Locale.ROOT, "  %-26s %7s %7s %7s %7s %9s %12s%n", "release", "minute", "step", "labels", "served", "test acc", "prequential");
        for (List<ReleaseHistory.ReleasePoint> list : List.of(story.releases(), story.baseline())) {
            for (ReleaseHistory.ReleasePoint p : list) {
                out.printf(Locale.ROOT, "  %-26s %7.1f %,7d %7d %7s %9.4f %12s%n", p.model() + " v" + p.version(), p.minutes(), p.trainerStep(),
                        p.labelsGiven(), Double.isNaN(p.servedMinutes()) ? "-" : String.format(Locale.ROOT, "%.1f", p.servedMinutes()),
                        p.testAccuracy(), Double.isNaN(p.prequentialAccuracy()) ? "-"
                                : String.format(Locale.ROOT, "%.3f (%d)", p.prequentialAccuracy(), p.prequentialJudged()));
            }
        }
        out.println();
        for (Path f : files) {
            row(out, "report", f.toString());
        }
    }

    private static void row(PrintStream out, String name, String value) {
        out.printf(Locale.ROOT, "  %-22s %s%n", name, value);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Double.isNaN(v) ? v : Math.round(v * f) / f;
    }

    private static Object nanToNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    static void writeQuietly(Path dir, long start, DemoObserver.Snapshot topics, Summary summary, Story story, PrintStream out) {
        try {
            print(out, summary, story, write(dir, start, topics, summary, story));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo report to " + dir, e);
        }
    }
}
